/**
 * The timer heap pops in time order: against a reference that keeps every pending entry and takes
 * out the earliest, over random interleavings of pushes and pops (with ties, Infinity,
 * and sizes that cross every growth), each pop's time is the reference's minimum and its item one
 * of the entries due then; at the end both hold the same entries.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../harness/arrivals/rng.js';
import { TimerHeap } from '../../harness/driver/timer-heap.js';

describe('TimerHeap', () => {
  it('is empty at first and after clear', () => {
    const h = new TimerHeap<number>();
    expect(h.size).toBe(0);
    expect(h.peekTime()).toBe(Number.POSITIVE_INFINITY);
    h.push(5, 1);
    h.clear();
    expect(h.size).toBe(0);
    expect(h.peekTime()).toBe(Number.POSITIVE_INFINITY);
    h.push(3, 7);
    expect(h.pop()).toBe(7);
  });

  for (const [seed, ops, tieEvery] of [
    [1, 5_000, 1],
    [2, 20_000, 7],
    [3, 50_000, 1000],
  ] as const) {
    it(`pops the earliest entry every time (seed ${seed}, ${ops} operations)`, () => {
      const rng = new Rng(seed);
      const h = new TimerHeap<number>();
      const pending = new Map<number, number>(); // item -> time
      let item = 0;
      for (let k = 0; k < ops; k++) {
        // Pushes outnumber pops 3:2, so the heap grows through several doublings.
        if (pending.size === 0 || rng.float() < 0.6) {
          const r = rng.float();
          const t =
            r < 0.01 ? Number.POSITIVE_INFINITY : Math.floor(rng.float() * (ops / tieEvery)) * tieEvery;
          h.push(t, item);
          pending.set(item, t);
          item++;
        } else {
          let min = Number.POSITIVE_INFINITY;
          for (const t of pending.values()) if (t < min) min = t;
          expect(h.peekTime()).toBe(min);
          const got = h.pop();
          expect(pending.get(got), `item ${got}`).toBe(min);
          pending.delete(got);
        }
        expect(h.size).toBe(pending.size);
      }
      const rest: number[] = [];
      while (h.size > 0) rest.push(h.pop());
      expect(rest.sort((a, b) => a - b)).toEqual([...pending.keys()].sort((a, b) => a - b));
    });
  }
});
