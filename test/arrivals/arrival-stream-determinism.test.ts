import { describe, expect, it } from 'vitest';
import { emptyArrival } from '../../harness/arrivals/arrival.js';
import { createArrivalStream } from '../../harness/arrivals/arrival-stream.js';
import { StampedeError } from '../../harness/errors.js';
import { buildProfile, constant, flow, ramp, region } from './profile-fixture.js';
import { drain } from './stream-helpers.js';

function profile(seed: number) {
  return buildProfile({
    population: { accounts: 50_000, seed, mustResetShare: 0.4 },
    flows: [flow('reset', 3, 'must-reset'), flow('login', 1, 'no-reset'), flow('any', 1, 'all')],
    regions: [
      region('eu', 0, [ramp('up', 5, 0, 2000), constant('hold', 5, 2000)]),
      region('us', 3, [constant('hold', 6, 800, 'uniform')]),
      region('ap', 7, [ramp('up', 3, 100, 900)]),
    ],
  });
}

describe('arrival stream determinism', () => {
  it('yields the identical stream for the same seed', () => {
    const a = drain(profile(11));
    expect(a.length).toBeGreaterThan(10_000);
    expect(drain(profile(11))).toEqual(a);
  });

  it('yields a different stream for a different seed', () => {
    const a = drain(profile(11));
    const b = drain(profile(12));
    const n = Math.min(a.length, b.length);
    let same = 0;
    for (let i = 0; i < n; i++) if (a[i]!.atNs === b[i]!.atNs && a[i]!.account === b[i]!.account) same++;
    // Only the uniform region's times coincide; Poisson times and every account differ.
    expect(same).toBeLessThan(n / 100);
  });

  it('is in time order with seq numbering the whole stream', () => {
    const a = drain(profile(5));
    for (let i = 1; i < a.length; i++) expect(a[i]!.atNs).toBeGreaterThanOrEqual(a[i - 1]!.atNs);
    expect(a.map((x) => x.seq)).toEqual(a.map((_, i) => i));
  });

  it.each([1, 2, 3, 7])('splits into %i disjoint shards whose union is exactly the whole stream', (n) => {
    const whole = drain(profile(21));
    const shards = Array.from({ length: n }, (_, i) => drain(profile(21), { index: i, count: n }));
    for (const [i, s] of shards.entries()) for (const x of s) expect(x.seq % n).toBe(i);
    const union = shards.flat().sort((x, y) => x.seq - y.seq);
    expect(union).toEqual(whole);
  });

  it('iterates with fresh objects, equal to the next(into) walk', () => {
    const viaIter = [...createArrivalStream(profile(8))];
    expect(viaIter).toEqual(drain(profile(8)));
    expect(viaIter[0]).not.toBe(viaIter[1]);
  });

  it('ends and stays ended', () => {
    const s = createArrivalStream(
      buildProfile({ regions: [region('r', 0, [constant('c', 1, 3, 'uniform')])] }),
    );
    const a = emptyArrival();
    let n = 0;
    while (s.next(a)) n++;
    expect(n).toBe(3);
    expect(s.next(a)).toBe(false);
  });

  it('rejects a bad shard and a drawn flow with an empty pool', () => {
    expect(() => createArrivalStream(profile(1), { index: 3, count: 3 })).toThrow(StampedeError);
    const p = buildProfile({
      population: { mustResetShare: 0 },
      flows: [flow('reset', 1, 'must-reset')],
    });
    expect(() => createArrivalStream(p)).toThrow(/reset.*pool 'must-reset' is empty/);
  });
});
