/**
 * The gates on release figures, over figures whose truth is computed by hand: goodput per flow,
 * user-wait percentiles, dropped per flow and per first step, the fall-behind onset (never = above
 * every rate), take-down drain, and an invalid run failing every gate unless allowed.
 */
import type { Histogram } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { OUTCOME_CLASSES } from '../../harness/vocabulary/outcome.js';
import { evaluateGates, formatMeasured } from '../../reports/gates/gate-evaluator.js';
import type { GateFigures, StepFigures } from '../../reports/gates/gate-figures.js';
import { GateMonitor } from '../../reports/gates/gate-monitor.js';
import { parseGate, parseGates } from '../../reports/gates/gate-parser.js';
import { aggregateHistogram } from '../../reports/recorder/histogram-factory.js';

function hist(ms: readonly number[]): Histogram {
  const h = aggregateHistogram();
  for (const v of ms) h.recordValue(v * 1000);
  return h;
}

function step(name: string, ok: number, waitMs: readonly number[]): StepFigures {
  return {
    name,
    outcomes: OUTCOME_CLASSES.map((c) => (c === 'ok' ? ok : 0)),
    latency: hist([5]),
    service: hist([5]),
    userWait: hist(waitMs),
  };
}

/**
 * 10 s run. forced-reset: 400 arrivals, 20 dropped, 300 succeeded -> goodput 30/s, dropped 5 %.
 * login-only: 100 arrivals, 0 dropped, 95 succeeded -> 9.5/s. Flows starting with login-forced:
 * forced-reset only (20/400 = 5 %). User wait of reset-confirm 1..100 ms: p99 = 99 ms.
 * reset-request fell behind at 180/s; take-down blip drained in 42 s, herd not drained.
 */
const run: GateFigures = {
  steps: [
    step('login-forced', 380, [1]),
    step('reset-request', 380, [2]),
    step(
      'reset-confirm',
      300,
      Array.from({ length: 100 }, (_, i) => i + 1),
    ),
    step('login', 100, [1]),
  ],
  arrivals: 500,
  dropped: 20,
  elapsedS: 10,
  flows: [
    { name: 'forced-reset', firstStep: 'login-forced', arrivals: 400, dropped: 20, succeeded: 300 },
    { name: 'login-only', firstStep: 'login', arrivals: 100, dropped: 0, succeeded: 95 },
  ],
  fellBehind: [{ step: 'reset-request', offeredRatePerS: 180 }],
  takedowns: [
    { name: 'blip', drainS: 42 },
    { name: 'herd', drainS: null },
  ],
  validity: { valid: true, problems: [] },
};

function one(expr: string, figures: GateFigures = run) {
  return evaluateGates([parseGate(expr)], figures)[0]!;
}

describe('gates on release figures', () => {
  it('goodput per flow: sessions succeeded end to end per second', () => {
    expect(one('forced-reset goodput >= 30/s')).toMatchObject({ pass: true, actual: 30 });
    const every = one('* goodput >= 10/s');
    expect(every).toMatchObject({ pass: false, actual: 9.5 });
    expect(every.message).toBe('goodput (worst flow login-only) 9.5/s, not >= 10/s');
    expect(one('nosuch goodput > 1/s').message).toBe('no data: flow nosuch is not in the run');
  });

  it('user-wait percentiles per step', () => {
    const r = one('reset-confirm user-wait p99 < 100ms');
    expect(r.pass).toBe(true);
    expect(r.actual).toBeCloseTo(99, 0);
    expect(one('reset-confirm user-wait.p50 < 40ms').pass).toBe(false);
  });

  it('dropped per flow, per first step, and for the run', () => {
    // forced-reset 20/400 = 5 %; login-forced starts only forced-reset: 5 %; run 20/500 = 4 %.
    expect(one('forced-reset dropped < 1%')).toMatchObject({ pass: false, actual: 5 });
    expect(one('login-forced dropped < 1%')).toMatchObject({ pass: false, actual: 5 });
    expect(one('login dropped < 1%')).toMatchObject({ pass: true, actual: 0 });
    expect(one('* dropped < 5%')).toMatchObject({ pass: true, actual: 4 });
    expect(one('login-forced dropped == 20')).toMatchObject({ pass: true, actual: 20 });
  });

  it('fell-behind onset: the offered rate at the onset, never = above every rate', () => {
    expect(one('reset-request onset > 180/s')).toMatchObject({ pass: false, actual: 180 });
    expect(one('reset-request onset >= 180/s').pass).toBe(true);
    const never = one('login onset > 1000/s');
    expect(never).toMatchObject({ pass: true, actual: null });
    expect(never.message).toBe('onset of login never (did not fall behind) > 1000/s');
    expect(formatMeasured(never)).toBe('never');
    expect(one('* onset > 150/s').message).toBe('onset (worst step reset-request) 180/s > 150/s');
  });

  it('take-down drain in the gate unit; not drained fails', () => {
    expect(one('blip drain < 1m')).toMatchObject({ pass: true, actual: 0.7 });
    const all = one('takedown drain < 10m');
    expect(all.pass).toBe(false);
    expect(all.message).toBe('no data: take-down herd did not drain');
    expect(one('blip drain < 40s').pass).toBe(false);
    expect(one('* drain < 1h', { ...run, takedowns: [] }).message).toBe('no data: the run had no take-downs');
  });

  it('an invalid run fails every gate unless --allow-invalid', () => {
    const invalid: GateFigures = {
      ...run,
      validity: {
        valid: false,
        problems: [
          {
            kind: 'schedule-late',
            latenessP99Ms: 40,
            latenessMaxMs: 90,
            loopDelayP99Ms: null,
            busyMax: null,
            message: 'late',
          },
        ],
      },
    };
    const gates = parseGates(['forced-reset goodput >= 30/s', 'login dropped < 1%']);
    const failed = evaluateGates(gates, invalid);
    expect(failed.map((r) => r.pass)).toEqual([false, false]);
    expect(failed[0]!.message).toBe(
      'run invalid (schedule-late): goodput of forced-reset 30/s >= 30/s; --allow-invalid judges it anyway',
    );
    // The figure is still measured and shown.
    expect(failed[0]!.actual).toBe(30);
    const allowed = evaluateGates(gates, invalid, { allowInvalid: true });
    expect(allowed.map((r) => r.pass)).toEqual([true, true]);
    expect(allowed[0]!.message).toContain('(run invalid: schedule-late; allowed)');
  });

  it('abort-on-fail does not treat a take-down still draining as failing', () => {
    const monitor = new GateMonitor(parseGates(['herd drain < 1m abort-on-fail']));
    expect(monitor.observe(run, 5)).toBeNull();
  });
});
