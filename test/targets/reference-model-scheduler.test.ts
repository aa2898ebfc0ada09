/**
 * The driver's real Scheduler and sessions on the VirtualClock against the reference model,
 * through the unchanged ReferenceTarget (JSON bodies, parsed by the model the server's way) and
 * through the ModelTarget `stampede simulate` uses (typed requests, no bodies): the same truth
 * holds for both. Truth by hand:
 * below capacity every forced-reset session succeeds; above it the reset step turns away
 * (lambda - c / S) per second.
 */
import { describe, expect, it } from 'vitest';
import { createArrivalStream } from '../../harness/arrivals/arrival-stream.js';
import { Scheduler } from '../../harness/driver/scheduler.js';
import { VirtualClock } from '../../harness/driver/virtual-clock.js';
import type { FlowStep, Profile, StepKind } from '../../harness/profile/profile.js';
import type { IntervalSnapshot } from '../../reports/recorder/interval-snapshot.js';
import { ModelTarget } from '../../targets/reference/model/model-target.js';
import { ReferenceModel } from '../../targets/reference/model/reference-model.js';
import { type ReferenceConfig, resolveReferenceConfig } from '../../targets/reference/reference-config.js';
import { ReferenceTarget } from '../../targets/reference/reference-target.js';
import { buildProfile, constant, region, step } from '../arrivals/profile-fixture.js';
import { totals } from '../support/virtual-run.js';

const KINDS: [StepKind, number[]][] = [
  ['login', [403]],
  ['reset-request', [202]],
  ['await-mail', [200]],
  ['reset-confirm', [200]],
  ['login-new', [200]],
];

function forcedReset(rate: number, durationS: number): Profile {
  const steps: FlowStep[] = KINDS.map(([k, expect]) => ({
    ...step(k),
    expect,
    pollEveryS: 0.2,
    timeoutS: 30,
  }));
  return buildProfile({
    population: { accounts: 100_000, seed: 3, mustResetShare: 1 },
    flows: [{ name: 'forced-reset', weight: 1, accounts: 'must-reset', steps }],
    regions: [region('eu', 0, [constant('surge', durationS, rate, 'uniform')])],
  });
}

type Which = 'reference-target' | 'model-target';

async function simulate(profile: Profile, capacity: Partial<ReferenceConfig>, which: Which) {
  const clock = new VirtualClock();
  const { domains: _domains, ...population } = profile.population;
  const config = resolveReferenceConfig({ ...capacity, ...population });
  const model = new ReferenceModel(clock, { config });
  const options = { origin: 'http://model.invalid', seed: config.seed, accounts: config.accounts };
  const target = which === 'model-target' ? new ModelTarget(options) : new ReferenceTarget(options);
  const snapshots: IntervalSnapshot[] = [];
  const scheduler = new Scheduler(
    {
      profile,
      shard: { index: 0, count: 1 },
      intervalMs: 1000,
      maxInFlight: 10_000,
      requestTimeoutMs: 10_000,
      drainMs: 60_000,
      t0EpochMs: 0,
    },
    { clock, target, transportFor: () => model, onSnapshot: (s) => snapshots.push(s) },
  );
  const done = scheduler.run();
  clock.run();
  await done;
  return { t: totals(snapshots), model };
}

/**
 * Independent truth for a c-worker FIFO with service S and queue bound Q, written the slow
 * obvious way: per arrival, finish every job whose end has passed (starting waiting ones at that
 * end), then admit if a worker is free or the queue has room.
 */
function naiveAccepted(arrivals: readonly number[], c: number, S: number, Q: number): number {
  const ends: number[] = [];
  const waiting: number[] = [];
  let accepted = 0;
  for (const t of arrivals) {
    for (;;) {
      const i = ends.findIndex((e) => e === Math.min(...ends));
      if (i < 0 || ends[i]! > t) break;
      const freed = ends[i]!;
      ends.splice(i, 1);
      const w = waiting.shift();
      if (w !== undefined) ends.push(Math.max(freed, w) + S);
    }
    if (ends.length < c) ends.push(t + S);
    else if (waiting.length < Q) waiting.push(t);
    else continue;
    accepted++;
  }
  return accepted;
}

describe.each(['reference-target', 'model-target'] as const)(
  'the scheduler on the reference model via the %s',
  (which) => {
    it('completes every forced-reset session below capacity', async () => {
      // 50 arrivals/s for 4 s; admin capacity 4 / 20 ms = 200/s: nothing queues for long.
      const { t } = await simulate(
        forcedReset(50, 4),
        { adminWorkers: 4, resetServiceMs: 20, hashCost: 0 },
        which,
      );
      expect(t.arrivals).toBeGreaterThanOrEqual(199);
      expect(t.succeeded).toBe(t.arrivals);
      for (const [i] of KINDS.entries()) expect(t.steps.get(i)?.finals).toEqual({ ok: t.arrivals });
    });

    it('turns away lambda - c/S resets per second above capacity', async () => {
      // 300/s for 2 s against c / S = 200/s, queue 10, no retries: login costs nothing, so resets
      // arrive when their sessions do. Accepted: the naive FIFO below, fed the stream's times.
      const profile = forcedReset(300, 2);
      const { t } = await simulate(
        profile,
        {
          adminWorkers: 4,
          resetServiceMs: 20,
          resetQueue: 10,
          hashCost: 0,
        },
        which,
      );
      const reset = t.steps.get(1);
      const arrivals = [...createArrivalStream(profile)].map((a) => a.atNs);
      expect(t.arrivals).toBe(arrivals.length);
      expect(reset?.finals['ok']).toBe(naiveAccepted(arrivals, 4, 20e6, 10));
      // The closed form, to its edge effects: c + Q + (c / S) x (last arrival - first end).
      const closed = 4 + 10 + 200 * ((arrivals[arrivals.length - 1]! - 20e6) / 1e9);
      expect(Math.abs((reset?.finals['ok'] ?? 0) - closed)).toBeLessThanOrEqual(4);
      expect(reset?.finals['503']).toBe(t.arrivals - (reset?.finals['ok'] ?? 0));
      // Every accepted reset's user finishes the flow.
      expect(t.succeeded).toBe(reset?.finals['ok']);
    });
  },
);
