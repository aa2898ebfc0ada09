/**
 * VirtualClock (the driver's, harness/driver/virtual-clock.ts): alarms fire in (time, set order),
 * past times fire at now, re-setting moves an alarm, clearing removes it, runUntil stops at its
 * bound. A property test holds the heap against
 * a naive model (a list searched for its minimum) over random set/clear sequences, including
 * alarms set from inside callbacks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../harness/driver/virtual-clock.js';

describe('VirtualClock', () => {
  it('fires in time order, ties in set order, and jumps now to each alarm', () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    const mk = (name: string) => clock.alarm((t) => log.push(`${name}@${t}`));
    const a = mk('a');
    const b = mk('b');
    const c = mk('c');
    const d = mk('d');
    c.set(30);
    a.set(10);
    b.set(30);
    d.set(20);
    expect(a.atNs).toBe(10);
    clock.run();
    expect(clock.fired).toBe(4);
    // c and b are both due at 30: c was set first.
    expect(log).toEqual(['a@10', 'd@20', 'c@30', 'b@30']);
    expect(clock.now()).toBe(30);
    expect(a.atNs).toBe(Number.POSITIVE_INFINITY);
  });

  it('fires an alarm set in the past at the current now, never going back', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    const late = clock.alarm((t) => seen.push(t));
    const first = clock.alarm(() => late.set(5));
    first.set(100);
    clock.run();
    expect(seen).toEqual([100]);
    expect(clock.now()).toBe(100);
  });

  it('moves an alarm when set again, fires it once, and forgets a cleared one', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    const a = clock.alarm((t) => seen.push(t));
    const b = clock.alarm(() => seen.push(-1));
    a.set(50);
    a.set(20);
    b.set(10);
    b.clear();
    expect(b.atNs).toBe(Number.POSITIVE_INFINITY);
    clock.run();
    expect(seen).toEqual([20]);
    expect(clock.fired).toBe(1);
  });

  it('an alarm re-set inside its own callback fires again; Infinity means not set', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    const a = clock.alarm((t) => {
      seen.push(t);
      if (t < 30) a.set(t + 10);
    });
    a.set(10);
    clock.alarm(() => undefined).set(Number.POSITIVE_INFINITY);
    clock.run();
    expect(seen).toEqual([10, 20, 30]);
    expect(clock.now()).toBe(30);
  });

  it('runUntil fires what is due up to its bound (inclusive) and then sets now to it', () => {
    const clock = new VirtualClock();
    const seen: number[] = [];
    for (const t of [5, 10, 15]) clock.alarm((n) => seen.push(n)).set(t);
    clock.runUntil(10);
    expect(seen).toEqual([5, 10]);
    expect(clock.now()).toBe(10);
    clock.runUntil(12);
    expect(seen).toEqual([5, 10]);
    expect(clock.now()).toBe(12);
    clock.run();
    expect(seen).toEqual([5, 10, 15]);
  });

  it('matches a naive model over random set/clear sequences, also from callbacks', () => {
    // An op: [alarm index, action, time]; actions: 0 = set, 1 = clear, 2 = set another from the callback.
    const op = fc.tuple(fc.nat(7), fc.nat(2), fc.nat(50));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.array(op, { maxLength: 40 }), (initial, inner) => {
        const got = simulateHeap(initial, inner);
        const want = simulateNaive(initial, inner);
        expect(got).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});

type Op = [number, number, number];

/** Runs the ops on VirtualClock; callbacks consume `inner` ops one per firing. */
function simulateHeap(initial: Op[], inner: Op[]): string[] {
  const clock = new VirtualClock();
  const log: string[] = [];
  let k = 0;
  const alarms = Array.from({ length: 8 }, (_, i) =>
    clock.alarm((t) => {
      log.push(`${i}@${t}`);
      const o = inner[k++];
      if (o) apply(o, t);
    }),
  );
  const apply = ([i, action, dt]: Op, now: number): void => {
    const a = alarms[i]!;
    if (action === 1) a.clear();
    else a.set(action === 2 ? now - dt : now + dt);
  };
  for (const o of initial) apply(o, 0);
  clock.run();
  return log;
}

/** The same on a list scanned for the (time, seq) minimum. */
function simulateNaive(initial: Op[], inner: Op[]): string[] {
  const due = new Map<number, { at: number; seq: number }>();
  let seq = 0;
  let now = 0;
  const log: string[] = [];
  let k = 0;
  const apply = ([i, action, dt]: Op): void => {
    if (action === 1) {
      due.delete(i);
      return;
    }
    const at = action === 2 ? now - dt : now + dt;
    due.set(i, { at: Math.max(at, now), seq: seq++ });
  };
  for (const o of initial) apply(o);
  for (;;) {
    let best: [number, { at: number; seq: number }] | undefined;
    for (const e of due) {
      if (!best || e[1].at < best[1].at || (e[1].at === best[1].at && e[1].seq < best[1].seq)) best = e;
    }
    if (!best) return log;
    due.delete(best[0]);
    now = best[1].at;
    log.push(`${best[0]}@${now}`);
    const o = inner[k++];
    if (o) apply(o);
  }
}
