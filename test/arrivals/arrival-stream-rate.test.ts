import { describe, expect, it } from 'vitest';
import type { Phase } from '../../harness/profile/profile.js';
import { buildProfile, constant, ramp, region } from './profile-fixture.js';
import { drain, windowCounts } from './stream-helpers.js';

describe('arrival stream pacing', () => {
  it('Poisson: per-second counts are Poisson-dispersed around the planned rate', () => {
    const rate = 2000;
    const secs = 60;
    const a = drain(buildProfile({ regions: [region('r', 0, [constant('c', secs, rate)])] }));
    const counts = windowCounts(a, 1, secs);
    // Pearson chi-square with 60 windows: mean 60, sd sqrt(120) ≈ 11. The bounds sit > 3.5 sd out;
    // the lower one fails a stream that is too regular to be Poisson (uniform would give ~0).
    const chi2 = counts.reduce((s, c) => s + (c - rate) ** 2 / rate, 0);
    expect(chi2).toBeGreaterThan(20);
    expect(chi2).toBeLessThan(110);
    for (const c of counts) expect(Math.abs(c - rate) / Math.sqrt(rate)).toBeLessThan(5);
  });

  it('uniform: every window holds rate × width within ±1', () => {
    const a = drain(buildProfile({ regions: [region('r', 0, [constant('c', 20, 333, 'uniform')])] }));
    expect(a.length).toBe(20 * 333);
    for (const c of windowCounts(a, 0.5, 20)) expect(Math.abs(c - 166.5)).toBeLessThanOrEqual(1);
    // Evenly spaced: every gap is 1/333 s to the nanosecond rounding.
    for (let i = 1; i < a.length; i++)
      expect(Math.abs(a[i]!.atNs - a[i - 1]!.atNs - 1e9 / 333)).toBeLessThanOrEqual(1);
  });

  it('ramps put arrivals where the integral says (first vs last half)', () => {
    // 0 -> 1000/s over 100 s: 12,500 expected in the first half, 37,500 in the second.
    const a = drain(buildProfile({ regions: [region('r', 0, [ramp('up', 100, 0, 1000)])] }));
    const first = a.filter((x) => x.atNs < 50e9).length;
    const second = a.length - first;
    expect(Math.abs(first - 12_500)).toBeLessThan(5 * Math.sqrt(12_500));
    expect(Math.abs(second - 37_500)).toBeLessThan(5 * Math.sqrt(37_500));
    const u = drain(buildProfile({ regions: [region('r', 0, [ramp('down', 100, 1000, 0, 'uniform')])] }));
    expect(u.length).toBe(50_000);
    expect(Math.abs(u.filter((x) => x.atNs < 50e9).length - 37_500)).toBeLessThanOrEqual(1);
  });

  it('step and spike shapes: each plateau and the burst hold their counts', () => {
    const step: Phase = {
      name: 's',
      durationS: 40,
      process: 'uniform',
      shape: 'step',
      from: 100,
      to: 400,
      steps: 4,
    };
    const spike: Phase = {
      name: 'p',
      durationS: 30,
      process: 'uniform',
      shape: 'spike',
      base: 20,
      peak: 900,
      atS: 10,
      widthS: 5,
    };
    const a = drain(buildProfile({ regions: [region('r', 0, [step, spike])] }));
    const per10 = windowCounts(a, 10, 70);
    expect(per10.slice(0, 4).map((c, i) => Math.abs(c - 1000 * (i + 1)) <= 1)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    const perS = windowCounts(a, 1, 70);
    for (let s = 40; s < 70; s++) {
      const expected = s >= 50 && s < 55 ? 900 : 20;
      expect(Math.abs(perS[s]! - expected)).toBeLessThanOrEqual(1);
    }
  });

  it('regions with start offsets produce nothing before their start, then their own rate', () => {
    const a = drain(
      buildProfile({
        regions: [
          region('eu', 0, [constant('c', 30, 100, 'uniform')]),
          region('us', 12.5, [constant('c', 10, 400)]),
        ],
      }),
    );
    const us = a.filter((x) => x.region === 1);
    expect(us.length).toBeGreaterThan(0);
    expect(Math.min(...us.map((x) => x.atNs))).toBeGreaterThanOrEqual(12.5e9);
    expect(Math.max(...us.map((x) => x.atNs))).toBeLessThanOrEqual(22.5e9);
    expect(Math.abs(us.length - 4000)).toBeLessThan(5 * Math.sqrt(4000));
    expect(a.filter((x) => x.region === 0).length).toBe(3000);
  });
});
