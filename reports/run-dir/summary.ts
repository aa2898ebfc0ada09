/**
 * `summary.json`: the machine-readable result of a run. Versioned; the JSON Schema beside it
 * (`summary.schema.json`) documents every field. Bump `SUMMARY_SCHEMA_VERSION` on any change that
 * an old reader would misread.
 */
import type { LatencyModel } from './run-meta.js';

export const SUMMARY_SCHEMA_VERSION = 1;

/** Latency percentiles in milliseconds. */
export interface LatencyStats {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

/** Where one step stopped keeping up (see reports/analysis). */
export interface FellBehind {
  readonly step: string;
  /** Seconds from t0 of the first interval of the sustained fall-behind. */
  readonly atS: number;
  /** ISO wall-clock time of that point. */
  readonly at: string;
  /** Offered rate of new requests (retries excluded) of the step at that point, per second. */
  readonly offeredRatePerS: number;
  /** Achieved (ok) rate at that point, per second. */
  readonly achievedRatePerS: number;
  /** What tripped: throughput below offered with a growing backlog, or latency off its baseline. */
  readonly reason: 'throughput' | 'latency';
  readonly p99BeforeMs: number;
  readonly p99AfterMs: number;
  /** Peak backlog (offered minus achieved, cumulated), requests. */
  readonly peakBacklog: number;
  /** Seconds from t0 when the step was keeping up again, or null if it never recovered. */
  readonly recoveredAtS: number | null;
}

export interface StepSummary {
  /** Requests completed (every outcome). */
  readonly count: number;
  readonly ok: number;
  /** Counts by outcome class other than ok (keys from OUTCOME_CLASSES). */
  readonly errors: Readonly<Record<string, number>>;
  /** Requests offered (intended), including retries. */
  readonly offered: number;
  readonly retries: number;
  /** Completed requests per second over the run's duration. */
  readonly ratePerS: number;
  readonly latencyMs: LatencyStats;
  readonly serviceMs: LatencyStats;
}

export interface GateResult {
  readonly expr: string;
  readonly pass: boolean;
  /** The measured value in the gate's unit, or null when the step had no data. */
  readonly actual: number | null;
  readonly threshold: number;
  readonly unit: string;
  readonly message: string;
}

export interface Summary {
  readonly schemaVersion: typeof SUMMARY_SCHEMA_VERSION;
  readonly profile: { readonly name: string; readonly file: string; readonly hash: string };
  readonly target: string;
  readonly engine: string;
  readonly latencyModel: LatencyModel;
  readonly startedAt: string;
  readonly durationS: number;
  readonly intervalS: number;
  readonly aborted: boolean;
  readonly abortReason: string | null;
  readonly degraded: readonly string[];
  readonly shard: { readonly index: number; readonly count: number } | null;
  /** Sessions offered by the arrival stream. */
  readonly arrivals: number;
  readonly started: number;
  readonly dropped: number;
  readonly completed: number;
  readonly maxLatenessMs: number;
  /**
   * How far behind its schedule the driver started arrivals (send lateness), ms; null when the
   * engine has no schedule (closed model, imports). Latency is measured from the schedule anyway;
   * this says whether the generator itself kept up.
   */
  readonly latenessMs: LatencyStats | null;
  readonly steps: Readonly<Record<string, StepSummary>>;
  /** Every step that fell behind, earliest first; null when none did. */
  readonly fellBehind: readonly FellBehind[] | null;
  /** Gate results when gates were evaluated, else null. */
  readonly gates: readonly GateResult[] | null;
  readonly settings: Readonly<Record<string, string | number | boolean>>;
}
