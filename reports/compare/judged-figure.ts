/**
 * One row of a comparison's verdict table, and the judges of the figure kinds that are not
 * latency: shares judged in percentage points (error rates, dropped share), rates judged by
 * their relative drop (goodput, throughput), the fall-behind onset rate and a take-down's drain.
 *
 * A short run's counts are noisy: 400 Poisson arrivals vary by 5 % from seed to seed. So a
 * change in a count-based figure counts only when it is beyond its limit AND beyond `minZ`
 * standard errors of the difference (Poisson for rates, binomial for shares); the standard
 * error is in the row's detail.
 */

/** How a figure fared. */
export type FigureVerdict = 'ok' | 'improved' | 'regressed' | 'no data';

/** One judged figure of both runs. */
export interface JudgedFigure {
  /** What it belongs to: the whole run, a step, a flow or a take-down. */
  readonly scope: 'run' | 'step' | 'flow' | 'take-down';
  /** The step, flow or take-down name; `run` for the run. */
  readonly subject: string;
  /** The figure: `error rate`, `error rate 503`, `goodput`, `ok latency`, ... */
  readonly figure: string;
  /** Unit of base, candidate and delta: `%`, `pt` (delta of a share), `/s`, `ms`, `s`. */
  readonly unit: string;
  readonly base: number | null;
  readonly candidate: number | null;
  /** candidate - base in `deltaUnit`, or a relative change; null when either is missing. */
  readonly delta: number | null;
  readonly deltaUnit: string;
  /** The limit as said to people: `+1pt`, `-5%`, `+10% and 2ms`. */
  readonly limit: string;
  readonly verdict: FigureVerdict;
  /** One line saying why. */
  readonly detail: string;
}

/** The name of a row, e.g. `login error rate`, `forced-reset goodput`. */
export function figureName(f: JudgedFigure): string {
  return `${f.subject} ${f.figure}`;
}

function pct(x: number): string {
  return `${x > 0 ? '+' : ''}${Number((100 * x).toPrecision(3))}%`;
}

/** A share (0..1 of n) of both runs, judged on its rise in points. */
export interface ShareInput {
  readonly scope: JudgedFigure['scope'];
  readonly subject: string;
  readonly figure: string;
  /** Numerator and denominator of each run's share; null: not recorded. */
  readonly base: { readonly k: number; readonly n: number } | null;
  readonly candidate: { readonly k: number; readonly n: number } | null;
  readonly maxIncreasePts: number;
  readonly minZ: number;
}

/** Judges a share: regressed when it rose by more than the limit and `minZ` binomial errors. */
export function judgeShare(i: ShareInput): JudgedFigure {
  const share = (s: { k: number; n: number } | null) => (s === null || s.n === 0 ? null : (100 * s.k) / s.n);
  const b = share(i.base);
  const c = share(i.candidate);
  const head = { scope: i.scope, subject: i.subject, figure: i.figure, unit: '%', deltaUnit: 'pt' };
  const limit = `+${i.maxIncreasePts}pt`;
  if (b === null || c === null || i.base === null || i.candidate === null) {
    return {
      ...head,
      base: b,
      candidate: c,
      delta: null,
      limit,
      verdict: 'no data',
      detail: 'no requests in one run',
    };
  }
  const delta = c - b;
  const pooled = (i.base.k + i.candidate.k) / (i.base.n + i.candidate.n);
  const se = 100 * Math.sqrt(pooled * (1 - pooled) * (1 / i.base.n + 1 / i.candidate.n));
  const beyondNoise = Math.abs(delta) > i.minZ * se;
  const verdict: FigureVerdict =
    delta > i.maxIncreasePts && beyondNoise
      ? 'regressed'
      : delta < -i.maxIncreasePts && beyondNoise
        ? 'improved'
        : 'ok';
  const detail = `${i.candidate.k}/${i.candidate.n} vs ${i.base.k}/${i.base.n}; standard error ${se.toFixed(2)}pt`;
  return { ...head, base: b, candidate: c, delta, limit, verdict, detail };
}

/** A rate (count over seconds) of both runs, judged on its relative drop. */
export interface RateInput {
  readonly scope: JudgedFigure['scope'];
  readonly subject: string;
  readonly figure: string;
  readonly base: { readonly count: number; readonly seconds: number } | null;
  readonly candidate: { readonly count: number; readonly seconds: number } | null;
  readonly maxDrop: number;
  readonly minZ: number;
}

/** Judges a rate: regressed when it fell by more than the limit and `minZ` Poisson errors. */
export function judgeRate(i: RateInput): JudgedFigure {
  const rate = (r: { count: number; seconds: number } | null) =>
    r === null || !(r.seconds > 0) ? null : r.count / r.seconds;
  const b = rate(i.base);
  const c = rate(i.candidate);
  const head = { scope: i.scope, subject: i.subject, figure: i.figure, unit: '/s', deltaUnit: '%' };
  const limit = `-${Number((100 * i.maxDrop).toPrecision(3))}%`;
  if (b === null || c === null || i.base === null || i.candidate === null) {
    return {
      ...head,
      base: b,
      candidate: c,
      delta: null,
      limit,
      verdict: 'no data',
      detail: 'not recorded in one run',
    };
  }
  if (b === 0) {
    const verdict: FigureVerdict = c > 0 ? 'improved' : 'ok';
    return { ...head, base: b, candidate: c, delta: null, limit, verdict, detail: 'base rate is 0' };
  }
  const change = c / b - 1;
  const se = Math.sqrt(i.base.count / i.base.seconds ** 2 + i.candidate.count / i.candidate.seconds ** 2);
  const beyondNoise = Math.abs(c - b) > i.minZ * se;
  const verdict: FigureVerdict =
    -change > i.maxDrop && beyondNoise ? 'regressed' : change > i.maxDrop && beyondNoise ? 'improved' : 'ok';
  const detail = `${i.candidate.count} in ${i.candidate.seconds}s vs ${i.base.count} in ${i.base.seconds}s; standard error ${se.toPrecision(2)}/s`;
  return { ...head, base: b, candidate: c, delta: change * 100, limit, verdict, detail };
}

/** The offered rate at which a step fell behind (null: it never did), judged on its drop. */
export function judgeOnset(
  subject: string,
  base: number | null,
  candidate: number | null,
  maxDrop: number,
): JudgedFigure {
  const head = { scope: 'step' as const, subject, figure: 'fell-behind onset', unit: '/s', deltaUnit: '%' };
  const limit = `-${Number((100 * maxDrop).toPrecision(3))}%`;
  if (base === null && candidate === null)
    return { ...head, base, candidate, delta: null, limit, verdict: 'ok', detail: 'neither run fell behind' };
  if (base === null)
    return {
      ...head,
      base,
      candidate,
      delta: null,
      limit,
      verdict: 'regressed',
      detail: `the candidate fell behind at ${candidate}/s offered; the base never did`,
    };
  if (candidate === null)
    return {
      ...head,
      base,
      candidate,
      delta: null,
      limit,
      verdict: 'improved',
      detail: 'the candidate never fell behind',
    };
  const change = base > 0 ? candidate / base - 1 : 0;
  const verdict: FigureVerdict = -change > maxDrop ? 'regressed' : change > maxDrop ? 'improved' : 'ok';
  return { ...head, base, candidate, delta: 100 * change, limit, verdict, detail: `onset ${pct(change)}` };
}

/** A take-down's drain time (null: not drained), judged on its rise beyond the limit and one interval. */
export function judgeDrain(
  subject: string,
  base: number | null,
  candidate: number | null,
  maxIncrease: number,
  intervalS: number,
): JudgedFigure {
  const head = { scope: 'take-down' as const, subject, figure: 'drain', unit: 's', deltaUnit: 's' };
  const limit = `+${Number((100 * maxIncrease).toPrecision(3))}% and ${intervalS}s`;
  if (base === null && candidate === null)
    return { ...head, base, candidate, delta: null, limit, verdict: 'ok', detail: 'neither run drained' };
  if (candidate === null)
    return {
      ...head,
      base,
      candidate,
      delta: null,
      limit,
      verdict: 'regressed',
      detail: 'the candidate never drained',
    };
  if (base === null)
    return {
      ...head,
      base,
      candidate,
      delta: null,
      limit,
      verdict: 'improved',
      detail: 'the base never drained',
    };
  const delta = candidate - base;
  const beyond = (d: number) => d > maxIncrease * base && d > intervalS;
  const verdict: FigureVerdict = beyond(delta) ? 'regressed' : beyond(-delta) ? 'improved' : 'ok';
  return {
    ...head,
    base,
    candidate,
    delta,
    limit,
    verdict,
    detail: `drain ${delta >= 0 ? '+' : ''}${delta}s`,
  };
}
