/**
 * The same sessions over two transports give the same per-step counts: the forced-reset flow is
 * run for real over UndiciTransport against the reference target (a tight admin queue makes some
 * resets answer 503 and be retried), every answer is recorded per request, and the run is then
 * replayed in virtual time over the scripted transport answering each request with the status
 * the real server gave it. The scheduler and sessions are the same code; only time and wire
 * differ, so offered, retries, attempts and finals per step must be equal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock, takeT0 } from '../../harness/driver/real-clock.js';
import { Scheduler } from '../../harness/driver/scheduler.js';
import type { FlowStep, Profile } from '../../harness/profile/profile.js';
import type { Exchange, ResponseHeaders, Transport } from '../../harness/transports/transport.js';
import { UndiciTransport } from '../../harness/transports/undici-transport.js';
import type { OutcomeIndex } from '../../harness/vocabulary/outcome.js';
import type { IntervalSnapshot } from '../../reports/recorder/interval-snapshot.js';
import { ReferenceTarget } from '../../targets/reference/reference-target.js';
import type { RequestSpec } from '../../targets/target.js';
import { buildProfile, constant, region, step } from '../arrivals/profile-fixture.js';
import { runVirtual, totals } from '../support/virtual-run.js';

type Answer = { status: number; headers: ResponseHeaders; body: string | undefined } | { fail: OutcomeIndex };

/** Wraps a transport and records each request's answer, in order per method+path+body. */
class RecordingTransport implements Transport {
  readonly name = 'recording';
  readonly answers = new Map<string, Answer[]>();
  constructor(readonly inner: Transport) {}
  warm(): Promise<void> {
    return this.inner.warm();
  }
  send(req: RequestSpec, wantBody: boolean, ex: Exchange): void {
    const key = keyOf(req);
    const list = this.answers.get(key) ?? [];
    this.answers.set(key, list);
    this.inner.send(req, wantBody, {
      wire: null,
      onWritten: (t) => ex.onWritten(t),
      onResponse: (t, status, headers, body) => {
        list.push({ status, headers, body });
        ex.onResponse(t, status, headers, body);
      },
      onFailure: (t, o, d) => {
        list.push({ fail: o });
        ex.onFailure(t, o, d);
      },
    });
  }
  cancel(ex: Exchange, o: OutcomeIndex): void {
    this.inner.cancel(ex, o);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

function keyOf(req: RequestSpec): string {
  return `${req.method} ${req.origin ?? ''}${req.path} ${req.body ?? ''}`;
}

let target: ReferenceTarget;
const retry = {
  maxAttempts: 4,
  backoff: 'none' as const,
  baseS: 0.05,
  maxS: 0,
  jitter: 'none' as const,
  on: ['503' as const],
  respectRetryAfter: false,
};

function profile(): Profile {
  const kinds = ['login', 'reset-request', 'await-mail', 'reset-confirm', 'login-new'] as const;
  const steps: FlowStep[] = kinds.map((k) => ({
    ...step(k, k === 'login' ? 'login-forced' : k),
    expect: k === 'login' ? [403] : k === 'reset-request' ? [202] : [200],
    retry,
    pollEveryS: 0.05,
    timeoutS: 10,
  }));
  const p = buildProfile({
    population: { accounts: 2000, seed: 7, mustResetShare: 1 },
    flows: [{ name: 'forced-reset', weight: 1, accounts: 'must-reset', steps }],
    regions: [region('eu', 0, [constant('burst', 2, 60, 'uniform')])],
  });
  return { ...p, client: { ...p.client, intervalS: 0.25, requestTimeoutS: 5 } };
}

beforeAll(async () => {
  target = new ReferenceTarget();
  // 1 admin worker x 20 ms = 50 resets/s with a queue of 2: a 60/s burst gets 503s and retries.
  await target.start({
    population: { accounts: 2000, seed: 7, mustResetShare: 1 },
    capacity: { adminWorkers: 1, resetServiceMs: 20, resetQueue: 2, mailPerS: 500, hashCost: 0 },
  });
});

afterAll(async () => {
  await target?.stop();
});

describe('the same flow over the undici transport and the scripted transport', () => {
  it('gives the same per-step request counts', async () => {
    const p = profile();
    const t0 = takeT0();
    const clock = new RealClock(t0);
    const snapshots: IntervalSnapshot[] = [];
    const recording = new Map<string, RecordingTransport>();
    const scheduler = new Scheduler(
      {
        profile: p,
        shard: { index: 0, count: 1 },
        intervalMs: 250,
        maxInFlight: 1000,
        requestTimeoutMs: 5000,
        drainMs: 20_000,
        t0EpochMs: t0.epochMs,
      },
      {
        clock,
        target,
        transportFor: (origin) => {
          const t = new RecordingTransport(
            new UndiciTransport(origin, {
              connections: 8,
              pipelining: 1,
              connectTimeoutMs: 2000,
              requestTimeoutMs: 5000,
              now: () => clock.now(),
            }),
          );
          recording.set(origin, t);
          return t;
        },
        onSnapshot: (s) => snapshots.push(s),
      },
    );
    await scheduler.run();
    const real = totals(snapshots);

    const answers = new Map<string, Answer[]>();
    for (const t of recording.values()) for (const [k, v] of t.answers) answers.set(k, [...v]);
    const replay = await runVirtual(
      p,
      (req) => {
        const a = answers.get(keyOf(req))?.shift();
        if (!a) throw new Error(`no recorded answer for ${keyOf(req)}`);
        return 'fail' in a ? { afterNs: 1e6, fail: a.fail } : { afterNs: 1e6, ...a, body: a.body ?? '' };
      },
      { target, drainMs: 20_000 },
    );
    const virtual = totals(replay.snapshots);
    expect(real.arrivals).toBe(120);
    // The tight admin queue made the burst retry: the comparison covers retries too.
    expect(real.steps.get(1)!.retries).toBeGreaterThan(0);
    expect([...virtual.steps.entries()]).toEqual([...real.steps.entries()]);
    expect(virtual.succeeded).toBe(real.succeeded);
  });
});
