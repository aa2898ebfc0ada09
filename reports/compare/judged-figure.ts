/**
 * One row of a comparison's verdict table, and the judges of the figure kinds that are not
 * latency: shares judged in percentage points (error rates, dropped share), rates judged by
 * their relative drop (goodput, throughput), the fall-behind onset rate and a take-down's drain.
 *
 * A short run's counts are noisy: 400 Poisson arrivals vary by 5 % from seed to seed. So a
 * change in a count-based figure counts only when it is beyond its limit AND beyond `minZ`
 * standard errors of the difference (binomial for shares and for counts per arrival); the
 * standard error is in the row's detail.
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

/** One run's side of a rate: `count` over `seconds`, out of `per` arrivals. */
export interface RateSide {
  readonly count: number;
  readonly seconds: number;
  /** The arrivals the count could come from (of the run or the flow). */
  readonly per: number;
}

/** A rate of both runs, judged on its relative drop. */
export interface RateInput {
  readonly scope: JudgedFigure['scope'];
  readonly subject: string;
  readonly figure: string;
  readonly base: RateSide | null;
  readonly candidate: RateSide | null;
  readonly maxDrop: number;
  readonly minZ: number;
}

/**
 * The standard score of the change of count per arrival: binomial while every count fits its
 * arrivals (a share of sessions), Poisson otherwise. Arrivals themselves vary from seed to seed
 * (Poisson processes); per arrival, that noise is not the build's doing and drops out.
 */
function perArrivalZ(b: RateSide, c: RateSide): { z: number; se: number } {
  const pb = b.count / b.per;
  const pc = c.count / c.per;
  const binomial = b.count <= b.per && c.count <= c.per;
  let se: number;
  if (binomial) {
    const p = (b.count + c.count) / (b.per + c.per);
    se = Math.sqrt(p * (1 - p) * (1 / b.per + 1 / c.per));
  } else {
    se = Math.sqrt(b.count / b.per ** 2 + c.count / c.per ** 2);
  }
  // Identical shares have no noise to beat; any other difference over a zero error is certain.
  const z = se > 0 ? (pc - pb) / se : pc === pb ? 0 : Math.sign(pc - pb) * Number.POSITIVE_INFINITY;
  return { z, se };
}

/**
 * Judges a rate: regressed when it fell by more than the limit AND its count per arrival fell by
 * more than `minZ` standard errors.
 */
export function judgeRate(i: RateInput): JudgedFigure {
  const rate = (r: RateSide | null) => (r === null || !(r.seconds > 0) ? null : r.count / r.seconds);
  const b = rate(i.base);
  const c = rate(i.candidate);
  const head = { scope: i.scope, subject: i.subject, figure: i.figure, unit: '/s', deltaUnit: '%' };
  const limit = `-${Number((100 * i.maxDrop).toPrecision(3))}%`;
  if (
    b === null ||
    c === null ||
    i.base === null ||
    i.candidate === null ||
    i.base.per === 0 ||
    i.candidate.per === 0
  ) {
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
  const { z, se } = perArrivalZ(i.base, i.candidate);
  const verdict: FigureVerdict =
    -change > i.maxDrop && z < -i.minZ ? 'regressed' : change > i.maxDrop && z > i.minZ ? 'improved' : 'ok';
  const side = (r: RateSide) => `${r.count} of ${r.per} arrivals in ${r.seconds}s`;
  const detail = `${side(i.candidate)} vs ${side(i.base)}; per arrival z ${Number.isFinite(z) ? z.toFixed(1) : z} (standard error ${se.toPrecision(2)})`;
  return { ...head, base: b, candidate: c, delta: change * 100, limit, verdict, detail };
}

/** The figure's identity: what it is about and in which units. */
type FigureHead = Pick<JudgedFigure, 'scope' | 'subject' | 'figure' | 'unit' | 'deltaUnit'>;

/** A judged figure without a delta (one side or both unmeasured), by verdict and reason. */
function unmeasuredFigure(
  head: FigureHead,
  base: number | null,
  candidate: number | null,
  limit: string,
): (verdict: FigureVerdict, detail: string) => JudgedFigure {
  return (verdict, detail) => ({ ...head, base, candidate, delta: null, limit, verdict, detail });
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
  const unmeasured = unmeasuredFigure(head, base, candidate, limit);
  if (base === null && candidate === null) return unmeasured('ok', 'neither run fell behind');
  if (base === null)
    return unmeasured('regressed', `the candidate fell behind at ${candidate}/s offered; the base never did`);
  if (candidate === null) return unmeasured('improved', 'the candidate never fell behind');
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
  const unmeasured = unmeasuredFigure(head, base, candidate, limit);
  if (base === null && candidate === null) return unmeasured('ok', 'neither run drained');
  if (candidate === null) return unmeasured('regressed', 'the candidate never drained');
  if (base === null) return unmeasured('improved', 'the base never drained');
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
