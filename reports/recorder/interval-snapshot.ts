/**
 * What a recording shard (a worker thread, an engine) ships for one closed interval. Plain data,
 * structured-clone friendly: histograms travel as compressed base64 HDR payloads, which add
 * exactly on the receiving side.
 */

/** Latency and outcome figures of one step over one interval. */
export interface StepInterval {
  /** Index into the run's step names (`RunMeta.steps`). */
  readonly step: number;
  /** Latency from the intended send time (coordinated-omission free), µs, compressed base64 HDR. */
  readonly latency: string;
  /** Service time from the actual send, µs, compressed base64 HDR. */
  readonly service: string;
  /** Counts per outcome class, indexed as `OUTCOME_CLASSES`. */
  readonly outcomes: readonly number[];
  /** Requests whose intended send time fell in this interval (first attempts and retries). */
  readonly offered: number;
  /** Of those, retries. */
  readonly retries: number;
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
  /** Sessions in flight at the end of the interval. */
  readonly inFlight: number;
  /** Worst lateness of a send against its schedule in this interval, µs. */
  readonly maxLatenessUs: number;
  /**
   * Lateness of every arrival due in this interval (µs, compressed base64 HDR): how far behind its
   * schedule the shard started it. Absent when the engine has no send schedule (closed model, imports).
   */
  readonly lateness?: string;
  /** Steps with any activity in the interval. */
  readonly steps: readonly StepInterval[];
}
