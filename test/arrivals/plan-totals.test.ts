import { describe, expect, it } from 'vitest';
import { planProfile } from '../../harness/arrivals/plan.js';
import type { Phase } from '../../harness/profile/profile.js';
import { buildProfile, constant, flow, ramp, region } from './profile-fixture.js';

const spike: Phase = {
  name: 'burst',
  durationS: 20,
  process: 'uniform',
  shape: 'spike',
  base: 100,
  peak: 1500,
  atS: 5,
  widthS: 2,
};

function profile(process: Phase['process']) {
  return buildProfile({
    population: { accounts: 200_000, mustResetShare: 0.25, seed: 3 },
    flows: [
      flow('reset', 3, 'must-reset', ['reset-request', 'await-mail', 'reset-confirm', 'login-new']),
      flow('login', 1, 'no-reset', ['login']),
    ],
    regions: [
      region('eu', 0, [ramp('open', 20, 0, 800, process), constant('hold', 20, 800, process)]),
      region('us', 15, [constant('open', 10, 333.3, process), spike]),
    ],
    outages: [
      { name: 'maint', startS: 25, durationS: 5, regions: ['eu'] },
      { name: 'all-down', startS: 40, durationS: 2, regions: [] },
    ],
  });
}

describe('planProfile', () => {
  it('computes duration, peak and per-phase figures from the curves', () => {
    const plan = planProfile(profile('uniform'));
    expect(plan.durationS).toBe(45);
    // The spike (us burst starts at 25, spike at +5 s) adds 1500 to eu's 800.
    expect(plan.peakRatePerS).toBe(2300);
    expect(plan.peakAtS).toBe(30);
    expect(plan.phases.map((p) => [p.region, p.name, p.startS, p.durationS])).toEqual([
      ['eu', 'open', 0, 20],
      ['eu', 'hold', 20, 20],
      ['us', 'open', 15, 10],
      ['us', 'burst', 25, 20],
    ]);
    expect(plan.phases.map((p) => p.arrivals)).toEqual([8000, 16000, 3333, 100 * 18 + 1500 * 2]);
    expect(plan.regions['us']).toMatchObject({ startS: 15, endS: 45, arrivals: 3333 + 4800 });
    expect(plan.totalArrivals).toBe(8000 + 16000 + 3333 + 4800);
    expect(plan.series.tS.length).toBe(120);
    expect(Math.max(...plan.series.maxRatePerS)).toBe(2300);
  });

  it('uniform: the analytic counts equal the exact walk', () => {
    const p = profile('uniform');
    const a = planProfile(p);
    const e = planProfile(p, { exact: true });
    expect(e.exact).toBe(true);
    expect(e.totalArrivals).toBe(a.totalArrivals);
    expect(e.phases).toEqual(a.phases);
    expect(e.regions).toEqual(a.regions);
    // Outage windows of a uniform stream: within one arrival per region boundary.
    for (const [i, o] of e.outages.entries()) {
      expect(Math.abs(o.arrivalsDuring - a.outages[i]!.arrivalsDuring)).toBeLessThanOrEqual(2);
    }
  });

  it('Poisson and the flow draw: analytic expectations agree with the exact walk within 5 sd', () => {
    const p = profile('poisson');
    const a = planProfile(p);
    const e = planProfile(p, { exact: true });
    const near = (x: number, mean: number): void => {
      expect(Math.abs(x - mean)).toBeLessThan(5 * Math.sqrt(mean) + 1);
    };
    near(e.totalArrivals, a.totalArrivals);
    for (const [i, ph] of e.phases.entries()) near(ph.arrivals, a.phases[i]!.arrivals);
    near(e.flows['reset']!.arrivals, a.flows['reset']!.arrivals);
    near(e.flows['login']!.arrivals, a.flows['login']!.arrivals);
    for (const [i, o] of e.outages.entries()) near(o.arrivalsDuring, a.outages[i]!.arrivalsDuring);
    // Exact counts add up exactly.
    expect(e.phases.reduce((s, ph) => s + ph.arrivals, 0)).toBe(e.totalArrivals);
    expect(e.flows['reset']!.arrivals + e.flows['login']!.arrivals).toBe(e.totalArrivals);
  });

  it('counts one request per session per step, merges pools, and carries the outages', () => {
    const plan = planProfile(profile('uniform'), { exact: true });
    const resets = plan.flows['reset']!.arrivals;
    const logins = plan.flows['login']!.arrivals;
    expect(plan.steps).toEqual({
      'reset-request': resets,
      'await-mail': resets,
      'reset-confirm': resets,
      'login-new': resets,
      login: logins,
    });
    expect(plan.pools['must-reset']).toMatchObject({ size: 50_000, draws: resets });
    expect(plan.pools['no-reset']).toMatchObject({ size: 150_000, draws: logins });
    expect(plan.outages.map((o) => [o.name, o.startS, o.endS, o.regions])).toEqual([
      ['maint', 25, 30, ['eu']],
      ['all-down', 40, 42, []],
    ]);
    // eu at 800/s for 5 s; at 40-42 s eu has ended, us runs its 100/s base.
    const analytic = planProfile(profile('uniform'));
    expect(analytic.outages.map((o) => o.arrivalsDuring)).toEqual([4000, 200]);
  });

  it('names an outage that points at an unknown region', () => {
    const p = { ...profile('uniform'), outages: [{ name: 'x', startS: 0, durationS: 1, regions: ['mars'] }] };
    expect(() => planProfile(p)).toThrow(/outage x: unknown region mars/);
  });
});
