/**
 * The scheduler's calendar queue pops in exact time order, whatever mix it is given: waits within
 * one bucket (~1 ms) and across many, past times (before the bucket reached), waits beyond the
 * horizon (~275 s: a 30-minute mail wait) that must come back into the ring, pushes after the
 * queue ran ahead over empty buckets, and a clear. The truth is a sort of everything pushed.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../harness/arrivals/rng.js';
import { CalendarQueue } from '../../harness/driver/calendar-queue.js';

interface Entry {
  readonly t: number;
  readonly id: number;
}

/** Pushes and pops at random, `now` following what was popped; returns popped times and the truth. */
function exercise(seed: number, ops: number, spreadNs: (u: number) => number) {
  const rng = new Rng(seed);
  const rnd = (): number => rng.float();
  const q = new CalendarQueue<Entry>();
  const pending: Entry[] = [];
  const popped: Entry[] = [];
  let now = 1e9 * rnd();
  let id = 0;
  for (let i = 0; i < ops; i++) {
    if (pending.length > 0 && rnd() < 0.45) {
      const peek = q.peekTime();
      const e = q.pop();
      expect(e.t).toBe(peek);
      // The truth: the earliest pending time (ties may pop in any order among themselves).
      const min = Math.min(...pending.map((p) => p.t));
      expect(e.t).toBe(min);
      pending.splice(pending.indexOf(e), 1);
      popped.push(e);
      now = Math.max(now, e.t);
    } else {
      const e = { t: now + spreadNs(rnd()), id: id++ };
      pending.push(e);
      q.push(e.t, e);
    }
    expect(q.size).toBe(pending.length);
  }
  while (pending.length > 0) {
    const min = Math.min(...pending.map((p) => p.t));
    const e = q.pop();
    expect(e.t).toBe(min);
    pending.splice(pending.indexOf(e), 1);
  }
  expect(q.size).toBe(0);
  expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
  return popped.length;
}

describe('CalendarQueue order', () => {
  it('pops think times and backoffs (0-60 s) in time order', () => {
    expect(exercise(1, 4000, (u) => u * 60e9)).toBeGreaterThan(1000);
  });

  it('pops waits within one bucket, ties and past times (due before now) in time order', () => {
    // 0.5 ms spread around now, a third of them in the past, a quarter on one instant.
    exercise(2, 4000, (u) => (u < 0.25 ? 0 : (u - 0.33) * 5e5));
  });

  it('brings waits beyond the horizon (up to 40 min) back in order, mixed with near ones', () => {
    exercise(3, 4000, (u) => (u < 0.3 ? u * 2400e9 * 3.3 : u * 30e9));
  });

  it('keeps order when pushes land before a cursor that ran ahead over empty buckets', () => {
    const q = new CalendarQueue<string>();
    q.push(100e9, 'far');
    // The queue runs ahead to the 100 s bucket to answer the peek...
    expect(q.peekTime()).toBe(100e9);
    // ...then a session answered at 1 s thinks until 2 s and 50 s.
    q.push(50e9, 'b');
    q.push(2e9, 'a');
    q.push(100e9 + 1, 'far+1');
    expect([q.pop(), q.pop(), q.pop(), q.pop()]).toEqual(['a', 'b', 'far', 'far+1']);
  });

  it('starts afresh after clear, at any time', () => {
    const q = new CalendarQueue<number>();
    for (let i = 0; i < 100; i++) q.push(5e12 + i * 1e9, i);
    q.pop();
    q.clear();
    expect(q.size).toBe(0);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
    q.push(3e9, 2);
    q.push(1e9, 1);
    q.push(3000e9, 3);
    expect([q.pop(), q.pop(), q.pop()]).toEqual([1, 2, 3]);
  });
});
