/**
 * One row of the run's time series: the merged figures of one interval, as kept in
 * `timeseries.csv` and handed to the analysis and the renderers. Percentiles are milliseconds with
 * microsecond precision; null where the step recorded nothing of that kind in the interval.
 * Figures a version-1 run directory never recorded (finals, ok latency, user wait, gauges, flows,
 * generator health) are null there: readers of both versions see this one shape.
 */
import type { Histogram } from 'hdr-histogram-js';
import { valuesAtPercentiles } from '../recorder/histogram-walk.js';
import type { BacklogGauges, FlowInterval, GeneratorHealth } from '../recorder/interval-snapshot.js';

/** Percentiles of one step's histogram over one interval, ms. */
export interface IntervalLatency {
  readonly p50: number;
  /** Null only for the service time of version-1 files, which kept p50 and p99 alone. */
  readonly p90: number | null;
  readonly p99: number;
  /** Null only for the service time of version-1 files. */
  readonly max: number | null;
}

/** One step's figures over one interval. */
export interface StepRow {
  /** Attempts whose intended send time fell in the interval (retries included). */
  readonly offered: number;
  /** Of those, retries. */
  readonly retries: number;
  /** Attempts completed in the interval, by outcome class name (zero counts may be left out). */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Final outcomes (after retries) of the step by class name; null in version-1 data. */
  readonly finals: Readonly<Record<string, number>> | null;
  /** Latency of the backend's answers (every class but target-error and cancelled). */
  readonly latencyMs: IntervalLatency | null;
  /** Latency of the `ok` attempts only; null when none, or in version-1 data. */
  readonly latencyOkMs: IntervalLatency | null;
  readonly serviceMs: IntervalLatency | null;
  /** User wait: first attempt's intended send -> final outcome; null when none or version 1. */
  readonly userWaitMs: IntervalLatency | null;
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
  /** Sessions that ended with every step ok; null in version-1 data. */
  readonly succeeded: number | null;
  readonly inFlight: number;
  readonly maxLatenessMs: number;
  /** Send lateness p99 of the interval, ms; null without a schedule or in version-1 data. */
  readonly latenessP99Ms: number | null;
  /** Waiting-state gauges at the interval's end; null when the producer could not see them. */
  readonly backlog: BacklogGauges | null;
  /** The generator's own health over the interval (worst shard); null when not measured. */
  readonly health: GeneratorHealth | null;
  /** Per flow name; null in version-1 data. */
  readonly flows: Readonly<Record<string, FlowInterval>> | null;
  readonly steps: readonly StepRow[];
}

/** An interval row with nothing in it (no arrivals, no gauges, no steps): callers fill what they know. */
export function emptySeriesRow(index: number, tS: number): SeriesRow {
  return {
    index,
    tS,
    plannedPerS: 0,
    arrivals: 0,
    started: 0,
    dropped: 0,
    completed: 0,
    succeeded: null,
    inFlight: 0,
    maxLatenessMs: 0,
    latenessP99Ms: null,
    backlog: null,
    health: null,
    flows: null,
    steps: [],
  };
}

/** An idle step: nothing offered, nothing completed. */
export function emptyStepRow(): StepRow {
  return {
    offered: 0,
    retries: 0,
    outcomes: {},
    finals: null,
    latencyMs: null,
    latencyOkMs: null,
    serviceMs: null,
    userWaitMs: null,
  };
}

/** µs -> ms, rounded to the µs so files stay short and stable. */
export function usToMs(us: number): number {
  return Math.round(us) / 1000;
}

const INTERVAL_PERCENTILES = [50, 90, 99] as const;

/** Interval percentiles of a µs histogram, or null when it holds nothing. */
export function intervalLatency(h: Histogram | null | undefined): IntervalLatency | null {
  if (h === null || h === undefined || h.totalCount === 0) return null;
  const [p50 = 0, p90 = 0, p99 = 0] = valuesAtPercentiles(h, INTERVAL_PERCENTILES);
  return { p50: usToMs(p50), p90: usToMs(p90), p99: usToMs(p99), max: usToMs(h.maxValue) };
}

/** Sum of the counts of a by-name record. */
export function countSum(counts: Readonly<Record<string, number>> | null | undefined): number {
  let n = 0;
  if (counts) for (const k in counts) n += counts[k] ?? 0;
  return n;
}
