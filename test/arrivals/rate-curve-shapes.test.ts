import { describe, expect, it } from 'vitest';
import { compileProfileRate, profileDurationS, rateAt } from '../../harness/arrivals/profile-rate.js';
import { compileRegion } from '../../harness/arrivals/rate-curve.js';
import type { Phase } from '../../harness/profile/profile.js';
import { buildProfile, constant, ramp, region } from './profile-fixture.js';

const step: Phase = {
  name: 'st',
  durationS: 40,
  process: 'uniform',
  shape: 'step',
  from: 100,
  to: 400,
  steps: 4,
};
const spike: Phase = {
  name: 'sp',
  durationS: 30,
  process: 'uniform',
  shape: 'spike',
  base: 10,
  peak: 1000,
  atS: 10,
  widthS: 5,
};

describe('RateCurve', () => {
  it('evaluates constant, ramp, step and spike shapes after the region offset', () => {
    const c = compileRegion(region('r', 5, [constant('c', 10, 50), ramp('up', 10, 0, 100), step, spike]));
    expect(c.rate(4.99)).toBe(0);
    expect(c.rate(5)).toBe(50);
    expect(c.rate(15)).toBe(0); // ramp start
    expect(c.rate(20)).toBeCloseTo(50, 9);
    expect(c.rateBefore(25)).toBeCloseTo(100, 9);
    expect(c.rate(25)).toBe(100); // first plateau of the step
    expect(c.rate(36)).toBe(200);
    expect(c.rate(46)).toBe(300);
    expect(c.rate(64.9)).toBe(400);
    expect(c.rate(65)).toBe(10); // spike phase base
    expect(c.rate(75)).toBe(1000);
    expect(c.rate(79.99)).toBe(1000);
    expect(c.rate(80)).toBe(10);
    expect(c.rate(95)).toBe(0);
    expect(c.endS).toBe(95);
    // Integrals: 500 + 500 + (1000+2000+3000+4000) + (10*25 + 1000*5).
    expect(c.total).toBeCloseTo(500 + 500 + 10_000 + 250 + 5_000, 6);
    expect(c.cumulative(20)).toBeCloseTo(500 + 125, 9);
  });

  it('inverts the cumulative intensity (quadratic segments, slope ~0, ramps down)', () => {
    const c = compileRegion(
      region('r', 2, [
        ramp('up', 100, 0, 1000),
        ramp('flat', 50, 300, 300 + 1e-12),
        ramp('down', 60, 900, 0),
        spike,
      ]),
    );
    for (let t = 2.001; t < c.endS; t += 0.37) {
      const lam = c.cumulative(t);
      if (c.rate(t) > 0) expect(c.inverse(lam)).toBeCloseTo(t, 6);
    }
    expect(c.inverse(c.total + 1)).toBe(Number.POSITIVE_INFINITY);
    expect(c.inverse(0)).toBe(2);
  });

  it('skips zero-rate stretches when inverting', () => {
    const c = compileRegion(
      region('r', 0, [constant('a', 10, 1), constant('gap', 10, 0), constant('b', 10, 1)]),
    );
    expect(c.inverse(10.5)).toBeCloseTo(20.5, 9);
  });
});

describe('profile-level rate', () => {
  it('sums regions, reports the duration and the peak at a jump', () => {
    const p = buildProfile({
      regions: [region('eu', 0, [constant('a', 60, 100)]), region('us', 30, [constant('b', 10, 50), spike])],
    });
    expect(profileDurationS(p)).toBe(70);
    expect(rateAt(p, 10)).toBe(100);
    expect(rateAt(p, 35)).toBe(150);
    expect(rateAt(p, 65)).toBe(10);
    const peak = compileProfileRate(p).peak();
    expect(peak).toEqual({ ratePerS: 1100, atS: 50 });
  });
});
