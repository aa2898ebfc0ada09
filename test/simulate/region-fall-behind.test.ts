/**
 * Per-region fall-behind and take-down drain: hand-built region tallies (1 s intervals, 40 of
 * them, 100 reset requests offered a second) through the run's own analysis, truth computed by
 * hand next to each assertion (reports/analysis defaults: window 3, okTolerance 0.02, shedding =
 * failures >= max(3, 3 % of offered), drain and recovery end with the first interval back).
 *
 * - eu: an outage takes eu down over [10 s, 20 s) (ok 0, 100 x 503 a second); after it eu stays
 *   behind (ok 50, 50 x 503) over 20..24 s and keeps up from 25 s.
 * - us: never taken down; behind (ok 60, 40 x 503) over 30..34 s, keeps up from 35 s.
 */
import { describe, expect, it } from 'vitest';
import { regionFallBehind } from '../../harness/simulate/region-fall-behind.js';
import type { RegionTally } from '../../harness/simulate/region-probe.js';
import { OUTCOME_CLASSES } from '../../harness/vocabulary/outcome.js';
import type { RunMeta } from '../../reports/run-dir/run-meta.js';

const I503 = OUTCOME_CLASSES.indexOf('503');

/** 40 intervals of 100 offered; `ok(i)` answered ok, the rest 503. */
function tally(ok: (i: number) => number): RegionTally {
  const t: RegionTally = { offered: [], retries: [], outcomes: [] };
  for (let i = 0; i < 40; i++) {
    const o = new Array<number>(OUTCOME_CLASSES.length).fill(0);
    o[0] = ok(i);
    o[I503] = 100 - ok(i);
    t.offered.push(100);
    t.retries.push(0);
    t.outcomes.push(o);
  }
  return t;
}

function meta(): RunMeta {
  return {
    profile: { name: 'p', file: 'p.yaml', hash: 'h' },
    target: 'reference',
    engine: 'simulate',
    latencyModel: 'simulated',
    startedAt: new Date(0).toISOString(),
    t0Ms: 0,
    intervalMs: 1000,
    steps: ['reset-request'],
    plannedDurationS: 40,
    workers: 1,
    outages: [{ name: 'eu-down', startS: 10, durationS: 10, regions: ['eu'] }],
    plannedRatePerS: [],
    settings: {},
  };
}

const eu = tally((i) => (i >= 10 && i < 20 ? 0 : i >= 20 && i < 25 ? 50 : 100));
const us = tally((i) => (i >= 30 && i < 35 ? 60 : 100));

describe('region fall-behind', () => {
  it('judges each region on its own reset requests, in the profile order', () => {
    const found = regionFallBehind(
      new Map([
        ['eu', eu],
        ['us', us],
      ]),
      meta(),
      ['us', 'eu'],
    );
    expect(found.map((r) => r.region)).toEqual(['us', 'eu']);
    const [u, e] = found;
    // us: 30..34 behind (ok 60 < 98, 40 failures >= 3: shedding), 5 >= 3 intervals: onset 30 s;
    // back at baseline from 35 s for 3 intervals: recovered at the end of 35 s = 36 s.
    expect(u!.fellBehind).toMatchObject({
      step: 'reset-request',
      atS: 30,
      offeredRatePerS: 100,
      achievedRatePerS: 60,
      reason: 'throughput',
      recoveredAtS: 36,
    });
    // The outage is eu's: us has no take-down.
    expect(u!.takedowns).toEqual([]);
    // eu: its behind stretch 20..24 is the outage's drain (left out), so no fall-behind.
    expect(e!.fellBehind).toBeNull();
    // Drain: first of 3 intervals at baseline from the end (20 s) is 25 s; it ends with that
    // interval: 25 + 1 - 20 = 6 s. 503s during the window: 10 intervals x 100 = 1000.
    expect(e!.takedowns).toHaveLength(1);
    expect(e!.takedowns[0]).toMatchObject({
      name: 'eu-down',
      startS: 10,
      endS: 20,
      responses503: 1000,
      drainS: 6,
    });
  });

  it('a region still behind at the end of the run never drained', () => {
    const stuck = tally((i) => (i >= 10 && i < 20 ? 0 : i >= 20 ? 50 : 100));
    const [e] = regionFallBehind(new Map([['eu', stuck]]), meta(), ['eu']);
    expect(e!.takedowns[0]!.drainS).toBeNull();
  });

  it('a region the profile does not name comes after the named ones', () => {
    const found = regionFallBehind(
      new Map([
        ['global', us],
        ['eu', eu],
      ]),
      meta(),
      ['eu'],
    );
    expect(found.map((r) => r.region)).toEqual(['eu', 'global']);
    // global is not eu: the eu outage does not apply, the same onset as us.
    expect(found[1]!.fellBehind?.atS).toBe(30);
  });
});
