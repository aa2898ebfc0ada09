/**
 * The search on a deterministic probe oracle (no sockets, no clock): a target that meets its SLO
 * at every rate up to a known capacity and fails above it, optionally with a generator that
 * cannot keep its schedule above some rate. Probe sequences are worked out by hand below.
 */
import { describe, expect, it } from 'vitest';
import {
  nextStep,
  type ProbeOutcome,
  remainingProbes,
  type SearchBounds,
  type SearchResult,
} from '../../harness/capacity/capacity-search.js';

interface Oracle {
  /** Highest rate meeting the SLOs. */
  readonly capacity: number;
  /** Rates at or above this are invalid probes (generator late). */
  readonly generatorLimit?: number;
}

/** The oracle's answer at `rate`: p99 grows past 250 ms above capacity; errors pass always. */
function probe(o: Oracle, rate: number): ProbeOutcome {
  const over = rate > o.capacity;
  const valid = o.generatorLimit === undefined || rate < o.generatorLimit;
  const p99 = over ? 900 : 40;
  return {
    ratePerS: rate,
    valid,
    problems: valid ? [] : ['schedule-late: lateness p99 180 ms > 20 ms'],
    slos: [
      {
        expr: '* error-rate < 1%',
        op: '<',
        pass: true,
        actual: 0.1,
        threshold: 1,
        unit: '%',
        step: 'login',
        message: '',
      },
      {
        expr: 'reset-request p99 < 250ms',
        op: '<',
        pass: !over,
        actual: p99,
        threshold: 250,
        unit: 'ms',
        step: 'reset-request',
        message: '',
      },
    ],
  };
}

function search(o: Oracle, bounds: SearchBounds): { rates: number[]; result: SearchResult; etas: string[] } {
  const history: ProbeOutcome[] = [];
  const etas: string[] = [];
  for (let i = 0; i < 100; i++) {
    const step = nextStep(history, bounds);
    const left = remainingProbes(history, bounds);
    etas.push(`${left.atLeast ? '>=' : ''}${left.probes}`);
    if (step.kind === 'done') return { rates: history.map((p) => p.ratePerS), result: step.result, etas };
    history.push(probe(o, step.ratePerS));
  }
  throw new Error('search did not end');
}

const BOUNDS: SearchBounds = { minPerS: 10, maxPerS: 10_000, precision: 0.05 };

describe('capacity search on an oracle', () => {
  it('grows x2 to the first failure, then bisects to 5 %: exact probe sequence and bracket', () => {
    // 10 20 40 80 pass, 160 fails; [80,160] -> 120 pass -> [120,160] -> 140 fail -> [120,140]
    // -> 130 pass -> [130,140] (10/130 = 7.7 % > 5 %) -> 135 pass -> [135,140] (5/135 = 3.7 %): done.
    const { rates, result, etas } = search({ capacity: 137 }, BOUNDS);
    expect(rates).toEqual([10, 20, 40, 80, 160, 120, 140, 130, 135]);
    expect(result.verdict).toBe('found');
    expect(result.capacityPerS).toBe(135);
    expect(result.bracket).toEqual([135, 140]);
    expect(result.limiting?.expr).toBe('reset-request p99 < 250ms');
    expect(result.limiting?.step).toBe('reset-request');
    expect(result.limiting?.actual).toBe(900);
    expect(result.invalidAt).toBeNull();
    // Before 160 failed: a lower bound (160 itself + 5 halvings of 80/80 to <= 5 %); after: an
    // upper bound, halvings with lo held still: 80/80 -> 5, 40/120 -> 3, 20/120 -> 2, 10/130 -> 1.
    expect(etas.slice(4)).toEqual(['>=6', '5', '3', '2', '1', '0']);
  });

  it('stops at the precision asked for: 1 % takes more probes than 5 %', () => {
    const { rates, result } = search({ capacity: 137 }, { ...BOUNDS, precision: 0.01 });
    // ... [135,140] -> 137.5 fail -> [135,137.5] (1.85 %) -> 136.3 pass -> [136.3,137.5] (0.88 %).
    expect(rates).toEqual([10, 20, 40, 80, 160, 120, 140, 130, 135, 137.5, 136.3]);
    expect(result.bracket).toEqual([136.3, 137.5]);
    expect(result.capacityPerS! <= 137).toBe(true);
  });

  it('ends generator-bound at the first invalid probe, keeping the highest valid pass', () => {
    const { rates, result } = search({ capacity: 5000, generatorLimit: 300 }, BOUNDS);
    expect(rates).toEqual([10, 20, 40, 80, 160, 320]);
    expect(result.verdict).toBe('generator-bound');
    expect(result.capacityPerS).toBe(160);
    expect(result.bracket).toEqual([160, 320]);
    expect(result.invalidAt).toEqual({
      ratePerS: 320,
      problems: ['schedule-late: lateness p99 180 ms > 20 ms'],
    });
    expect(result.limiting).toBeNull();
  });

  it('an invalid probe during bisection also ends the search generator-bound', () => {
    // 160 fails, 120 is invalid (limit 100): the target may well take 120, the generator cannot say.
    const { rates, result } = search({ capacity: 137, generatorLimit: 100 }, BOUNDS);
    expect(rates).toEqual([10, 20, 40, 80, 160]);
    expect(result.verdict).toBe('generator-bound');
    expect(result.capacityPerS).toBe(80);
  });

  it('reports none-met when --min already fails', () => {
    const { rates, result } = search({ capacity: 5 }, BOUNDS);
    expect(rates).toEqual([10]);
    expect(result.verdict).toBe('none-met');
    expect(result.capacityPerS).toBeNull();
    expect(result.bracket).toEqual([null, 10]);
    expect(result.limiting?.expr).toBe('reset-request p99 < 250ms');
  });

  it('stops at --max when every rate passes, and never probes above it', () => {
    const { rates, result } = search({ capacity: 1e9 }, { ...BOUNDS, maxPerS: 100 });
    expect(rates).toEqual([10, 20, 40, 80, 100]);
    expect(result.verdict).toBe('max-reached');
    expect(result.capacityPerS).toBe(100);
    expect(result.bracket).toEqual([100, null]);
  });

  it('starts at --min and bisects inside a bracket found at once', () => {
    // --min near the answer: 130 pass, 260 fail, 195 fail, 162.5 fail, 146.3 fail, 138.2 fail,
    // 134.1 pass -> [134.1, 138.2] (3.1 %).
    const { rates, result } = search({ capacity: 137 }, { ...BOUNDS, minPerS: 130 });
    expect(rates).toEqual([130, 260, 195, 162.5, 146.3, 138.2, 134.1]);
    expect(result.bracket).toEqual([134.1, 138.2]);
  });

  it('picks the SLO furthest past its threshold when several fail at the bracket top', () => {
    const history: ProbeOutcome[] = [
      { ...probe({ capacity: 100 }, 10) },
      {
        ratePerS: 20,
        valid: true,
        problems: [],
        slos: [
          {
            expr: 'a p99 < 100ms',
            op: '<',
            pass: false,
            actual: 120,
            threshold: 100,
            unit: 'ms',
            step: 'a',
            message: '',
          },
          {
            expr: '* error-rate < 1%',
            op: '<',
            pass: false,
            actual: 4,
            threshold: 1,
            unit: '%',
            step: 'b',
            message: '',
          },
          {
            expr: 'a rps > 50/s',
            op: '>',
            pass: false,
            actual: 40,
            threshold: 50,
            unit: '/s',
            step: 'a',
            message: '',
          },
        ],
      },
    ];
    const step = nextStep(history, { ...BOUNDS, precision: 1 });
    expect(step.kind).toBe('done');
    if (step.kind === 'done') expect(step.result.limiting?.expr).toBe('* error-rate < 1%');
  });
});
