/**
 * The scheduler's queue of pending wake-ups (think times, retry backoffs, mailbox polls): a
 * calendar queue. A simulated day holds 1-3 M waiting sessions, and a binary heap that size pops
 * through ~21 levels of two 8-16 MB arrays, a cache miss at most of them: it was 15 % of a
 * simulation's CPU, the largest single item. Here a wait due within the horizon is appended to
 * the list of its time bucket (one write); only the bucket being reached is ordered, in a small
 * heap (`#front`). Waits beyond the horizon (a 30-minute mail wait or take-down) wait in a heap
 * of their own and move into their bucket as the horizon reaches them.
 *
 * Order is exact: every entry of an earlier bucket pops before any of a later one, and within
 * the front by time. An entry due before the bucket reached (a past time, or one pushed after the
 * queue ran ahead over empty buckets) goes straight into the front. Entries due at the same
 * instant pop in an order that is deterministic but not their push order (as with the heap).
 * Pushing and popping allocate nothing once grown.
 */
import { TimerHeap } from './timer-heap.js';

/** Width of a bucket: 2^20 ns (~1.05 ms). */
const BUCKET_NS = 2 ** 20;
/** Buckets in the ring: 2^18, a horizon of ~275 s past the bucket reached. */
const BUCKETS = 2 ** 18;
const MASK = BUCKETS - 1;
const NONE = -1;

/** A min-queue of due times with TimerHeap's interface (see the file's head). */
export class CalendarQueue<T> {
  /** First node of each bucket's list, NONE when empty. */
  readonly #head = new Int32Array(BUCKETS).fill(NONE);
  /** Per node: due time, item, next node of its bucket (or of the free list). */
  #times = new Float64Array(1024);
  #next = new Int32Array(1024).fill(NONE);
  #items: (T | undefined)[] = new Array<T | undefined>(1024).fill(undefined);
  #free = NONE;
  #used = 0;
  /** Entries in the ring's lists. */
  #inRing = 0;
  /** Absolute number of the bucket reached: every entry of earlier buckets is in `#front`. */
  #cursor = 0;
  #started = false;
  readonly #front = new TimerHeap<T>();
  readonly #far = new TimerHeap<T>();

  get size(): number {
    return this.#inRing + this.#front.size + this.#far.size;
  }

  /** Due time of the earliest entry, or Infinity when empty. */
  peekTime(): number {
    if (this.#front.size === 0) this.#refill();
    return this.#front.peekTime();
  }

  push(dueNs: number, item: T): void {
    const b = Math.floor(dueNs / BUCKET_NS);
    if (!this.#started) {
      this.#started = true;
      if (Number.isFinite(b)) this.#cursor = b;
    }
    if (b <= this.#cursor) this.#front.push(dueNs, item);
    else if (b - this.#cursor < BUCKETS) this.#link(b, dueNs, item);
    else this.#far.push(dueNs, item);
  }

  /** Removes and returns the earliest item; the queue must not be empty. */
  pop(): T {
    if (this.#front.size === 0) this.#refill();
    return this.#front.pop();
  }

  clear(): void {
    this.#head.fill(NONE);
    this.#items.fill(undefined);
    this.#free = NONE;
    this.#used = 0;
    this.#inRing = 0;
    this.#started = false;
    this.#front.clear();
    this.#far.clear();
  }

  /** The front is empty: moves the cursor to the next bucket with entries and orders them. */
  #refill(): void {
    while (this.#front.size === 0) {
      if (this.#inRing === 0) {
        // Nothing within the horizon: jump to the far heap's first entry (or stay: empty queue).
        if (this.#far.size === 0) return;
        this.#cursor = Math.max(this.#cursor + 1, Math.floor(this.#far.peekTime() / BUCKET_NS));
      } else this.#cursor++;
      this.#pullFar();
      this.#drain(this.#cursor & MASK);
    }
  }

  /** Far entries the horizon now reaches move into their buckets (or the front). */
  #pullFar(): void {
    const far = this.#far;
    const limitNs = (this.#cursor + BUCKETS) * BUCKET_NS;
    while (far.size > 0 && far.peekTime() < limitNs) {
      const t = far.peekTime();
      const item = far.pop();
      const b = Math.floor(t / BUCKET_NS);
      if (b <= this.#cursor) this.#front.push(t, item);
      else this.#link(b, t, item);
    }
  }

  /** Moves bucket `slot`'s list into the front heap. */
  #drain(slot: number): void {
    let n = this.#head[slot]!;
    if (n === NONE) return;
    this.#head[slot] = NONE;
    const times = this.#times;
    const next = this.#next;
    const items = this.#items;
    const front = this.#front;
    while (n !== NONE) {
      const after = next[n]!;
      front.push(times[n]!, items[n] as T);
      items[n] = undefined;
      next[n] = this.#free;
      this.#free = n;
      this.#inRing--;
      n = after;
    }
  }

  #link(b: number, dueNs: number, item: T): void {
    let n = this.#free;
    if (n !== NONE) this.#free = this.#next[n]!;
    else {
      if (this.#used === this.#times.length) this.#grow();
      n = this.#used++;
    }
    const slot = b & MASK;
    this.#times[n] = dueNs;
    this.#items[n] = item;
    this.#next[n] = this.#head[slot]!;
    this.#head[slot] = n;
    this.#inRing++;
  }

  #grow(): void {
    const size = this.#times.length * 2;
    const times = new Float64Array(size);
    times.set(this.#times);
    const next = new Int32Array(size).fill(NONE);
    next.set(this.#next);
    this.#times = times;
    this.#next = next;
    const items = this.#items;
    for (let i = items.length; i < size; i++) items.push(undefined);
  }
}
