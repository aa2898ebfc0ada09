/**
 * The judges of count-based figures, against figures computed by hand: a share judged in points
 * beyond its binomial noise, a rate judged by its relative drop beyond the noise of its count per
 * arrival, the fall-behind onset (new in the candidate = regressed) and a take-down's drain.
 */
import { describe, expect, it } from 'vitest';
import { judgeDrain, judgeOnset, judgeRate, judgeShare } from '../../reports/compare/judged-figure.js';

const share = (b: [number, number], c: [number, number], maxIncreasePts = 1) =>
  judgeShare({
    scope: 'step',
    subject: 'login',
    figure: 'error rate',
    base: { k: b[0], n: b[1] },
    candidate: { k: c[0], n: c[1] },
    maxIncreasePts,
    minZ: 3,
  });

const rate = (b: [number, number], c: [number, number], seconds = 3, maxDrop = 0.05) =>
  judgeRate({
    scope: 'flow',
    subject: 'forced-reset',
    figure: 'goodput',
    base: { count: b[0], per: b[1], seconds },
    candidate: { count: c[0], per: c[1], seconds },
    maxDrop,
    minZ: 3,
  });

describe('judgeShare (error rate, dropped)', () => {
  it('20 % fast 503s against none: +20 points, far beyond the binomial noise', () => {
    // 0/300 vs 60/300: pooled p = 60/600 = 0.1; se = sqrt(0.1 * 0.9 * (2/300)) = 2.449 pt; delta 20 pt.
    const f = share([0, 300], [60, 300]);
    expect(f.base).toBe(0);
    expect(f.candidate).toBe(20);
    expect(f.delta).toBe(20);
    expect(f.verdict).toBe('regressed');
    expect(f.detail).toContain('standard error 2.45pt');
  });

  it('a 2-point rise of 1 in 50 is within the noise: ok', () => {
    // 0/50 vs 1/50: delta 2 pt > 1 pt, but se = sqrt(0.01 * 0.99 * 0.04) = 1.99 pt, 3 se = 5.97 pt.
    expect(share([0, 50], [1, 50]).verdict).toBe('ok');
  });

  it('a rise within the limit is ok however certain; a fall beyond it is improved', () => {
    // 0/100000 vs 500/100000: +0.5 pt < 1 pt.
    expect(share([0, 100_000], [500, 100_000]).verdict).toBe('ok');
    expect(share([3000, 100_000], [0, 100_000]).verdict).toBe('improved');
  });

  it('no data when a run has no requests of the step', () => {
    expect(share([0, 0], [1, 10]).verdict).toBe('no data');
  });
});

describe('judgeRate (goodput, throughput)', () => {
  it('a third of the flows failing: -33 %, per-arrival z far below -3', () => {
    // 600/600 vs 400/600 in 3 s: 200/s -> 133.3/s = -33.3 %; pooled p = 1000/1200, se = sqrt(p(1-p) 2/600) = 0.0215.
    const f = rate([600, 600], [400, 600]);
    expect(f.base).toBe(200);
    expect(f.candidate).toBeCloseTo(133.33, 2);
    expect(f.delta).toBeCloseTo(-33.33, 2);
    expect(f.verdict).toBe('regressed');
  });

  it('fewer Poisson arrivals, same success share: the rate drops 7 % but per arrival nothing changed', () => {
    // 300 of 300 vs 279 of 279: rate -7 %, yet every arrival succeeded in both: z = 0.
    const f = rate([300, 300], [279, 279]);
    expect(f.delta).toBeCloseTo(-7, 5);
    expect(f.verdict).toBe('ok');
  });

  it('a drop within the limit is ok even when certain', () => {
    // 10000/10000 vs 9700/10000: -3 % < 5 %.
    expect(rate([10_000, 10_000], [9_700, 10_000]).verdict).toBe('ok');
  });
});

describe('judgeOnset and judgeDrain', () => {
  it('an onset where the base had none is a regression; a lower onset beyond the limit too', () => {
    expect(judgeOnset('reset-request', null, 150, 0.1).verdict).toBe('regressed');
    expect(judgeOnset('reset-request', 150, null, 0.1).verdict).toBe('improved');
    expect(judgeOnset('reset-request', null, null, 0.1).verdict).toBe('ok');
    // 200/s -> 170/s: -15 % beyond -10 %; 200 -> 185: -7.5 %, within.
    expect(judgeOnset('reset-request', 200, 170, 0.1).verdict).toBe('regressed');
    expect(judgeOnset('reset-request', 200, 185, 0.1).verdict).toBe('ok');
  });

  it('a drain longer by more than 25 % and one interval regresses; never drained too', () => {
    // 8 s -> 11 s: +3 s > 2 s (25 %) and > 1 s; 8 -> 9.5: +1.5 s < 2 s.
    expect(judgeDrain('blip', 8, 11, 0.25, 1).verdict).toBe('regressed');
    expect(judgeDrain('blip', 8, 9.5, 0.25, 1).verdict).toBe('ok');
    // 2 s -> 2.8 s: +40 % but under one 1 s interval.
    expect(judgeDrain('blip', 2, 2.8, 0.25, 1).verdict).toBe('ok');
    expect(judgeDrain('blip', 8, null, 0.25, 1).verdict).toBe('regressed');
    expect(judgeDrain('blip', null, 8, 0.25, 1).verdict).toBe('improved');
  });
});
