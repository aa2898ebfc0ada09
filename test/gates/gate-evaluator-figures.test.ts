import type { Histogram } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { OUTCOME_CLASSES, type OutcomeClass } from '../../harness/vocabulary/outcome.js';
import { evaluateGates } from '../../reports/gates/gate-evaluator.js';
import type { GateFigures, StepFigures } from '../../reports/gates/gate-figures.js';
import { GateMonitor } from '../../reports/gates/gate-monitor.js';
import { parseGate, parseGates } from '../../reports/gates/gate-parser.js';
import { aggregateHistogram } from '../../reports/recorder/histogram-factory.js';

/** A histogram holding `n` values of `us` each, for each [us, n] pair. */
function hist(pairs: readonly [number, number][]): Histogram {
  const h = aggregateHistogram();
  for (const [us, n] of pairs) h.recordValueWithCount(us, n);
  return h;
}

function step(
  name: string,
  counts: Partial<Record<OutcomeClass, number>>,
  latencyMs: number[] = [],
): StepFigures {
  const latency = hist(latencyMs.map((ms) => [ms * 1000, 1]));
  return {
    name,
    outcomes: OUTCOME_CLASSES.map((c) => counts[c] ?? 0),
    latency,
    service: hist(latencyMs.map((ms) => [ms * 500, 1])),
  };
}

/** 100 login requests 1..100 ms, 2 of them 503; reset-confirm 10 requests 200..290 ms. */
const run: GateFigures = {
  steps: [
    step(
      'login',
      { ok: 98, '503': 2 },
      Array.from({ length: 100 }, (_, i) => i + 1),
    ),
    step(
      'reset-confirm',
      { ok: 10 },
      Array.from({ length: 10 }, (_, i) => 200 + 10 * i),
    ),
  ],
  arrivals: 200,
  dropped: 3,
  elapsedS: 10,
};

function one(expr: string, figures: GateFigures = run) {
  return evaluateGates([parseGate(expr)], figures)[0]!;
}

describe('evaluateGates over real histograms', () => {
  it('passes and fails latency percentiles in the gate unit', () => {
    const pass = one('login p99 < 100ms');
    expect(pass.pass).toBe(true);
    expect(pass.actual).toBeCloseTo(99, 0);
    expect(pass.unit).toBe('ms');
    const fail = one('login p50 < 0.04s');
    expect(fail.pass).toBe(false);
    expect(fail.actual).toBeCloseTo(0.05, 3);
    expect(fail.message).toBe('p50 of login 0.05001s, not < 0.04s');
  });

  it('reads service time with the service. prefix', () => {
    expect(one('login service.max <= 50ms').pass).toBe(true);
    expect(one('login max <= 50ms').pass).toBe(false);
    expect(one('login min >= 1000us').actual).toBe(1000);
  });

  it('computes error-rate, rate(), count() and rps from outcome counts', () => {
    expect(one('login error-rate < 1%')).toMatchObject({ pass: false, actual: 2 });
    expect(one('login rate(503) <= 2%')).toMatchObject({ pass: true, actual: 2 });
    expect(one('login count(503) == 0')).toMatchObject({ pass: false, actual: 2 });
    expect(one('login rps >= 9.8/s')).toMatchObject({ pass: true, actual: 9.8 });
  });

  it('counts dropped arrivals as a count or a share', () => {
    expect(one('* dropped == 3')).toMatchObject({ pass: true, actual: 3 });
    expect(one('* dropped < 1%')).toMatchObject({ pass: false, actual: 1.5 });
  });

  it('holds a * gate only when every step satisfies it, naming the worst step', () => {
    const r = one('* p99 < 250ms');
    expect(r.pass).toBe(false);
    expect(r.message).toContain('worst step reset-confirm');
    expect(one('* p50 > 10ms').message).toContain('worst step login');
    expect(one('* p99 < 1s').pass).toBe(true);
  });

  it('fails a step with no data instead of passing it on nothing', () => {
    const figures: GateFigures = { ...run, steps: [...run.steps, step('login-new', {})] };
    const r = one('login-new p99 < 1s', figures);
    expect(r).toMatchObject({ pass: false, actual: null });
    expect(r.message).toBe('no data: step login-new recorded no latency time');
    expect(one('* error-rate < 50%', figures).message).toBe('no data: step login-new completed no requests');
    expect(one('nosuch p99 < 1s').message).toBe('no data: step nosuch is not in the run');
    expect(one('* dropped == 0', { ...run, arrivals: 0 }).pass).toBe(false);
  });
});

describe('GateMonitor', () => {
  const slow: GateFigures = { ...run, steps: [step('login', { ok: 1 }, [500])] };
  const fast: GateFigures = { ...run, steps: [step('login', { ok: 1 }, [5])] };

  it('aborts after the grace period of continuous failure, and a pass resets the clock', () => {
    const m = new GateMonitor(parseGates(['login p99 < 100ms abort-on-fail after 3s', 'login p50 < 1ms']));
    expect(m.active).toBe(true);
    expect(m.observe(slow, 1)).toBeNull();
    expect(m.observe(slow, 2)).toBeNull();
    expect(m.observe(fast, 3)).toBeNull();
    expect(m.observe(slow, 4)).toBeNull();
    expect(m.observe(slow, 6)).toBeNull();
    const breach = m.observe(slow, 7);
    expect(breach).not.toBeNull();
    expect(breach!.failingSinceS).toBe(4);
    expect(breach!.reason).toContain('gate "login p99 < 100ms abort-on-fail after 3s" failing since 4s');
    expect(m.observe(fast, 8)).toBe(breach);
  });

  it('aborts at the first failing check without a grace period, but never on no data', () => {
    const m = new GateMonitor(parseGates(['* p99 < 100ms abort-on-fail']));
    const early: GateFigures = { ...run, steps: [step('login', { ok: 1 }, [5]), step('reset-confirm', {})] };
    expect(m.observe(early, 1)).toBeNull();
    const late: GateFigures = {
      ...run,
      steps: [step('login', { ok: 1 }, [5]), step('reset-confirm', { ok: 1 }, [900])],
    };
    expect(m.observe(late, 2)?.result.message).toContain('worst step reset-confirm');
  });

  it('is inactive without abort-on-fail gates', () => {
    const m = new GateMonitor(parseGates(['login p99 < 1ms']));
    expect(m.active).toBe(false);
    expect(m.observe(slow, 1)).toBeNull();
  });
});
