/**
 * The closed-model engine: autocannon's programmatic API, for floods and capacity searches. Each
 * flow becomes an autocannon request chain (captured tokens live in the connection's context),
 * run segment by segment over the profile's timeline with the segment's planned request rate as
 * `overallRate` (or no rate at all with `flood`). Its measurements land in the same recorder
 * format as the open-model engine, marked `service-time`: a closed loop sends its next request
 * only after the previous answer, so a stalled target hides behind it (LIBS.md).
 *
 * Known limits, said in the run's settings: an await-mail step polls once (a chain cannot loop);
 * transport errors (timeouts, resets) are reported by autocannon without their request, so they
 * are counted on the flow's first step.
 */
import type autocannon from 'autocannon';
import { ShardRecorder } from '../../reports/recorder/shard-recorder.js';
import type { SessionState, Target } from '../../targets/target.js';
import { compileProfileRate } from '../arrivals/profile-rate.js';
import type { Flow, Profile } from '../profile/profile.js';
import { buildStepIndex } from '../profile/step-index.js';
import { outcomeOfError } from '../transports/error-class.js';
import { Outcome, type OutcomeIndex, outcomeOfStatus } from '../vocabulary/outcome.js';
import type { Engine, EngineRunOptions } from './engine.js';

/** One stretch of the timeline with a constant planned arrival rate (its mean). */
interface Segment {
  readonly startS: number;
  readonly durationS: number;
  readonly arrivalsPerS: number;
}

/** Splits the timeline at every phase boundary of every region. */
export function timelineSegments(profile: Profile): Segment[] {
  const cuts = new Set<number>([0]);
  for (const r of profile.regions) {
    let t = r.startS;
    cuts.add(t);
    for (const p of r.phases) {
      t += p.durationS;
      cuts.add(t);
    }
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const rate = compileProfileRate(profile);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i]!;
    const b = sorted[i + 1]!;
    if (b - a > 1e-9) out.push({ startS: a, durationS: b - a, arrivalsPerS: rate.meanRate(a, b) });
  }
  return out;
}

interface ChainContext {
  session?: SessionState;
  sentAt?: number;
}

/** The autocannon request chain of one flow: each step built and read by the target. */
function chainOf(
  flow: Flow,
  stepIds: readonly number[],
  target: Target,
  recorder: ShardRecorder,
  flowIndex: number,
  nextAccount: () => number,
): autocannon.Request[] {
  return flow.steps.map((step, i) => ({
    setupRequest: (req: autocannon.Request, raw: object): autocannon.Request => {
      const ctx = raw as ChainContext;
      if (i === 0 || !ctx.session) {
        const index = nextAccount();
        const creds = target.credentials(index);
        ctx.session = {
          accountIndex: index,
          account: creds.account,
          password: creds.password,
          newPassword: `Np-ac-${index}`,
          region: 'global',
          captures: {},
        };
        recorder.arrival(flowIndex, true);
      }
      const spec = target.buildRequest(step.kind, ctx.session);
      recorder.offered(stepIds[i]!, false);
      ctx.sentAt = performance.now();
      return {
        ...req,
        method: spec.method,
        path: spec.path,
        headers: spec.headers,
        ...(spec.body !== undefined ? { body: spec.body } : {}),
      };
    },
    onResponse: (
      status: number,
      body: string,
      raw: object,
      headers?: autocannon.Request['headers'],
    ): void => {
      const ctx = raw as ChainContext;
      const us = (performance.now() - (ctx.sentAt ?? performance.now())) * 1000;
      let outcome: number = outcomeOfStatus(status);
      if (step.expect.includes(status) && ctx.session) {
        const verdict = target.interpret(step.kind, { status, headers: headers ?? {}, body }, ctx.session);
        if (verdict.verdict === 'ok') {
          outcome = Outcome.ok;
          if (verdict.captures) Object.assign(ctx.session.captures, verdict.captures);
        } else {
          outcome = verdict.verdict === 'pending' ? Outcome.mailTimeout : Outcome.invalid;
        }
      }
      const id = stepIds[i]!;
      const o = outcome as OutcomeIndex;
      recorder.attempt(id, o, us, us);
      // Closed model: no retries, so every attempt is its step's final outcome and its user wait.
      recorder.final(id, o, us);
      if (i === flow.steps.length - 1) recorder.sessionDone(flowIndex, o === Outcome.ok);
    },
  }));
}

export const autocannonEngine = {
  name: 'autocannon',
  latencyModel: 'service-time',
  shardCount: () => 1,

  async run(opts: EngineRunOptions): Promise<void> {
    const { profile, target, sink, signal } = opts;
    // Loaded by the run that uses it, not by every CLI start that lists the engine.
    const { default: autocannon } = await import('autocannon');
    const steps = buildStepIndex(profile);
    const recorder = new ShardRecorder(
      steps.names.length,
      profile.flows.map((f) => f.name),
    );
    const connections = Number(opts.options['connections'] ?? profile.client.connections);
    const flood = opts.options['flood'] === true;
    const capS = Number(opts.options['duration'] ?? Number.POSITIVE_INFINITY);
    let account = 0;
    const nextAccount = (): number => account++ % profile.population.accounts;

    const t0Ms = sink.started().epochMs;
    const intervalMs = opts.intervalMs;
    let interval = 0;
    const cutDue = (final: boolean): void => {
      const now = performance.timeOrigin + performance.now();
      const current = Math.floor((now - t0Ms) / intervalMs);
      while (interval < current || (final && interval === current)) {
        const earlier = recorder.cut(
          interval,
          t0Ms + interval * intervalMs,
          t0Ms + (interval + 1) * intervalMs,
          0,
        );
        if (earlier) sink.snapshot(0, earlier);
        const sealed = recorder.seal();
        if (sealed) sink.snapshot(0, sealed);
        interval++;
      }
    };
    const ticker = setInterval(() => cutDue(false), Math.max(50, intervalMs / 4));

    try {
      for (const seg of timelineSegments(profile)) {
        if (signal.aborted) break;
        const durationS = Math.min(seg.durationS, capS);
        const runs = profile.flows.map((flow, f) => {
          const share = flow.weight;
          const requestsPerS = seg.arrivalsPerS * share * flow.steps.length;
          if (!flood && requestsPerS < 0.5) return sleep(durationS * 1000, signal);
          const first = steps.byFlow[f]![0]!;
          return new Promise<void>((resolve) => {
            let instance: autocannon.Instance | null = null;
            const stop = (): void => instance?.stop();
            // The callback form returns the running instance (events, stop); the promise form does not.
            const running: autocannon.Instance = autocannon(
              {
                url: target.origin(),
                connections: Math.max(1, Math.round(connections * share)),
                duration: durationS,
                // Paced: its own coordinated-omission correction is wrong (LIBS.md), so it is off;
                // a flood has no rate, and autocannon refuses the option without one.
                ...(flood
                  ? {}
                  : { overallRate: Math.max(1, Math.round(requestsPerS)), ignoreCoordinatedOmission: true }),
                timeout: profile.client.requestTimeoutS,
                requests: chainOf(flow, steps.byFlow[f]!, target, recorder, f, nextAccount),
              },
              () => {
                signal.removeEventListener('abort', stop);
                resolve();
              },
            );
            signal.addEventListener('abort', stop, { once: true });
            // autocannon reports a timeout as a reqError with a plain 'request timed out' Error.
            instance = running;
            running.on('reqError', (err: unknown) => {
              const o =
                err instanceof Error && err.message === 'request timed out'
                  ? Outcome.timeout
                  : outcomeOfError(err);
              recorder.attemptCount(first, o);
              recorder.final(first, o, -1);
            });
          });
        });
        await Promise.all(runs);
      }
    } finally {
      clearInterval(ticker);
      cutDue(true);
      recorder.destroy();
      sink.shardDone(0, 0);
    }
  },
} satisfies Engine;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
