/**
 * Per step and interval: the figures the analysis judges (backlog, answers, interval p99) and
 * the two verdicts of docs/measurement.md#fall-behind, before any outage is taken into account:
 * - throughput: ok trailed offered and the target either shed load (failures above their
 *   baseline share) or let the step's backlog grow;
 * - latency: the interval p99 left its baseline.
 * A pure function of the time series, so it runs the same on a live run, a run directory, a
 * merge or an import.
 *
 * The step's backlog is Σ offered − Σ answered up to the interval's end: requests whose intended
 * send time has passed and that have no outcome yet (queued in the client or at the target).
 * Offered counts at the intended send time, so a session in think time is not in it. Version-1
 * runs counted offered when a step was scheduled: there it is the old cumulative estimate.
 */
import type { SeriesRow, StepRow } from '../run-dir/series-row.js';
import { countSum } from '../run-dir/series-row.js';
import { type AnalysisOptions, median } from './analysis-options.js';

/** What the analysis needs from a run. */
export interface AnalysisInput {
  /** Epoch ms of t0 (for the ISO time of each finding). */
  readonly t0Ms: number;
  readonly intervalS: number;
  /** Step names, the index space of `SeriesRow.steps`. */
  readonly steps: readonly string[];
  /** Closed intervals in index order. */
  readonly rows: readonly SeriesRow[];
  /** Planned outages, seconds from t0. */
  readonly outages: readonly { readonly name: string; readonly startS: number; readonly durationS: number }[];
}

/** One step's per-interval figures and verdicts. */
export interface StepSignals {
  /** Attempts offered, and of them new requests (retries excluded). */
  readonly offered: readonly number[];
  readonly newOffered: readonly number[];
  readonly ok: readonly number[];
  /** Due, not answered, at the interval's end. */
  readonly backlog: readonly number[];
  /** Interval p99 of the ok answers (of every backend answer in version-1 data), ms. */
  readonly p99: readonly (number | null)[];
  readonly throughput: readonly boolean[];
  /**
   * The interval's shortfall is beyond doubt: the target shed load, or the step's backlog is
   * above its baseline band (more than in-flight work at baseline latency explains).
   */
  readonly confirmed: readonly boolean[];
  /**
   * The target turned away more than its baseline noise, however few: failures above the
   * baseline share by more than 2 σ of a Poisson count (at least one). Below the shedding
   * threshold this alone is never a fall-behind; it only moves a confirmed onset back to where
   * the shedding began (`fall-behind.ts`).
   */
  readonly shedAny: readonly boolean[];
  readonly latency: readonly boolean[];
  /** The generator was late in the interval (lateness p99 above `lateIntervalMs`). */
  readonly late: readonly boolean[];
  /** Median interval p99 of the baseline intervals, or null when none had answers. */
  readonly baselineP99: number | null;
  /** Baseline backlog as a share of an interval's offered requests. */
  readonly backlogShare: number;
  /** Backlog and latency at baseline and throughput keeping up in interval i (recovery, drain). */
  readonly atBaseline: (i: number) => boolean;
}

const NOT_BACKEND = ['ok', 'cancelled', 'target-error'];

function failedOf(st: StepRow): number {
  let n = 0;
  for (const k in st.outcomes) if (!NOT_BACKEND.includes(k)) n += st.outcomes[k] ?? 0;
  return n;
}

/** True when interval row `r` overlaps an outage window proper (start to end). */
export function inOutage(input: AnalysisInput, r: SeriesRow): boolean {
  const end = r.tS + input.intervalS;
  return input.outages.some((o) => r.tS < o.startS + o.durationS && end > o.startS);
}

/** The signals of step `step`. */
/**
 * `targetAbove`: per row, whether the run's at-target gauge is above its baseline band, or null
 * when the run has no gauges. With gauges, a step's backlog above its band confirms a
 * fall-behind only while the target holds more than usual too: a backlog queued in the client is
 * the generator's problem (validity), not the target's.
 */
export function stepSignals(
  input: AnalysisInput,
  step: number,
  o: AnalysisOptions,
  targetAbove: readonly boolean[] | null = null,
): StepSignals {
  const rows = input.rows;
  const n = rows.length;
  const offered: number[] = [];
  const newOffered: number[] = [];
  const ok: number[] = [];
  const failed: number[] = [];
  const backlog: number[] = [];
  const p99: (number | null)[] = [];
  const svc: (number | null)[] = [];
  const outage: boolean[] = [];
  let b = 0;
  for (const r of rows) {
    const st = r.steps[step];
    const off = st?.offered ?? 0;
    offered.push(off);
    newOffered.push(off - (st?.retries ?? 0));
    ok.push(st?.outcomes['ok'] ?? 0);
    failed.push(st === undefined ? 0 : failedOf(st));
    b = Math.max(0, b + off - countSum(st?.outcomes));
    backlog.push(b);
    p99.push(st?.latencyOkMs?.p99 ?? st?.latencyMs?.p99 ?? null);
    svc.push(st?.serviceMs?.p99 ?? null);
    outage.push(inOutage(input, r));
  }
  // The failure share a healthy target shows anyway: the run's first loaded intervals.
  const early: number[] = [];
  for (let i = 0; i < n && early.length < o.baselineIntervals; i++) {
    if (!outage[i] && offered[i]! >= o.minOffered) early.push(failed[i]! / offered[i]!);
  }
  const baseFail = early.length === 0 ? 0 : median(early);
  const shedding = rows.map(
    (_, i) => failed[i]! >= Math.max(o.minFailed, (baseFail + o.shedTolerance) * offered[i]!),
  );
  const shedAny = rows.map((_, i) => {
    const expected = baseFail * offered[i]!;
    return failed[i]! >= Math.max(1, expected + 2 * Math.sqrt(expected));
  });
  const throughput = rows.map((_, i) => {
    const off = offered[i]!;
    if (off < o.minOffered || ok[i]! >= off * (1 - o.okTolerance)) return false;
    const growth = backlog[i]! - (i === 0 ? 0 : backlog[i - 1]!);
    const growing = growth >= Math.max(o.minGrowth, o.growthTolerance * off);
    return shedding[i]! || growing;
  });
  // Baselines: the first intervals that were healthy on throughput, outside outages.
  const p99s: number[] = [];
  const svcs: number[] = [];
  const shares: number[] = [];
  for (let i = 0; i < n && p99s.length < o.baselineIntervals; i++) {
    if (outage[i] || throughput[i] || p99[i] === null) continue;
    p99s.push(p99[i]!);
    if (svc[i] !== null) svcs.push(svc[i]!);
    shares.push(backlog[i]! / Math.max(1, offered[i]!));
  }
  const baselineP99 = p99s.length === 0 ? null : median(p99s);
  const baselineSvc = svcs.length === 0 ? null : median(svcs);
  const left = (v: number | null, base: number | null): boolean =>
    v !== null && base !== null && v > base * o.latencyFactor && v - base >= o.minLatencyRiseMs;
  const backlogShare = shares.length === 0 ? 0 : median(shares);
  // The target's part must have left too: a rise that is all client queue (service time at its
  // baseline) is the generator's, reported by validity. Without service times, latency alone.
  // An interval where the generator itself was late says nothing of the target's latency: its
  // stall is in every figure it took (the service time's read end included).
  const late = rows.map((r) => (r.latenessP99Ms ?? 0) > o.lateIntervalMs);
  // Like throughput, latency is judged on intervals with at least minOffered answers: the p99 of
  // three answers is their max, and one slow answer is no interval's latency.
  const latency = p99.map(
    (p, i) =>
      !late[i] &&
      ok[i]! >= o.minOffered &&
      left(p, baselineP99) &&
      (baselineSvc === null || svc[i] === null || left(svc[i]!, baselineSvc)),
  );
  // The band: in-flight work at baseline latency, with slack (backlogFactor, minBacklog).
  const aboveBand = (i: number): boolean =>
    backlog[i]! > o.backlogFactor * backlogShare * offered[i]! + o.minBacklog;
  const confirmed = rows.map((_, i) => shedding[i]! || (aboveBand(i) && (targetAbove?.[i] ?? true)));
  // A target that sheds load has no queue and answers its 503s fast: it is not back either.
  const atBaseline = (i: number): boolean => !latency[i] && !throughput[i] && !aboveBand(i);
  return {
    offered,
    newOffered,
    ok,
    backlog,
    p99,
    throughput,
    confirmed,
    shedAny,
    latency,
    late,
    baselineP99,
    backlogShare,
    atBaseline,
  };
}
