/**
 * The deadline ring hands back live entries in push order, skips cleared ones, ignores stale
 * tickets, and keeps both through growth.
 */
import { describe, expect, it } from 'vitest';
import { DeadlineRing } from '../../harness/driver/deadline-ring.js';

describe('DeadlineRing', () => {
  it('pops live entries in order, skipping cleared ones, across growth', () => {
    const ring = new DeadlineRing<number>();
    const tickets: number[] = [];
    for (let i = 0; i < 5000; i++) tickets.push(ring.push(i * 10, i));
    for (let i = 0; i < 5000; i += 3) ring.clear(tickets[i]!);
    const out: number[] = [];
    while (ring.peekTime() <= 50_000) {
      const v = ring.pop();
      if (v !== null) out.push(v);
    }
    expect(out).toEqual(Array.from({ length: 5000 }, (_, i) => i).filter((i) => i % 3 !== 0));
    expect(ring.peekTime()).toBe(Number.POSITIVE_INFINITY);
    expect(ring.pop()).toBeNull();
  });

  it('ignores a ticket already popped, and stops at entries not yet due', () => {
    const ring = new DeadlineRing<string>();
    const a = ring.push(1, 'a');
    ring.push(2, 'b');
    ring.push(9, 'c');
    expect(ring.pop()).toBe('a');
    ring.clear(a); // already gone: must not clear anything else
    expect(ring.peekTime()).toBe(2);
    expect(ring.pop()).toBe('b');
    expect(ring.peekTime()).toBe(9);
    expect(ring.size).toBe(1);
  });
});
