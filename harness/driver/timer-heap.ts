/**
 * A binary min-heap of due times. One heap per shard holds every pending wake-up (think times,
 * retry backoffs, mailbox polls, request deadlines), so the shard needs a single OS timer however
 * many sessions wait: thousands of `setTimeout`s would cost more and fire less precisely.
 *
 * Times and items live in parallel arrays: pushing and popping allocates nothing once grown.
 */
export class TimerHeap<T> {
  #times: number[] = [];
  #items: T[] = [];

  get size(): number {
    return this.#times.length;
  }

  /** Due time of the earliest entry, or Infinity when empty. */
  peekTime(): number {
    return this.#times.length > 0 ? this.#times[0]! : Number.POSITIVE_INFINITY;
  }

  push(dueNs: number, item: T): void {
    const times = this.#times;
    const items = this.#items;
    let i = times.length;
    times.push(dueNs);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! <= dueNs) break;
      times[i] = times[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    times[i] = dueNs;
    items[i] = item;
  }

  /** Removes and returns the earliest item; the heap must not be empty. */
  pop(): T {
    const times = this.#times;
    const items = this.#items;
    const top = items[0]!;
    const lastTime = times.pop()!;
    const lastItem = items.pop()!;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && times[r]! < times[l]! ? r : l;
        if (times[c]! >= lastTime) break;
        times[i] = times[c]!;
        items[i] = items[c]!;
        i = c;
      }
      times[i] = lastTime;
      items[i] = lastItem;
    }
    return top;
  }

  clear(): void {
    this.#times.length = 0;
    this.#items.length = 0;
  }
}
