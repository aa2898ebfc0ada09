/**
 * Mails waiting for their next attempt, ordered by due time (a binary min-heap): the reference
 * sender's retry queue. Retries with exponential backoff come due out of insertion order, so a
 * FIFO would not do.
 */

/** An item with the time (ms, the sender's clock) it is due. */
export interface Due<T> {
  readonly dueAt: number;
  readonly item: T;
}

/** A min-heap of due items. */
export class RetryQueue<T> {
  readonly #heap: Due<T>[] = [];

  /** Queues `item` for `dueAt`. */
  push(dueAt: number, item: T): void {
    const h = this.#heap;
    h.push({ dueAt, item });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent];
      const c = h[i];
      if (!p || !c || p.dueAt <= c.dueAt) break;
      h[parent] = c;
      h[i] = p;
      i = parent;
    }
  }

  /** Due time of the earliest item, or undefined when empty. */
  peekDue(): number | undefined {
    return this.#heap[0]?.dueAt;
  }

  /** Removes and returns the earliest item if it is due at `now`. */
  popDue(now: number): T | undefined {
    const top = this.#heap[0];
    if (!top || top.dueAt > now) return undefined;
    const h = this.#heap;
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if ((h[l]?.dueAt ?? Infinity) < (h[m]?.dueAt ?? Infinity)) m = l;
        if ((h[r]?.dueAt ?? Infinity) < (h[m]?.dueAt ?? Infinity)) m = r;
        if (m === i) break;
        const a = h[i];
        const b = h[m];
        if (!a || !b) break;
        h[i] = b;
        h[m] = a;
        i = m;
      }
    }
    return top.item;
  }

  /** Items waiting. */
  get size(): number {
    return this.#heap.length;
  }

  /** Drops every item. */
  clear(): void {
    this.#heap.length = 0;
  }
}
