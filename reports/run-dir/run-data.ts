/**
 * Everything a run directory holds, in memory: what every renderer, gate, compare and merge works
 * from. Produced by `readRunDir` (from disk) and by `RunWriter.finish` (from memory), the same way.
 */
import type { Histogram } from 'hdr-histogram-js';
import type { RunMeta, TargetMetricsSample } from './run-meta.js';
import type { SeriesRow } from './series-row.js';
import type { Summary } from './summary.js';

/** A notable moment of the run (outage start/end, worker crash, abort), kept in `events.json`. */
export interface RunEvent {
  /** Epoch ms. */
  readonly atMs: number;
  /** Short machine-friendly kind, e.g. `outage-start`, `worker-crash`, `abort`. */
  readonly kind: string;
  readonly detail: string;
}

/** Whole-run histograms of one step, µs (docs/measurement.md defines each). */
export interface StepHistograms {
  readonly step: string;
  /** Latency of the backend's answers, from the intended send time. */
  readonly latency: Histogram;
  /** Latency of the ok answers only (empty in version-1 directories). */
  readonly latencyOk: Histogram;
  /** Service time: written to the socket -> last byte. */
  readonly service: Histogram;
  /** User wait: first attempt's intended send -> final outcome (empty in version 1). */
  readonly userWait: Histogram;
}

/** A run directory's content. */
export interface RunData {
  readonly meta: RunMeta;
  readonly summary: Summary;
  /** Closed intervals in index order. */
  readonly series: readonly SeriesRow[];
  /** Per-step total histograms, indexed as `meta.steps`. */
  readonly histograms: readonly StepHistograms[];
  /** Send lateness of every arrival over the run (µs); empty when the engine had no schedule. */
  readonly lateness: Histogram;
  readonly targetMetrics: readonly TargetMetricsSample[];
  readonly events: readonly RunEvent[];
}

/** File names inside a run directory (docs/run-directory.md describes each). */
export const RUN_FILES = {
  meta: 'meta.json',
  summary: 'summary.json',
  hlog: 'histograms.hlog',
  timeseries: 'timeseries.csv',
  targetMetrics: 'target-metrics.json',
  events: 'events.json',
  report: 'report.html',
} as const;

/** `abortReason` of a directory whose writer never reached `finish` (crash, kill -9). */
export const UNFINISHED_REASON = 'run did not finish';
