/**
 * `summary.json`: the machine-readable result of a run. Versioned; the JSON Schema beside it
 * (`summary.schema.json`) documents every field and links each figure to docs/measurement.md.
 * Bump `SUMMARY_SCHEMA_VERSION` on any change that an old reader would misread; adding a field is
 * not one (readers ignore fields they do not know). Version-1 files are read through
 * `summary-v1-adapter.ts` into this shape, with the figures version 1 never recorded as null.
 */
import type { MailSummary } from './mail-summary.js';
import type { LatencyModel } from './run-meta.js';

/** The version this build writes (and, with 1, reads). */
export const SUMMARY_SCHEMA_VERSION = 2;

/** Percentiles of a whole-run HDR histogram, ms (all zero when it is empty). */
export interface LatencyStats {
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

/** Where one step stopped keeping up, outside planned outages (reports/analysis/fall-behind.ts). */
export interface FellBehind {
  readonly step: string;
  /** Seconds from t0 of the onset: the first interval of the sustained fall-behind. */
  readonly atS: number;
  /** ISO wall-clock time of the onset. */
  readonly at: string;
  /** Offered rate of new requests (retries excluded) of the step in the onset interval, /s. */
  readonly offeredRatePerS: number;
  /** Achieved (ok) rate in the onset interval, /s. */
  readonly achievedRatePerS: number;
  /** What tripped at the onset. */
  readonly reason: 'throughput' | 'latency';
  /** Median interval p99 over the `window` intervals before the onset (the baseline if none), ms. */
  readonly p99BeforeMs: number;
  /** Median interval p99 over the `window` intervals from the onset, ms. */
  readonly p99AfterMs: number;
  /** Worst interval p99 from the onset until recovery (or the end), ms. */
  readonly p99PeakMs: number;
  /** Peak of the step's backlog (due, not answered) from the onset until recovery, requests. */
  readonly peakBacklog: number;
  /** Mean growth of that backlog per second over the onset window, requests/s. */
  readonly backlogGrowthPerS: number;
  /** Seconds from t0 when backlog and latency were back to baseline, or null if never. */
  readonly recoveredAtS: number | null;
}

/** One planned outage (RunMeta.outages) as it went (reports/analysis/take-downs.ts). */
export interface TakeDown {
  readonly name: string;
  readonly startS: number;
  readonly endS: number;
  /** Requests at the target and queued in the client at the outage's start (backlog). */
  readonly backlogAtStart: number;
  /** Sessions waiting to retry at the outage's end (the herd), or null without gauges. */
  readonly inBackoffAtEnd: number | null;
  /** 503 answers in the intervals the outage covered, every step. */
  readonly responses503: number;
  /** Seconds after its end until backlog and latency were back to baseline; null: not drained. */
  readonly drainS: number | null;
}

/** A step that stayed degraded while its load was below what it had sustained (metastability). */
export interface MetastableHint {
  readonly step: string;
  readonly atS: number;
  /** What came before: a take-down, or a drop of the offered load. */
  readonly after: 'take-down' | 'load-drop';
  /** New requests offered per second at `atS`. */
  readonly offeredRatePerS: number;
  /** Highest ok rate per second the step held for `window` healthy intervals before, outside outages. */
  readonly sustainedRatePerS: number;
}

/** A worker that died on its own (RunEnd.workersLost). */
export interface LostWorker {
  readonly worker: number;
  readonly reason: string;
  /** Share of the arrival stream (0..1) it left undriven. */
  readonly lostShare: number;
}

/** One reason why a run's figures cannot be trusted as they stand. */
export type ValidityProblem =
  | {
      readonly kind: 'target-errors';
      readonly count: number;
      /** Message -> count (the first few distinct messages). */
      readonly messages: Readonly<Record<string, number>>;
      readonly message: string;
    }
  | {
      readonly kind: 'worker-lost';
      readonly workersLost: number;
      /** Share of the arrival stream that went undriven, 0..1 (sum over `workers`). */
      readonly lostShare: number;
      readonly workers: readonly LostWorker[];
      readonly message: string;
    }
  | {
      readonly kind: 'schedule-late';
      readonly latenessP99Ms: number | null;
      readonly latenessMaxMs: number;
      /** Worst interval event-loop delay p99 of any shard, ms; null when not measured. */
      readonly loopDelayP99Ms: number | null;
      /** Worst interval busy share of any shard, 0..1; null when not measured. */
      readonly busyMax: number | null;
      readonly message: string;
    };

/** Whether the run's figures are valid; gates fail while `problems` is non-empty. */
export interface Validity {
  readonly valid: boolean;
  readonly problems: readonly ValidityProblem[];
}

/** One step's whole-run figures (docs/measurement.md defines each). */
export interface StepSummary {
  /** Attempts completed (every outcome class). */
  readonly count: number;
  /** Attempts answered ok. */
  readonly ok: number;
  /** Attempts by class other than ok (sparse, by name). */
  readonly errors: Readonly<Record<string, number>>;
  /** Attempts by class name, ok included (sparse). */
  readonly attempts: Readonly<Record<string, number>>;
  /** Final outcomes (after retries) by class name; null in version-1 runs. */
  readonly finals: Readonly<Record<string, number>> | null;
  /** Attempts offered (intended), retries included. */
  readonly offered: number;
  readonly retries: number;
  /** Completed attempts per second over the run's duration. */
  readonly ratePerS: number;
  /** Failed finals over finals, `cancelled` and `target-error` excluded; null without finals. */
  readonly errorRate: number | null;
  /** Failed backend attempts over backend attempts (same exclusions); null without attempts. */
  readonly attemptErrorRate: number | null;
  /** Steps cut short by the end of the run (finals, else attempts). */
  readonly cancelled: number;
  /** Steps whose target code threw (finals, else attempts). */
  readonly targetErrors: number;
  /** Arrivals turned away whose flow starts with this step (not in any latency); null if unknown. */
  readonly droppedArrivals: number | null;
  /** Latency of the backend's answers (every class but target-error and cancelled). */
  readonly latencyMs: LatencyStats;
  /** Latency of the ok answers only; null in version-1 runs. */
  readonly latencyOkMs: LatencyStats | null;
  readonly serviceMs: LatencyStats;
  /** First attempt's intended send -> final outcome; null in version-1 runs. */
  readonly userWaitMs: LatencyStats | null;
}

/** One flow's sessions over the run. */
export interface FlowSummary {
  readonly firstStep: string | null;
  readonly arrivals: number;
  readonly dropped: number;
  readonly completed: number;
  readonly succeeded: number;
  /** Sessions that succeeded end to end per second of the run. */
  readonly goodputPerS: number;
}

/** Peaks of the three backlog series (reports/analysis/backlog-series.ts). */
export interface BacklogSummary {
  /** `gauges`: measured at each cut; `cumulative-estimate`: Σ offered − Σ answered (version 1). */
  readonly source: 'gauges' | 'cumulative-estimate';
  readonly peakAtTarget: number | null;
  readonly peakInClient: number | null;
  readonly peakInBackoff: number | null;
  /** Peak of at-target + in-client (or of the estimate), requests, and when (s from t0). */
  readonly peakTotal: number;
  readonly peakAtS: number | null;
}

/** One evaluated gate. */
export interface GateResult {
  readonly expr: string;
  readonly pass: boolean;
  /** The measured value in the gate's unit, or null when the step had no data. */
  readonly actual: number | null;
  readonly threshold: number;
  readonly unit: string;
  readonly message: string;
}

/** summary.json (schema: summary.schema.json). */
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
  readonly validity: Validity;
  /** Sessions offered by the arrival stream. */
  readonly arrivals: number;
  readonly started: number;
  readonly dropped: number;
  readonly completed: number;
  /** Sessions whose every step succeeded; null in version-1 runs. */
  readonly succeeded: number | null;
  readonly maxLatenessMs: number;
  /** Send lateness against the schedule, ms; null when the engine has no schedule. */
  readonly latenessMs: LatencyStats | null;
  readonly steps: Readonly<Record<string, StepSummary>>;
  /** Per flow name; null when the run did not record flows (version 1, imports). */
  readonly flows: Readonly<Record<string, FlowSummary>> | null;
  readonly backlog: BacklogSummary;
  readonly takedowns: readonly TakeDown[];
  /** Every step that fell behind outside planned outages, earliest first; null when none did. */
  readonly fellBehind: readonly FellBehind[] | null;
  /** Steps that stayed degraded below a load they had sustained; null when none. */
  readonly metastable: readonly MetastableHint[] | null;
  /** Gate results when gates were evaluated, else null. */
  readonly gates: readonly GateResult[] | null;
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  /** The mail pipeline's figures (docs/measurement.md#mail); absent when no mail sink ran. */
  readonly mail?: MailSummary;
}
