/**
 * Settling between probes: no probe may inherit the previous one's queue. Before the first probe
 * the target's idle state is taken as its baseline; after each probe the search waits until the
 * target is back to it, for at most the settle bound, and says how long that took.
 *
 * - A target that is a MetricsSource is read from its own figures: every backlog gauge in its
 *   Prometheus text (a name with queue, depth, backlog, in_flight, busy, pending or outbox, not a
 *   counter) back at or below its idle value, e.g. the reference target's admin queue depth.
 * - Any other target gets a low-rate probe: one request of the profile's first step every
 *   `LATENCY_PROBE_EVERY_MS`, until the median of the last three latencies is back within
 *   `max(2 x baseline, baseline + 5 ms)` of the idle median.
 */
import { request } from 'undici';
import { isMetricsSource, type SessionState, type Target } from '../../targets/target.js';
import { scrapeMetrics } from '../driver/metrics-scraper.js';
import type { Profile, StepKind } from '../profile/profile.js';

/** How a settle went. */
export interface SettleResult {
  readonly method: 'metrics' | 'latency';
  /** True when the target was back at its baseline within the bound. */
  readonly settled: boolean;
  /** Seconds spent waiting. */
  readonly tookS: number;
  /** What was watched and where it ended, for the progress line and capacity.json. */
  readonly detail: string;
}

/** Waits for a target to be back at its idle state between probes. */
export interface Settler {
  readonly method: 'metrics' | 'latency';
  /** Reads the idle state; called once before the first probe. */
  baseline(): Promise<void>;
  /** Waits (at most `boundS`) until the target is back at its baseline. */
  settle(boundS: number, signal: AbortSignal): Promise<SettleResult>;
}

/** Period of the polls: a scrape, or one request of the low-rate probe. */
export const LATENCY_PROBE_EVERY_MS = 100;
const SCRAPE_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
const BACKLOG_NAME = /queue|depth|backlog|in_?flight|busy|pending|outbox/i;
const COUNTER_NAME = /_(total|count|sum|bucket|created)(\{|$)/;

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

const nowS = (): number => performance.now() / 1000;

/** Settles by the target's backlog gauges. */
function metricsSettler(url: string): Settler & { watched(): number } {
  let idle: Record<string, number> = {};
  return {
    method: 'metrics',
    watched: () => Object.keys(idle).length,
    async baseline() {
      const s = await scrapeMetrics(url, SCRAPE_TIMEOUT_MS);
      idle = {};
      for (const [k, v] of Object.entries(s?.values ?? {})) {
        if (BACKLOG_NAME.test(k) && !COUNTER_NAME.test(k)) idle[k] = v;
      }
    },
    async settle(boundS, signal) {
      const t0 = nowS();
      let last = 'no scrape answered';
      for (;;) {
        const s = await scrapeMetrics(url, SCRAPE_TIMEOUT_MS);
        if (s) {
          const over = Object.entries(idle)
            .filter(([k, v]) => (s.values[k] ?? 0) > v)
            .map(([k, v]) => `${k} ${s.values[k]} (idle ${v})`);
          if (over.length === 0) {
            return { method: 'metrics', settled: true, tookS: nowS() - t0, detail: 'backlog gauges at idle' };
          }
          last = over.join(', ');
        }
        if (signal.aborted || nowS() - t0 >= boundS) {
          return {
            method: 'metrics',
            settled: false,
            tookS: nowS() - t0,
            detail: `still above idle: ${last}`,
          };
        }
        await sleep(LATENCY_PROBE_EVERY_MS, signal);
      }
    },
  };
}

/** Settles by the latency of single requests of the profile's first step. */
function latencySettler(target: Target, profile: Profile): Settler {
  const flow = profile.flows[0];
  const kind: StepKind = flow?.steps.find((s) => s.kind !== 'await-mail')?.kind ?? 'login';
  const creds = target.credentials(0);
  const region = profile.regions[0]?.name ?? 'probe';
  let idleMs = 0;
  const once = async (): Promise<number> => {
    const session: SessionState = {
      accountIndex: 0,
      account: creds.account,
      password: creds.password,
      newPassword: `${creds.password}-settle`,
      region,
      captures: {},
    };
    const spec = target.buildRequest(kind, session);
    const t0 = performance.now();
    try {
      const res = await request(`${spec.origin ?? target.origin()}${spec.path}`, {
        method: spec.method,
        headers: spec.headers,
        ...(spec.body === undefined ? {} : { body: spec.body }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await res.body.dump();
    } catch {
      // A refused or timed-out request took what it took: that is the latency being watched.
    }
    return performance.now() - t0;
  };
  const median = (xs: readonly number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)] ?? 0;
  };
  return {
    method: 'latency',
    async baseline() {
      const xs: number[] = [];
      for (let i = 0; i < 5; i++) xs.push(await once());
      idleMs = median(xs);
    },
    async settle(boundS, signal) {
      const t0 = nowS();
      const limitMs = Math.max(2 * idleMs, idleMs + 5);
      const recent: number[] = [];
      for (;;) {
        recent.push(await once());
        if (recent.length > 3) recent.shift();
        const m = median(recent);
        const at = `median ${m.toFixed(1)} ms (idle ${idleMs.toFixed(1)} ms, limit ${limitMs.toFixed(1)} ms)`;
        if (recent.length === 3 && m <= limitMs) {
          return { method: 'latency', settled: true, tookS: nowS() - t0, detail: `${kind} latency ${at}` };
        }
        if (signal.aborted || nowS() - t0 >= boundS) {
          return { method: 'latency', settled: false, tookS: nowS() - t0, detail: `${kind} latency ${at}` };
        }
        await sleep(LATENCY_PROBE_EVERY_MS, signal);
      }
    },
  };
}

/**
 * The settler for a started target: by its metrics when it is a MetricsSource whose idle scrape
 * shows backlog gauges, else by the latency of a low-rate probe.
 */
export async function settlerFor(target: Target, profile: Profile): Promise<Settler> {
  if (isMetricsSource(target)) {
    const m = metricsSettler(target.metricsUrl());
    await m.baseline();
    if (m.watched() > 0) return m;
  }
  const l = latencySettler(target, profile);
  await l.baseline();
  return l;
}
