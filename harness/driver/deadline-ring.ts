/**
 * Request deadlines in send order. Every request of a shard has the same timeout, so deadlines
 * are due in the order requests were sent: a FIFO ring replaces a heap, and a request that
 * finishes clears its slot, so a completed session is not kept alive (and promoted by the GC)
 * until its deadline would have passed.
 *
 * Entries are addressed by a monotonic ticket; slot = ticket & mask. No allocation once grown.
 */
export class DeadlineRing<T> {
  #times = new Float64Array(1024);
  #items: (T | null)[] = new Array(1024).fill(null);
  #mask = 1023;
  /** Ticket of the oldest entry still held. */
  #first = 0;
  /** Ticket the next push gets. */
  #next = 0;

  get size(): number {
    return this.#next - this.#first;
  }

  /** Adds an item due at `dueNs` (not earlier than any item before it); returns its ticket. */
  push(dueNs: number, item: T): number {
    if (this.#next - this.#first > this.#mask) this.#grow();
    const t = this.#next++;
    this.#times[t & this.#mask] = dueNs;
    this.#items[t & this.#mask] = item;
    return t;
  }

  /** Forgets the entry of `ticket` (its request finished); a ticket already popped is ignored. */
  clear(ticket: number): void {
    if (ticket >= this.#first && ticket < this.#next) this.#items[ticket & this.#mask] = null;
  }

  /** Due time of the oldest live entry, or Infinity. Drops cleared entries at the head. */
  peekTime(): number {
    while (this.#first < this.#next && this.#items[this.#first & this.#mask] === null) this.#first++;
    return this.#first < this.#next ? this.#times[this.#first & this.#mask]! : Number.POSITIVE_INFINITY;
  }

  /** Removes and returns the oldest live entry; call after `peekTime()` said one is due. */
  pop(): T | null {
    if (this.peekTime() === Number.POSITIVE_INFINITY) return null;
    const slot = this.#first & this.#mask;
    const item = this.#items[slot]!;
    this.#items[slot] = null;
    this.#first++;
    return item;
  }

  #grow(): void {
    const cap = (this.#mask + 1) * 2;
    const times = new Float64Array(cap);
    const items: (T | null)[] = new Array(cap).fill(null);
    for (let t = this.#first; t < this.#next; t++) {
      times[t & (cap - 1)] = this.#times[t & this.#mask]!;
      items[t & (cap - 1)] = this.#items[t & this.#mask]!;
    }
    this.#times = times;
    this.#items = items;
    this.#mask = cap - 1;
  }
}
