import { describe, expect, it } from 'vitest';
import type { Phase } from '../../harness/profile/profile.js';
import { buildProfile, constant, flow, region } from './profile-fixture.js';
import { drain } from './stream-helpers.js';

describe('arrival stream flows and accounts', () => {
  it('draws flows in the weights proportions (binomial bounds)', () => {
    const a = drain(
      buildProfile({
        flows: [flow('a', 0.5, 'all'), flow('b', 0.3, 'all'), flow('c', 0.2, 'all')],
        regions: [region('r', 0, [constant('c', 100, 1000, 'uniform')])],
      }),
    );
    const n = a.length;
    expect(n).toBe(100_000);
    [0.5, 0.3, 0.2].forEach((p, f) => {
      const k = a.filter((x) => x.flow === f).length;
      expect(Math.abs(k - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
    });
  });

  it("uses the phase's mix when it has one, the flows' weights otherwise", () => {
    const only: Phase = { ...constant('resets', 10, 1000, 'uniform'), mix: { reset: 1 } };
    const a = drain(
      buildProfile({
        flows: [flow('login', 0.9, 'all'), flow('reset', 0.1, 'must-reset')],
        regions: [region('r', 0, [constant('normal', 10, 1000, 'uniform'), only])],
      }),
    );
    const second = a.filter((x) => x.atNs >= 10e9);
    expect(second.length).toBe(10_000);
    expect(second.every((x) => x.flow === 1)).toBe(true);
    const firstResets = a.filter((x) => x.atNs < 10e9 && x.flow === 1).length;
    expect(Math.abs(firstResets - 1000)).toBeLessThan(5 * Math.sqrt(10_000 * 0.09));
  });

  it('hands out each pool without repetition until exhausted, inside the pool, shared across flows', () => {
    // 10,000 accounts, 30% must reset: must-reset = [0, 3000), no-reset = [3000, 10000).
    const a = drain(
      buildProfile({
        population: { accounts: 10_000, mustResetShare: 0.3, seed: 77 },
        flows: [
          flow('reset-a', 1, 'must-reset'),
          flow('reset-b', 1, 'must-reset'),
          flow('login', 1, 'no-reset'),
        ],
        regions: [region('r', 0, [constant('c', 12, 1000)])],
      }),
    );
    const must = a.filter((x) => x.flow !== 2).map((x) => x.account);
    const no = a.filter((x) => x.flow === 2).map((x) => x.account);
    expect(must.length).toBeGreaterThan(6000); // more than two full cycles of the pool
    expect(must.every((x) => x >= 0 && x < 3000)).toBe(true);
    expect(no.every((x) => x >= 3000 && x < 10_000)).toBe(true);
    // The first cycle is a permutation of the whole pool, and the next cycle repeats it.
    expect(new Set(must.slice(0, 3000)).size).toBe(3000);
    expect(must.slice(3000, 6000)).toEqual(must.slice(0, 3000));
    expect(new Set(no).size).toBe(Math.min(no.length, 7000));
    // Not a sequential walk: consecutive accounts are scattered.
    expect(must.slice(0, 20).some((x, i) => i > 0 && Math.abs(x - must[i - 1]!) !== 1)).toBe(true);
  });

  it('different seeds walk the pools in different orders', () => {
    const mk = (seed: number) =>
      drain(
        buildProfile({
          population: { accounts: 5000, seed },
          regions: [region('r', 0, [constant('c', 1, 100)])],
        }),
      );
    expect(mk(1).map((x) => x.account)).not.toEqual(mk(2).map((x) => x.account));
  });
});
