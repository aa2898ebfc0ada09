/**
 * The scheduler's interval clockwork: cuts the recorder at every interval boundary the loop
 * passes (in event order, so every count lands in the interval of its time), with the backlog
 * gauges as they stand at the cut, and ships each sealed snapshot. Sealing (the histogram
 * encoding) runs off the send path on the real clock: after the tick's sends, on setImmediate.
 *
 * The gauges (docs/measurement.md#backlog) are plain counters the scheduler moves as a request
 * changes state: queued in the client -> written (at the target) -> answered; a session in
 * backoff counts from its retry wait's start to its end.
 */
import type { GeneratorHealth, IntervalSnapshot } from '../../reports/recorder/interval-snapshot.js';
import type { ShardRecorder } from '../../reports/recorder/shard-recorder.js';
import type { Clock } from './clock.js';
import { SlotState } from './session-slot.js';

/** Where the cutter reads the figures it does not keep. */
export interface CutterDeps {
  readonly clock: Clock;
  readonly recorder: ShardRecorder;
  readonly intervalMs: number;
  /** Epoch ms of t0: interval bounds in snapshots are epoch ms. */
  readonly t0EpochMs: number;
  /** Sessions in flight at the cut. */
  readonly live: () => number;
  readonly onSnapshot: (s: IntervalSnapshot) => void;
  readonly health?: (() => GeneratorHealth) | undefined;
  /** Encode at the cut, inside the send loop (the lateness bench's "before" only). */
  readonly sealAtCut?: boolean | undefined;
}

/** Interval cuts and backlog gauges of one scheduler. */
export class IntervalCutter {
  /** Requests queued in the client (handed to the transport, not yet written). */
  inClient = 0;
  /** Requests written, not yet answered. */
  atTarget = 0;
  /** Sessions waiting out a retry backoff. */
  inBackoff = 0;
  readonly #d: CutterDeps;
  readonly #intervalNs: number;
  #interval = 0;
  /** End of the current interval, ns from t0: kept, not multiplied out at every event. */
  #nextCutNs = Number.POSITIVE_INFINITY;

  constructor(d: CutterDeps) {
    this.#d = d;
    this.#intervalNs = d.intervalMs * 1e6;
  }

  /** The run starts at `nowNs`: the first interval is the one it falls in. */
  start(nowNs: number): void {
    this.#interval = Math.max(0, Math.floor(nowNs / this.#intervalNs));
    this.#nextCutNs = (this.#interval + 1) * this.#intervalNs;
  }

  /** When the current interval ends, ns from t0. */
  get nextCutNs(): number {
    return this.#nextCutNs;
  }

  /** A request in state `state` ended (answered, failed or cancelled): its gauge goes down. */
  release(state: SlotState): void {
    if (state === SlotState.Queued) this.inClient--;
    else if (state === SlotState.AtTarget) this.atTarget--;
  }

  /** Cuts every interval that has ended by `t`. */
  advance(t: number): void {
    while (t >= this.nextCutNs) this.cut();
  }

  /** Cuts the current interval now (also the last, partial one at the run's end). */
  cut(): void {
    const i = this.#interval;
    const ms = this.#d.intervalMs;
    const t0 = this.#d.t0EpochMs;
    const earlier = this.#d.recorder.cut(
      i,
      t0 + i * ms,
      t0 + (i + 1) * ms,
      this.#d.live(),
      { atTarget: this.atTarget, inClient: this.inClient, inBackoff: this.inBackoff },
      this.#d.health?.(),
    );
    if (earlier) this.#d.onSnapshot(earlier);
    this.#interval = i + 1;
    // A double sum (the field is a double from its start value): exact, integers below 2^53.
    this.#nextCutNs += this.#intervalNs;
    if (this.#d.sealAtCut) this.ship();
  }

  /** Encodes the cut interval off the send path: after this tick's sends on the real clock. */
  sealSoon(): void {
    if (!this.#d.recorder.hasCut) return;
    if (this.#d.clock.kind === 'virtual') this.ship();
    else setImmediate(() => this.ship());
  }

  /** Seals and ships the cut interval, if any. */
  ship(): void {
    const s = this.#d.recorder.seal();
    if (s) this.#d.onSnapshot(s);
  }
}
