import type { MailSummary } from './mail-summary.js';

/**
 * What a run directory knows about the run before the first interval: written by the driver at
 * the start (`RunWriter.create`), read by every renderer, gate, compare and merge.
 */

/** How latency was measured by the engine that produced a run. */
export type LatencyModel =
  /** Open model: latency from each request's intended send time (coordinated-omission free). */
  | 'intended-time'
  /** Closed model (autocannon): latency from the actual send; a stall hides behind it. */
  | 'service-time'
  /** Imported from k6 (`http_req_duration`, from the actual send; arrival-rate scenarios). */
  | 'k6-import'
  /** `stampede simulate`: intended-time latency against the reference model in virtual time. */
  | 'simulated';

/** meta.json: what a run directory knows before its first interval. */
export interface RunMeta {
  readonly profile: { readonly name: string; readonly file: string; readonly hash: string };
  /** Target name (`reference`, `http:<file>`, `module:<path>`, `k6-import`). */
  readonly target: string;
  /** Engine (`undici`, `autocannon`, `k6`). */
  readonly engine: string;
  readonly latencyModel: LatencyModel;
  /** ISO time of the run's t0. */
  readonly startedAt: string;
  /** Epoch ms (high resolution) of t0; interval i covers [t0 + i*intervalMs, t0 + (i+1)*intervalMs). */
  readonly t0Ms: number;
  readonly intervalMs: number;
  /** Step names, the index space of `StepInterval.step`. */
  readonly steps: readonly string[];
  /**
   * The profile's flows and their steps in order (names of `steps`): how dropped arrivals are
   * attributed to a flow's first step. Absent in version-1 directories and imports.
   */
  readonly flows?: readonly { readonly name: string; readonly steps: readonly string[] }[];
  /** Planned duration of the arrival stream, seconds. */
  readonly plannedDurationS: number;
  /** Shard of the arrival stream this run covers; absent = the whole stream. */
  readonly shard?: { readonly index: number; readonly count: number };
  readonly workers: number;
  /** Outage windows, seconds from t0, for shading and for recovery analysis. */
  readonly outages: readonly {
    readonly name: string;
    readonly startS: number;
    readonly durationS: number;
    readonly regions: readonly string[];
  }[];
  /** Offered arrival rate planned by the profile, one value per interval (arrivals/s). */
  readonly plannedRatePerS: readonly number[];
  /** Engine/target capacity settings worth keeping beside the result (e.g. reference admin workers). */
  readonly settings: Readonly<Record<string, string | number | boolean>>;
}

/** How a run ended. */
export interface RunEnd {
  /** Interrupted (Ctrl-C, SIGTERM, abortOnFail, a fatal error): partial results. */
  readonly aborted: boolean;
  /** Why it was aborted, or null. */
  readonly abortReason: string | null;
  /** Problems that make results incomplete without stopping the run (a worker died...). */
  readonly degraded: readonly string[];
  /** What the mail sink saw (targets that are a MailSource), for summary.json's `mail`. */
  readonly mail?: MailSummary;
  /** Workers that died, each with the share of the whole arrival stream it left undriven. */
  readonly workersLost?: readonly {
    readonly worker: number;
    readonly reason: string;
    readonly lostShare: number;
  }[];
}

/** A server-side figure scraped from the target's metrics endpoint. */
export interface TargetMetricsSample {
  /** Epoch ms. */
  readonly atMs: number;
  /** Metric name (with labels flattened as `name{label="v"}`) -> value. */
  readonly values: Readonly<Record<string, number>>;
}
