/**
 * The virtual Clock: time jumps from one alarm to the next, with no wall-clock pacing. Tests and
 * the reference model run on it, so timing truth is exact and independent of machine load.
 *
 * Alarms live in one indexed binary min-heap keyed by (time, set sequence): alarms due at the
 * same instant fire in the order they were set, so a run is deterministic. An alarm knows its
 * heap slot, so moving or clearing it is O(log n) and allocates nothing. A time in the past fires
 * at the current now (the clock never goes back).
 */
import type { Alarm, Clock } from './clock.js';

class VirtualAlarm implements Alarm {
  atNs = Number.POSITIVE_INFINITY;
  /** Order among alarms due at the same instant: the sequence of the `set` call. */
  seq = 0;
  /** Slot in the heap, -1 when not set. */
  slot = -1;
  readonly #clock: VirtualClock;
  readonly fire: (nowNs: number) => void;

  constructor(clock: VirtualClock, fire: (nowNs: number) => void) {
    this.#clock = clock;
    this.fire = fire;
  }

  set(atNs: number): void {
    this.#clock.schedule(this, atNs);
  }

  clear(): void {
    this.#clock.unschedule(this);
  }
}

/** A Clock whose time only moves when `run`/`runUntil` fire the next alarm. */
export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  #now = 0;
  #seq = 0;
  readonly #heap: VirtualAlarm[] = [];
  /** Alarms fired so far (event economy figures). */
  fired = 0;

  /** Starts at `startNs` (default 0 = the run's t0). */
  constructor(startNs = 0) {
    this.#now = startNs;
  }

  now(): number {
    return this.#now;
  }

  alarm(fire: (nowNs: number) => void): Alarm {
    return new VirtualAlarm(this, fire);
  }

  /** Alarms set now. */
  get pending(): number {
    return this.#heap.length;
  }

  /** Fires alarms in (time, sequence) order until none is set. Returns the number fired. */
  run(): number {
    return this.runUntil(Number.POSITIVE_INFINITY);
  }

  /**
   * Fires every alarm due at or before `tNs`, in (time, sequence) order, including alarms that
   * those callbacks set within the bound; then moves now to `tNs` (if finite and later). Returns
   * the number fired.
   */
  runUntil(tNs: number): number {
    let fired = 0;
    for (;;) {
      const top = this.#heap[0];
      if (top === undefined || top.atNs > tNs) break;
      this.#now = top.atNs;
      this.#remove(top);
      fired++;
      this.fired++;
      top.fire(this.#now);
    }
    if (Number.isFinite(tNs) && tNs > this.#now) this.#now = tNs;
    return fired;
  }

  /** @internal Sets `a` for `atNs` (clamped to now), after every alarm already due then. */
  schedule(a: VirtualAlarm, atNs: number): void {
    // A NaN time is a bug in the caller; firing it "now" would hide it.
    if (Number.isNaN(atNs)) throw new RangeError('VirtualClock: alarm set for NaN');
    const at = atNs > this.#now ? atNs : this.#now;
    if (a.slot >= 0) this.#remove(a);
    // Never due: the same as not set (run() would otherwise jump to Infinity).
    if (at === Number.POSITIVE_INFINITY) return;
    a.atNs = at;
    a.seq = this.#seq++;
    a.slot = this.#heap.length;
    this.#heap.push(a);
    this.#up(a.slot);
  }

  /** @internal Clears `a` if set. */
  unschedule(a: VirtualAlarm): void {
    if (a.slot >= 0) this.#remove(a);
  }

  #remove(a: VirtualAlarm): void {
    const heap = this.#heap;
    const i = a.slot;
    const last = heap.pop()!;
    a.slot = -1;
    a.atNs = Number.POSITIVE_INFINITY;
    if (last === a) return;
    heap[i] = last;
    last.slot = i;
    this.#up(i);
    this.#down(last.slot);
  }

  #up(i: number): void {
    const heap = this.#heap;
    const a = heap[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p]!;
      if (!before(a, parent)) break;
      heap[i] = parent;
      parent.slot = i;
      i = p;
    }
    heap[i] = a;
    a.slot = i;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const a = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && before(heap[r]!, heap[l]!) ? r : l;
      const c = heap[child]!;
      if (!before(c, a)) break;
      heap[i] = c;
      c.slot = i;
      i = child;
    }
    heap[i] = a;
    a.slot = i;
  }
}

/** Heap order: earlier time first, then earlier `set`. */
function before(a: VirtualAlarm, b: VirtualAlarm): boolean {
  return a.atNs < b.atNs || (a.atNs === b.atNs && a.seq < b.seq);
}
