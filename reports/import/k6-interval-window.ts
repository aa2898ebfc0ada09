/**
 * A sliding window of open intervals for points that arrive roughly, not strictly, in time order
 * (k6 VUs flush their samples independently). Memory is the window's step slots, whatever the
 * file's size. Intervals are on absolute boundaries (`t0` is a multiple of the interval in epoch
 * ms), so imports of different k6-operator pods land on the same intervals and merge exactly.
 *
 * A point older than the window's oldest open interval is counted into that oldest interval
 * (never dropped) and reported as late; a point past the newest open interval slides the window,
 * closing and handing over the intervals that fall out of it, empty ones included.
 *
 * Times: an attempt completes at its point's time and was offered at point time - its duration
 * (k6 sends when the session means to); a step's final outcome lands where it ended.
 */
import type { Profile } from '../../harness/profile/profile.js';
import type { StepInterval } from '../recorder/interval-snapshot.js';
import { StepSlot } from './k6-step-slot.js';

/** The window without a profile: k6's VUs flush about every second, so 10 s covers their disorder. */
const BASE_WINDOW_MS = 10_000;

/**
 * The default window: 10 s, or long enough to place every backdated start the profile allows
 * where it belongs, whichever is longer. An attempt is placed at point − duration (up to the
 * request timeout) and an await-mail step's start at point − its wait (up to the mail timeout
 * plus a last poll's request timeout), each written up to ~2 s after it ended (k6's flush). A
 * shorter window would fold those starts into the oldest open interval and smear the series.
 */
export function defaultWindowMs(profile: Profile | undefined): number {
  if (!profile) return BASE_WINDOW_MS;
  let mailS = 0;
  for (const f of profile.flows)
    for (const s of f.steps) if (s.kind === 'await-mail') mailS = Math.max(mailS, s.timeoutS);
  return Math.max(BASE_WINDOW_MS, (profile.client.requestTimeoutS + mailS + 2) * 1000);
}

/** Receives closed intervals in index order: the steps with any activity. */
export type IntervalSink = (index: number, startMs: number, endMs: number, steps: StepInterval[]) => void;

export class IntervalWindow {
  readonly #t0Ms: number;
  readonly #intervalMs: number;
  readonly #size: number;
  readonly #slots: StepSlot[][] = [];
  readonly #sink: IntervalSink;
  #lo = 0;
  #maxSeen = -1;
  /** Points counted into the oldest open interval because they were older than the window. */
  late = 0;

  /** `size`: number of open intervals (>= 1); `stepCount`: steps of the run meta. */
  constructor(t0Ms: number, intervalMs: number, size: number, stepCount: number, sink: IntervalSink) {
    this.#t0Ms = t0Ms;
    this.#intervalMs = intervalMs;
    this.#size = Math.max(1, Math.floor(size));
    this.#sink = sink;
    for (let i = 0; i < this.#size; i++) {
      const row: StepSlot[] = [];
      for (let s = 0; s < stepCount; s++) row.push(new StepSlot());
      this.#slots.push(row);
    }
  }

  /** The slot of `step` in the interval holding `timeMs`, after sliding the window if needed. */
  #slot(timeMs: number, step: number): StepSlot {
    let index = Math.floor((timeMs - this.#t0Ms) / this.#intervalMs);
    const hi = this.#lo + this.#size - 1;
    if (index > hi) this.#closeBelow(index - this.#size + 1);
    else if (index < this.#lo) {
      this.late++;
      index = this.#lo;
    }
    if (index > this.#maxSeen) this.#maxSeen = index;
    return this.#slots[index % this.#size]![step]!;
  }

  /**
   * One http request of `step` ending at `timeMs` after `ms` (k6's http_req_duration: both the
   * latency and the service time). `counted`: it is one of the step's attempts (an ok mailbox
   * poll is not: the mail wait is); `offered`: its send is one of the step's offered attempts.
   */
  request(
    timeMs: number,
    step: number,
    outcome: string,
    ms: number,
    retry: boolean,
    counted: boolean,
    offered: boolean,
  ): void {
    const us = ms * 1000;
    if (counted) this.#slot(timeMs, step).attempt(outcome, us, us);
    // An answered poll: k6 cannot tell which one carried the mail, so every one is a service time.
    else this.#slot(timeMs, step).serviceOnly(us);
    if (offered) this.#slot(timeMs - ms, step).offered(retry);
  }

  /** The await-mail step found its mail after `ms` from the step's start: its one ok attempt. */
  mailFound(timeMs: number, step: number, ms: number): void {
    this.#slot(timeMs, step).attempt('ok', ms * 1000, null);
  }

  /** A step ended with `outcome` after a user wait of `ms`; `offered`: count its start as offered. */
  final(timeMs: number, step: number, outcome: string, ms: number, offered: boolean): void {
    this.#slot(timeMs, step).final(outcome, ms * 1000);
    if (offered) this.#slot(timeMs - ms, step).offered(false);
  }

  /** `n` "no mail yet" answers. */
  polls(timeMs: number, step: number, n: number): void {
    this.#slot(timeMs, step).polls(n);
  }

  /** A stampede_outcomes point; `fromOk`: the request was recorded ok and the body was unusable. */
  outcomeOnly(timeMs: number, step: number, outcome: string, fromOk: boolean): void {
    this.#slot(timeMs, step).outcomeOnly(outcome, fromOk);
  }

  /** Closes every interval with index < `lo` that is still open. */
  #closeBelow(lo: number): void {
    // Empty intervals are handed over too, so the time series has no holes.
    for (let i = this.#lo; i < lo; i++) this.#emit(i);
    this.#lo = lo;
  }

  #emit(index: number): void {
    const row = this.#slots[index % this.#size]!;
    const start = this.#t0Ms + index * this.#intervalMs;
    const end = start + this.#intervalMs;
    const steps: StepInterval[] = [];
    row.forEach((slot, step) => {
      if (slot.touched) steps.push(slot.cut(step, start, end));
    });
    this.#sink(index, start, end, steps);
  }

  /**
   * Closes every open interval through `throughIndex` (at least the last one that received a
   * point), then frees the slots.
   */
  finish(throughIndex = -1): void {
    const last = Math.max(this.#maxSeen, throughIndex);
    // Past the newest open interval a slot is one already cut in this loop: empty.
    for (let i = this.#lo; i <= last; i++) this.#emit(i);
    this.#lo = last + 1;
    for (const row of this.#slots) for (const s of row) s.destroy();
  }
}
