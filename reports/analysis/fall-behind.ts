/**
 * Fall-behind analysis: for each step, the first point from which the target stopped keeping up,
 * sustained, and when (if ever) it kept up again. A pure function of the per-interval series, so
 * it runs the same on a live run, a finished run directory, a merge or a k6 import.
 *
 * An interval is "behind" for a step when either
 * - throughput: the step completed fewer ok requests than were offered by more than
 *   `throughputTolerance`, with at least `minOffered` requests offered, AND the shortfall is the
 *   target's: either failures (non-ok answers: 503 shedding, timeouts…) are at least
 *   `throughputTolerance` of the offered load, or more than one interval's worth of offered
 *   requests is outstanding (offered − completed, cumulated). A healthy target on a steep ramp
 *   also trails offered within an interval (requests in flight at the cut): that lag is under one
 *   interval's worth as long as latency is under the interval, so it is not called falling
 *   behind; or
 * - latency: its p99 is above `latencyFactor` × the baseline p99 and at least `minLatencyRiseMs`
 *   above it. The baseline is the median p99 of the first `baselineIntervals` healthy intervals.
 *
 * The step fell behind at the first of `window` consecutive behind intervals (a blip of fewer is
 * noise), and recovered at the first of `window` consecutive intervals that are not behind.
 *
 * A queue in front of the target hides the first moments: while it fills, every request is still
 * accepted, so the shortfall shows only once it is full. For a throughput fall-behind the point
 * reported is therefore the onset: walking back from the first behind interval over the
 * intervals whose demand (offered requests less retries) already exceeded what the target sustained while behind (its
 * median ok rate over the window, i.e. its capacity), at most `window` intervals back. That is
 * the offered rate at which it stopped keeping up. A fall-behind that starts in (or one interval
 * before) an outage window was caused by the take-down, not by load: it keeps its first interval.
 */
import type { SeriesRow } from '../run-dir/series-row.js';
import type { FellBehind } from '../run-dir/summary.js';

/** Thresholds of the analysis; every field has a documented default (`FALL_BEHIND_DEFAULTS`). */
export interface FallBehindOptions {
  /** Consecutive intervals a state must hold to count (fall-behind and recovery). Default 3. */
  readonly window: number;
  /** Fraction by which ok may trail offered before an interval is behind. Default 0.10. */
  readonly throughputTolerance: number;
  /** Fewest requests offered in an interval for the throughput test to apply. Default 5. */
  readonly minOffered: number;
  /** p99 multiple of the baseline that counts as behind. Default 5. */
  readonly latencyFactor: number;
  /** Smallest p99 rise over the baseline, ms, that counts (loopback baselines are tiny). Default 10. */
  readonly minLatencyRiseMs: number;
  /** Healthy intervals whose median p99 is the baseline. Default 5 (fewer if the run has fewer). */
  readonly baselineIntervals: number;
}

/** The defaults documented on `FallBehindOptions`. */
export const FALL_BEHIND_DEFAULTS: FallBehindOptions = {
  window: 3,
  throughputTolerance: 0.1,
  minOffered: 5,
  latencyFactor: 5,
  minLatencyRiseMs: 10,
  baselineIntervals: 5,
};

/** What the analysis needs from a run. */
export interface FallBehindInput {
  /** Epoch ms of t0 (for the ISO time of each finding). */
  readonly t0Ms: number;
  readonly intervalS: number;
  /** Step names, the index space of `SeriesRow.steps`. */
  readonly steps: readonly string[];
  /** Closed intervals in index order. */
  readonly rows: readonly SeriesRow[];
  /** Outage windows (seconds from t0): a fall-behind they cause has no queue-filling onset. */
  readonly outages?: readonly { readonly startS: number; readonly durationS: number }[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Per-interval verdicts of one step. */
interface StepVerdicts {
  readonly throughput: boolean[];
  readonly latency: boolean[];
  readonly baselineP99: number | null;
}

function verdicts(rows: readonly SeriesRow[], step: number, o: FallBehindOptions): StepVerdicts {
  let outstanding = 0;
  const throughput = rows.map((r) => {
    const st = r.steps[step];
    if (st === undefined) return false;
    let completed = 0;
    for (const c of st.outcomes) completed += c;
    outstanding = Math.max(0, outstanding + st.offered - completed);
    if (st.offered < o.minOffered) return false;
    const ok = st.outcomes[0]!;
    if (ok >= st.offered * (1 - o.throughputTolerance)) return false;
    const failed = completed - ok;
    return failed >= st.offered * o.throughputTolerance || outstanding >= st.offered;
  });
  // The baseline comes from intervals that were healthy on throughput and had a p99 at all.
  const healthy: number[] = [];
  let baselineP99: number | null = null;
  const latency = rows.map((r, i) => {
    const p99 = r.steps[step]?.latencyMs?.p99;
    if (p99 === undefined) return false;
    if (baselineP99 === null) {
      if (!throughput[i]) healthy.push(p99);
      if (healthy.length >= o.baselineIntervals) baselineP99 = median(healthy);
      return false;
    }
    return p99 > baselineP99 * o.latencyFactor && p99 - baselineP99 >= o.minLatencyRiseMs;
  });
  // A short run may never fill the baseline window; judge what it has, but no latency verdicts
  // can then exist (there was nothing to leave).
  if (baselineP99 === null && healthy.length > 0) baselineP99 = median(healthy);
  return { throughput, latency, baselineP99 };
}

/** First index i >= from where pred holds for `window` consecutive rows, or -1. */
function firstSustained(n: number, from: number, window: number, pred: (i: number) => boolean): number {
  let run = 0;
  for (let i = from; i < n; i++) {
    run = pred(i) ? run + 1 : 0;
    if (run >= window) return i - window + 1;
  }
  return -1;
}

/** The first interval, walking back from `start`, whose offered load already exceeded the capacity. */
function throughputOnset(
  rows: readonly SeriesRow[],
  step: number,
  start: number,
  o: FallBehindOptions,
): number {
  const oks: number[] = [];
  for (let i = start; i < Math.min(rows.length, start + o.window); i++)
    oks.push(rows[i]!.steps[step]?.outcomes[0] ?? 0);
  const capacity = median(oks);
  // A target that answers (almost) nothing ok, as in an outage, has no capacity to compare with.
  if (capacity < o.minOffered) return start;
  let onset = start;
  // A queue hides a few intervals at most; further back the load was something else.
  while (onset > 0 && start - onset < o.window) {
    const prev = rows[onset - 1]!.steps[step];
    if (prev === undefined) break;
    const demand = prev.offered - prev.retries;
    if (demand < o.minOffered || demand <= capacity) break;
    onset--;
  }
  return onset;
}

function analyzeStep(input: FallBehindInput, step: number, o: FallBehindOptions): FellBehind | null {
  const { rows, intervalS } = input;
  const v = verdicts(rows, step, o);
  const behind = (i: number): boolean => v.throughput[i]! || v.latency[i]!;
  const start = firstSustained(rows.length, 0, o.window, behind);
  if (start < 0) return null;
  const recovered = firstSustained(rows.length, start + 1, o.window, (i) => !behind(i));
  const end = recovered < 0 ? rows.length : recovered;

  const startS = rows[start]!.tS;
  const inOutage = (input.outages ?? []).some(
    (w) => startS >= w.startS - 2 * intervalS && startS < w.startS + w.durationS,
  );
  const onset = v.throughput[start] && !inOutage ? throughputOnset(rows, step, start, o) : start;
  let backlog = 0;
  let peakBacklog = 0;
  let worstP99: number | null = null;
  for (let i = onset; i < end; i++) {
    const st = rows[i]!.steps[step]!;
    backlog += st.offered - st.outcomes[0]!;
    if (backlog > peakBacklog) peakBacklog = backlog;
    const p = st.latencyMs?.p99;
    if (p !== undefined && (worstP99 === null || p > worstP99)) worstP99 = p;
  }
  const first = rows[onset]!;
  const st = first.steps[step]!;
  return {
    step: input.steps[step] ?? String(step),
    atS: first.tS,
    at: new Date(input.t0Ms + first.tS * 1000).toISOString(),
    // New requests only: retries are the clients' reaction to the fall-behind, not the demand.
    offeredRatePerS: round3((st.offered - st.retries) / intervalS),
    achievedRatePerS: round3(st.outcomes[0]! / intervalS),
    reason: v.throughput[start] ? 'throughput' : 'latency',
    p99BeforeMs: v.baselineP99 ?? 0,
    p99AfterMs: worstP99 ?? 0,
    peakBacklog,
    recoveredAtS: recovered < 0 ? null : rows[recovered]!.tS,
  };
}

/**
 * Every step that fell behind, earliest first (ties in step order); null when none did.
 * `p99BeforeMs` is the baseline; `p99AfterMs` the worst interval p99 of the fallen-behind span.
 */
export function analyzeFallBehind(
  input: FallBehindInput,
  options: Partial<FallBehindOptions> = {},
): FellBehind[] | null {
  const o: FallBehindOptions = { ...FALL_BEHIND_DEFAULTS, ...options };
  if (o.window < 1 || o.baselineIntervals < 1)
    throw new RangeError('window and baselineIntervals must be >= 1');
  const found: FellBehind[] = [];
  for (let s = 0; s < input.steps.length; s++) {
    const f = analyzeStep(input, s, o);
    if (f !== null) found.push(f);
  }
  if (found.length === 0) return null;
  // Stable sort keeps step order for ties.
  return found.sort((a, b) => a.atS - b.atS);
}
