/**
 * One row of the run's time series: the merged figures of one interval, as kept in
 * `timeseries.csv` and handed to the analysis and the renderers. Percentiles are milliseconds with
 * microsecond precision; null where the step completed nothing in the interval.
 */
import type { Histogram } from 'hdr-histogram-js';
import { OUTCOME_CLASSES } from '../../harness/vocabulary/outcome.js';

/** Latency percentiles of one step over one interval, ms. */
export interface IntervalLatency {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Service-time percentiles of one step over one interval, ms. */
export interface IntervalService {
  readonly p50: number;
  readonly p99: number;
}

/** One step's figures over one interval. */
export interface StepRow {
  /** Requests whose intended send time fell in the interval (retries included). */
  readonly offered: number;
  /** Counts per outcome class, indexed as `OUTCOME_CLASSES` (index 0 is ok, the achieved count). */
  readonly outcomes: readonly number[];
  readonly retries: number;
  readonly latencyMs: IntervalLatency | null;
  readonly serviceMs: IntervalService | null;
}

/** One interval of the run, every step present (zeros when idle), indexed as `RunMeta.steps`. */
export interface SeriesRow {
  readonly index: number;
  /** Seconds from t0 of the interval's start. */
  readonly tS: number;
  /** Arrivals/s the profile planned for this interval (`RunMeta.plannedRatePerS`), 0 past its end. */
  readonly plannedPerS: number;
  readonly arrivals: number;
  readonly started: number;
  readonly dropped: number;
  readonly completed: number;
  readonly inFlight: number;
  readonly maxLatenessMs: number;
  readonly steps: readonly StepRow[];
}

/** An idle step: nothing offered, nothing completed. */
export function emptyStepRow(): StepRow {
  return {
    offered: 0,
    outcomes: new Array<number>(OUTCOME_CLASSES.length).fill(0),
    retries: 0,
    latencyMs: null,
    serviceMs: null,
  };
}

/** µs -> ms, rounded to the µs so files stay short and stable. */
export function usToMs(us: number): number {
  return Math.round(us) / 1000;
}

/** Interval latency percentiles of a µs histogram, or null when it holds nothing. */
export function intervalLatency(h: Histogram): IntervalLatency | null {
  if (h.totalCount === 0) return null;
  return {
    p50: usToMs(h.getValueAtPercentile(50)),
    p90: usToMs(h.getValueAtPercentile(90)),
    p99: usToMs(h.getValueAtPercentile(99)),
    max: usToMs(h.maxValue),
  };
}

/** Interval service-time percentiles of a µs histogram, or null when it holds nothing. */
export function intervalService(h: Histogram): IntervalService | null {
  if (h.totalCount === 0) return null;
  return { p50: usToMs(h.getValueAtPercentile(50)), p99: usToMs(h.getValueAtPercentile(99)) };
}

/** Requests completed by a step in a row (every outcome class). */
export function stepCompleted(row: StepRow): number {
  let n = 0;
  for (const c of row.outcomes) n += c;
  return n;
}
