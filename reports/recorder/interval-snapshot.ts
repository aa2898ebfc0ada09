/**
 * What a recording shard (a worker thread, an engine, an importer) ships for one closed
 * interval. Plain data, structured-clone friendly: histograms travel as compressed base64 HDR
 * payloads (µs), which add exactly on the receiving side; outcome classes travel by name.
 *
 * Version 2 (the run-directory schema v2): outcome counts are records keyed by class name, and
 * every step carries ok-only latency, user wait and final outcomes beside its attempts. Readers
 * ignore fields they do not know; optional fields are absent when a producer cannot know them
 * (an import has no client queue; a closed-model engine has no schedule).
 *
 * Definitions (docs/measurement.md):
 * - an attempt counts in the interval of its *completion*; `offered` in the interval of its
 *   *intended send time*;
 * - latency: intended send -> last byte; service: written to the socket -> last byte; user wait:
 *   the step's first attempt's intended time -> the step's final outcome.
 */

/** One step's figures over one interval. */
export interface StepInterval {
  /** Index into the run's step names (`RunMeta.steps`). */
  readonly step: number;
  /** Latency of every attempt that got an outcome from the backend (not target-error/cancelled). */
  readonly latency: string;
  /** Latency of the attempts that succeeded (`ok`) only. */
  readonly latencyOk?: string;
  /** Service time: written to the socket -> last byte (attempts that were written). */
  readonly service: string;
  /** User wait: step's first intended send -> its final outcome, one value per final outcome. */
  readonly userWait?: string;
  /** Attempts by outcome class name (sparse: zero counts left out). */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Final outcomes (after retries) by class name, counted when the step ends. */
  readonly finals?: Readonly<Record<string, number>>;
  /** Attempts whose intended send time fell in this interval (first attempts and retries). */
  readonly offered: number;
  /** Of those, retries. */
  readonly retries: number;
  /** await-mail: mailbox polls answered "no mail yet" in this interval (not attempts). */
  readonly polls?: number;
  /** reset-request: users who asked again because their mail had not come (flow patience). */
  readonly reRequests?: number;
}

/** One flow's session counts over one interval. */
export interface FlowInterval {
  /** Arrivals of this flow due in the interval. */
  readonly arrivals: number;
  /** Of those, turned away by the client's in-flight cap (they enter no latency figure). */
  readonly dropped: number;
  /** Sessions of this flow that ended in the interval (any way). */
  readonly completed: number;
  /** Of those, sessions whose every step succeeded (goodput). */
  readonly succeeded: number;
}

/**
 * Requests and sessions in each waiting state at the interval's end (gauges). Sessions in think
 * time or waiting between mailbox polls are in none of them: they are not backlog.
 */
export interface BacklogGauges {
  /** Written to the socket, not yet answered: the backlog at the target. */
  readonly atTarget: number;
  /** Due (intended send time passed), not yet written: queued in the client. */
  readonly inClient: number;
  /** Sessions waiting to retry (in backoff): the herd that returns after a take-down. */
  readonly inBackoff: number;
}

/** How the generator itself fared over the interval (validity). */
export interface GeneratorHealth {
  /** Event-loop delay p99 of the shard's thread, µs (from `monitorEventLoopDelay`). */
  readonly loopDelayP99Us: number;
  /** Share of the interval the shard's thread spent busy (event-loop utilization, 0..1). */
  readonly busy: number;
}

export interface IntervalSnapshot {
  /** Interval number from the run start: covers [index*intervalMs, (index+1)*intervalMs). */
  readonly index: number;
  /** Epoch ms (high resolution) of the interval's bounds, for the HdrHistogram log. */
  readonly startMs: number;
  readonly endMs: number;
  /** Arrivals due in this interval (offered sessions). */
  readonly arrivals: number;
  /** Sessions started (arrivals not dropped). */
  readonly started: number;
  /** Arrivals turned away by the in-flight cap. */
  readonly dropped: number;
  /** Sessions that finished (all steps done or given up). */
  readonly completed: number;
  /** Of those, sessions whose every step succeeded. */
  readonly succeeded?: number;
  /** Sessions in flight at the end of the interval. */
  readonly inFlight: number;
  /** Waiting states at the end of the interval; absent when the producer cannot see them. */
  readonly backlog?: BacklogGauges;
  /** Worst lateness of a send against its schedule in this interval, µs. */
  readonly maxLatenessUs: number;
  /**
   * Lateness of every send due in this interval (µs, compressed base64 HDR): how far behind its
   * schedule the shard sent it. Absent when the engine has no send schedule (closed model, imports).
   */
  readonly lateness?: string;
  readonly health?: GeneratorHealth;
  /** Per flow name; absent in version-1 data. */
  readonly flows?: Readonly<Record<string, FlowInterval>>;
  /** Messages thrown by target code in this interval, with their counts (at most a few distinct). */
  readonly targetErrors?: Readonly<Record<string, number>>;
  /** Steps with any activity in the interval. */
  readonly steps: readonly StepInterval[];
}
