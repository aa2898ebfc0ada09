/**
 * A sliding window of open intervals for points that arrive roughly, not strictly, in time order
 * (k6 VUs flush their samples independently). Memory is the window's recorders, whatever the
 * file's size. Intervals are on absolute boundaries (`t0` is a multiple of the interval in epoch
 * ms), so imports of different k6-operator pods land on the same intervals and merge exactly.
 *
 * A point older than the window's oldest open interval is counted into that oldest interval
 * (never dropped) and reported as late; a point past the newest open interval slides the window,
 * closing and handing over the intervals that fall out of it, empty ones included.
 */
import { Outcome, type OutcomeIndex } from '../../harness/vocabulary/outcome.js';
import type { IntervalSnapshot, StepInterval } from '../recorder/interval-snapshot.js';
import { ShardRecorder } from '../recorder/shard-recorder.js';

/** The one flow name an import records under (k6 output does not name the flow). */
const K6_FLOW = 'k6';

/** Receives closed intervals in index order. */
export type IntervalSink = (snapshot: IntervalSnapshot) => void;

export class IntervalWindow {
  readonly #t0Ms: number;
  readonly #intervalMs: number;
  readonly #size: number;
  readonly #stepCount: number;
  readonly #recorders: ShardRecorder[] = [];
  /** Per slot and step: ok outcomes to turn into `invalid` at the cut (k6 saw 2xx, body unusable). */
  readonly #invalid: Int32Array[] = [];
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
    this.#stepCount = stepCount;
    this.#sink = sink;
    for (let i = 0; i < this.#size; i++) {
      this.#recorders.push(new ShardRecorder(stepCount, [K6_FLOW]));
      this.#invalid.push(new Int32Array(stepCount));
    }
  }

  /** The recorder of the interval holding `timeMs`, after sliding the window if needed. */
  #slot(timeMs: number): number {
    let index = Math.floor((timeMs - this.#t0Ms) / this.#intervalMs);
    const hi = this.#lo + this.#size - 1;
    if (index > hi) this.#closeBelow(index - this.#size + 1);
    else if (index < this.#lo) {
      this.late++;
      index = this.#lo;
    }
    if (index > this.#maxSeen) this.#maxSeen = index;
    return index % this.#size;
  }

  /** One request of `step` that took `ms` (k6 measures from the actual send: both histograms). */
  request(timeMs: number, step: number, outcome: OutcomeIndex, ms: number, retry: boolean): void {
    const r = this.#recorders[this.#slot(timeMs)]!;
    const us = ms * 1000;
    r.offered(step, retry);
    r.attempt(step, outcome, us, us);
  }

  /** A stampede_outcomes point: a mail that never came, or a body the flow could not use. */
  outcomeOnly(timeMs: number, step: number, outcome: OutcomeIndex): void {
    const slot = this.#slot(timeMs);
    this.#recorders[slot]!.attemptCount(step, outcome);
    if (outcome === Outcome.invalid) this.#invalid[slot]![step]!++;
  }

  /** An iteration (k6 emits it when the iteration ends): arrived, started and completed. */
  iteration(timeMs: number): void {
    const r = this.#recorders[this.#slot(timeMs)]!;
    r.arrival(0, true);
    r.sessionDone(0, false);
  }

  /** An arrival k6 could not start (no free VU). */
  dropped(timeMs: number): void {
    this.#recorders[this.#slot(timeMs)]!.arrival(0, false);
  }

  /** Closes every interval with index < `lo` that is still open. */
  #closeBelow(lo: number): void {
    // Empty intervals are handed over too, so the time series has no holes.
    for (let i = this.#lo; i < lo; i++) this.#emit(i);
    this.#lo = lo;
  }

  #emit(index: number): void {
    const slot = index % this.#size;
    const start = this.#t0Ms + index * this.#intervalMs;
    const rec = this.#recorders[slot]!;
    rec.cut(index, start, start + this.#intervalMs, 0);
    const snap = rec.seal()!;
    const adjust = this.#invalid[slot]!;
    let steps: readonly StepInterval[] = snap.steps;
    if (adjust.some((n) => n > 0)) {
      // The request itself was recorded ok; the flow then found its body unusable.
      steps = snap.steps.map((s) => {
        const n = Math.min(adjust[s.step] ?? 0, s.outcomes['ok'] ?? 0);
        if (n === 0) return s;
        const outcomes: Record<string, number> = { ...s.outcomes, ok: (s.outcomes['ok'] ?? 0) - n };
        return { ...s, outcomes };
      });
      adjust.fill(0);
    }
    // k6 says neither which flow an iteration ran nor whether its every step succeeded: leave
    // goodput and flows out (null in the summary) rather than report zeros.
    const { succeeded: _unknown, flows: _noFlows, ...known } = snap;
    this.#sink({ ...known, steps });
  }

  /** Closes every open interval up to the last one that received a point, and frees the recorders. */
  finish(): void {
    for (let i = this.#lo; i <= this.#maxSeen; i++) this.#emit(i);
    this.#lo = this.#maxSeen + 1;
    for (const r of this.#recorders) r.destroy();
  }

  /** Steps in the run (for callers that validate indices). */
  get stepCount(): number {
    return this.#stepCount;
  }
}
