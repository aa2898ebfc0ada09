/**
 * The hot-path recorder of one shard (one worker thread or engine). It only counts and records
 * into preallocated WebAssembly histograms; `cut()` closes the current interval into a plain
 * `IntervalSnapshot` and resets everything for the next one. No allocation per recorded value.
 *
 * Not thread-safe and not meant to be: each shard owns one.
 */
import type { Histogram } from 'hdr-histogram-js';
import { countsByName, OUTCOME_CLASSES, type OutcomeIndex } from '../../harness/vocabulary/outcome.js';
import { clampUs, encodeHistogram, recordingHistogram } from './histogram-factory.js';
import type { IntervalSnapshot, StepInterval } from './interval-snapshot.js';

const OUTCOME_COUNT = OUTCOME_CLASSES.length;

interface StepSlot {
  readonly latency: Histogram;
  readonly service: Histogram;
  readonly outcomes: Float64Array;
  offered: number;
  retries: number;
  touched: boolean;
}

export class ShardRecorder {
  readonly #slots: StepSlot[];
  #arrivals = 0;
  #started = 0;
  #dropped = 0;
  #completed = 0;
  #maxLatenessUs = 0;
  readonly #lateness: Histogram = recordingHistogram();
  #destroyed = false;

  /** `stepCount`: number of distinct step names in the run (indices as in `RunMeta.steps`). */
  constructor(stepCount: number) {
    this.#slots = [];
    for (let i = 0; i < stepCount; i++) {
      this.#slots.push({
        latency: recordingHistogram(),
        service: recordingHistogram(),
        outcomes: new Float64Array(OUTCOME_COUNT),
        offered: 0,
        retries: 0,
        touched: false,
      });
    }
  }

  /** A request reached its intended send time (it may be sent late, but it was wanted now). */
  offered(step: number, isRetry: boolean): void {
    const s = this.#slots[step]!;
    s.offered++;
    if (isRetry) s.retries++;
    s.touched = true;
  }

  /**
   * A request finished. `latencyUs` runs from the intended send time, `serviceUs` from the actual
   * send; failures without a response (timeout, connect error) are recorded too, so the tail
   * shows what users waited before they saw the error.
   */
  request(step: number, outcome: OutcomeIndex, latencyUs: number, serviceUs: number): void {
    const s = this.#slots[step]!;
    s.latency.recordValue(clampUs(latencyUs));
    s.service.recordValue(clampUs(serviceUs));
    s.outcomes[outcome]!++;
    s.touched = true;
  }

  /** An outcome without a request of its own (a mailbox that never delivered). */
  outcomeOnly(step: number, outcome: OutcomeIndex): void {
    const s = this.#slots[step]!;
    s.outcomes[outcome]!++;
    s.touched = true;
  }

  arrival(started: boolean): void {
    this.#arrivals++;
    if (started) this.#started++;
    else this.#dropped++;
  }

  sessionDone(): void {
    this.#completed++;
  }

  lateness(us: number): void {
    if (us > this.#maxLatenessUs) this.#maxLatenessUs = us;
    this.#lateness.recordValue(clampUs(us));
  }

  /** Closes interval `index` spanning [startMs, endMs) (epoch ms) and starts a fresh one. */
  cut(index: number, startMs: number, endMs: number, inFlight: number): IntervalSnapshot {
    const steps: StepInterval[] = [];
    for (let i = 0; i < this.#slots.length; i++) {
      const s = this.#slots[i]!;
      if (!s.touched) continue;
      s.latency.startTimeStampMsec = startMs;
      s.latency.endTimeStampMsec = endMs;
      s.service.startTimeStampMsec = startMs;
      s.service.endTimeStampMsec = endMs;
      steps.push({
        step: i,
        latency: encodeHistogram(s.latency),
        service: encodeHistogram(s.service),
        outcomes: countsByName(s.outcomes),
        offered: s.offered,
        retries: s.retries,
      });
      s.latency.reset();
      s.service.reset();
      s.outcomes.fill(0);
      s.offered = 0;
      s.retries = 0;
      s.touched = false;
    }
    const snapshot: IntervalSnapshot = {
      index,
      startMs,
      endMs,
      arrivals: this.#arrivals,
      started: this.#started,
      dropped: this.#dropped,
      completed: this.#completed,
      inFlight,
      maxLatenessUs: this.#maxLatenessUs,
      ...(this.#lateness.totalCount > 0 ? { lateness: this.#encodeLateness(startMs, endMs) } : {}),
      steps,
    };
    this.#arrivals = 0;
    this.#started = 0;
    this.#dropped = 0;
    this.#completed = 0;
    this.#maxLatenessUs = 0;
    return snapshot;
  }

  #encodeLateness(startMs: number, endMs: number): string {
    const h = this.#lateness;
    h.startTimeStampMsec = startMs;
    h.endTimeStampMsec = endMs;
    const encoded = encodeHistogram(h);
    h.reset();
    return encoded;
  }

  /** Frees the WebAssembly memory. The recorder is unusable afterwards. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const s of this.#slots) {
      s.latency.destroy();
      s.service.destroy();
    }
    this.#lateness.destroy();
  }
}
