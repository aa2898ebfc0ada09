/**
 * The thresholds of the run analysis (fall-behind, take-downs, recovery, metastability), each
 * with its documented default. docs/measurement.md ("Fall-behind", "Take-down", "Recovery")
 * states the same numbers; a change here is a change there.
 */

/** Thresholds of the analysis; every field has a default in `ANALYSIS_DEFAULTS`. */
export interface AnalysisOptions {
  /** Consecutive intervals a state must hold to count (fall-behind, recovery, drain). Default 3. */
  readonly window: number;
  /** Share by which ok may trail offered before an interval can be behind. Default 0.02. */
  readonly okTolerance: number;
  /** Backlog growth in one interval, as a share of the interval's offered, that is "growing". Default 0.02. */
  readonly growthTolerance: number;
  /** Fewest requests the backlog must grow by in an interval to be "growing". Default 2. */
  readonly minGrowth: number;
  /** Failure share above the baseline failure share that counts as shedding. Default 0.03. */
  readonly shedTolerance: number;
  /** Fewest failed answers in an interval for shedding to count. Default 3. */
  readonly minFailed: number;
  /** Fewest requests offered (throughput) or answered ok (latency) in an interval for its verdict to apply. Default 5. */
  readonly minOffered: number;
  /** Interval p99 multiple of the baseline p99 that counts as latency leaving it. Default 5. */
  readonly latencyFactor: number;
  /** Smallest p99 rise over the baseline, ms, that counts (loopback baselines are tiny). Default 10. */
  readonly minLatencyRiseMs: number;
  /** Healthy intervals whose medians are the baselines. Default 5 (fewer if the run has fewer). */
  readonly baselineIntervals: number;
  /** Backlog is at baseline when at most this multiple of its baseline share of offered... Default 2. */
  readonly backlogFactor: number;
  /** ...plus this many requests (the noise of a cut). Default 5. */
  readonly minBacklog: number;
  /** Intervals after an outage's end that its drain may take before it counts as not drained. Default 30. */
  readonly maxDrainIntervals: number;
  /** Share below its sustained ok rate that offered load must be for a metastability hint. Default 0.1. */
  readonly metastableTolerance: number;
  /**
   * Interval lateness p99, ms, past which the generator was late in that interval: its sends left
   * in bunches and its own stall is in every latency it measured, so the interval's latency and
   * the shedding a bunch causes at a short queue are not the target's verdict. Default 10 (the
   * validity bound, `SCHEDULE_BOUNDS.latenessP99Ms`).
   */
  readonly lateIntervalMs: number;
}

/** The defaults documented on `AnalysisOptions`. */
export const ANALYSIS_DEFAULTS: AnalysisOptions = {
  window: 3,
  okTolerance: 0.02,
  growthTolerance: 0.02,
  minGrowth: 2,
  shedTolerance: 0.03,
  minFailed: 3,
  minOffered: 5,
  latencyFactor: 5,
  minLatencyRiseMs: 10,
  baselineIntervals: 5,
  backlogFactor: 2,
  minBacklog: 5,
  maxDrainIntervals: 30,
  metastableTolerance: 0.1,
  lateIntervalMs: 10,
};

/** The options with defaults filled in; throws RangeError on values that make no sense. */
export function analysisOptions(partial: Partial<AnalysisOptions> = {}): AnalysisOptions {
  const o: AnalysisOptions = { ...ANALYSIS_DEFAULTS, ...partial };
  if (o.window < 1 || o.baselineIntervals < 1)
    throw new RangeError('window and baselineIntervals must be >= 1');
  if (o.maxDrainIntervals < 0) throw new RangeError('maxDrainIntervals must be >= 0');
  return o;
}

/** Median of a non-empty list (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Rounds to 3 decimals (figures in summary.json stay short and stable). */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * First index i >= from where pred holds for `window` consecutive indices, or -1. With
 * `untilEnd`, a shorter stretch that holds up to the last index counts too (a recovery at the
 * very end of a run: nothing came after it to contradict it).
 */
export function firstSustained(
  n: number,
  from: number,
  window: number,
  pred: (i: number) => boolean,
  untilEnd = false,
): number {
  let run = 0;
  for (let i = from; i < n; i++) {
    run = pred(i) ? run + 1 : 0;
    if (run >= window) return i - window + 1;
  }
  // A stretch that holds until the run's last interval counts: there is nothing after it.
  return untilEnd && run > 0 ? n - run : -1;
}
