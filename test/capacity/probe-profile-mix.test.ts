/**
 * Probe profiles keep the profile's flows and its mix over the whole timeline, at one constant
 * rate, without ramps or outages; and a probe's validity is read from its summary (v2's own
 * verdict when present, else dropped arrivals and the lateness bound).
 */
import { describe, expect, it } from 'vitest';
import { declaredStepsPerArrival, probeProfile, profileMix } from '../../harness/capacity/probe-profile.js';
import { probeValidity } from '../../harness/capacity/probe-validity.js';
import type { Summary } from '../../reports/run-dir/summary.js';
import { buildProfile, constant, flow, ramp, region } from '../arrivals/profile-fixture.js';

const twoFlows = buildProfile({
  flows: [flow('login', 3, 'no-reset'), flow('forced', 1, 'must-reset', ['login', 'reset-request'])],
  regions: [
    // 10 s at 100/s with the flows' weights (3:1): 750 login + 250 forced arrivals;
    // a 20 s ramp 0 -> 100 (mean 50/s, 1000 arrivals) of forced only.
    region('eu', 5, [
      constant('steady', 10, 100, 'uniform'),
      { ...ramp('surge', 20, 0, 100), mix: { forced: 1 } },
    ]),
  ],
  outages: [{ name: 'down', startS: 8, durationS: 4, regions: [] }],
});

describe('probe profiles', () => {
  it("take the profile's mix weighted by planned arrivals", () => {
    // login: 750 / 2000; forced: (250 + 1000) / 2000.
    expect(profileMix(twoFlows)).toEqual([0.375, 0.625]);
  });

  it('run one constant phase at the probe rate, no outages, no gates, the first phase process', () => {
    const p = probeProfile(twoFlows, 137.5, 20);
    expect(p.regions).toEqual([
      {
        name: 'eu',
        startS: 0,
        phases: [{ name: 'probe', shape: 'constant', rate: 137.5, durationS: 20, process: 'uniform' }],
      },
    ]);
    expect(p.outages).toEqual([]);
    expect(p.gates).toEqual([]);
    expect(p.flows.map((f) => [f.name, f.weight])).toEqual([
      ['login', 0.375],
      ['forced', 0.625],
    ]);
    // Flows keep their steps, population and client settings.
    expect(p.flows[1]!.steps).toBe(twoFlows.flows[1]!.steps);
    expect(p.population).toBe(twoFlows.population);
    expect(p.client).toBe(twoFlows.client);
  });

  it('drops flows the profile never runs and states steps per arrival', () => {
    const unused = buildProfile({
      flows: [flow('login', 1, 'all'), flow('never', 1, 'all', ['reset-request'])],
      regions: [region('eu', 0, [{ ...constant('s', 10, 50), mix: { login: 1 } }])],
    });
    expect(probeProfile(unused, 10, 5).flows.map((f) => f.name)).toEqual(['login']);
    // login is the first step of both flows: 0.375 + 0.625 requests per arrival.
    expect(declaredStepsPerArrival(twoFlows)).toEqual({ login: 1, 'reset-request': 0.625 });
  });
});

function summary(over: Partial<Summary> & Record<string, unknown>): Summary {
  const base = {
    aborted: false,
    abortReason: null,
    degraded: [],
    arrivals: 1000,
    dropped: 0,
    latenessMs: { p50: 0.2, p90: 0.5, p99: 1, p999: 3, max: 4, mean: 0.3 },
    settings: { maxInFlight: 500 },
    validity: { valid: true, problems: [] },
  };
  return { ...base, ...over } as unknown as Summary;
}

describe('probe validity', () => {
  it("takes the run's validity, and counts a probe that dropped arrivals or was aborted as invalid", () => {
    expect(probeValidity(summary({}))).toEqual({ valid: true, problems: [] });
    expect(probeValidity(summary({ dropped: 12 }))).toEqual({
      valid: false,
      problems: ['dropped: 12 of 1000 arrivals turned away by the in-flight cap (500)'],
    });
    const late = {
      kind: 'schedule-late' as const,
      latenessP99Ms: 31,
      latenessMaxMs: 40,
      loopDelayP99Ms: null,
      busyMax: null,
      message: 'lateness p99 31 ms > 10 ms',
    };
    expect(probeValidity(summary({ validity: { valid: false, problems: [late] } }))).toEqual({
      valid: false,
      problems: ['schedule-late: lateness p99 31 ms > 10 ms'],
    });
    expect(probeValidity(summary({ aborted: true, abortReason: 'interrupted' })).problems).toEqual([
      'aborted: interrupted',
    ]);
  });
});
