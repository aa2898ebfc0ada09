/**
 * Virtual time: the clock jumps from event to event. Alarms due at the same instant fire in the
 * order they were set (a sequence number breaks ties), so a run is deterministic to the event.
 * Used by the exact tests of the scheduler and sessions and by `stampede simulate`.
 *
 * Entries live in parallel arrays of a binary heap; an alarm that is set again leaves its old
 * entry behind, recognised as stale by its generation. Setting allocates nothing once grown.
 */
import type { Alarm, Clock } from './clock.js';

export class VirtualClock implements Clock {
  readonly kind = 'virtual';
  #now = 0;
  #seq = 0;
  #times: number[] = [];
  #seqs: number[] = [];
  #gens: number[] = [];
  #alarms: VirtualAlarm[] = [];
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

  /** Number of pending entries (stale ones included). */
  get pending(): number {
    return this.#times.length;
  }

  /** Fires every alarm in time order until none is set; returns how many fired. */
  run(): number {
    return this.runUntil(Number.POSITIVE_INFINITY);
  }

  /** Fires alarms due at or before `tNs` in order, then sets now to `tNs` (if finite); returns how many fired. */
  runUntil(tNs: number): number {
    const before = this.fired;
    while (this.#times.length > 0 && this.#times[0]! <= tNs) {
      const at = this.#times[0]!;
      const gen = this.#gens[0]!;
      const alarm = this.#alarms[0]!;
      this.#pop();
      if (alarm.gen !== gen || alarm.atNs === Number.POSITIVE_INFINITY) continue;
      if (at > this.#now) this.#now = at;
      alarm.atNs = Number.POSITIVE_INFINITY;
      this.fired++;
      alarm.fire(this.#now);
    }
    if (Number.isFinite(tNs) && tNs > this.#now) this.#now = tNs;
    return this.fired - before;
  }

  /** @internal: VirtualAlarm.set. */
  push(atNs: number, alarm: VirtualAlarm): void {
    const t = atNs < this.#now ? this.#now : atNs;
    const seq = this.#seq++;
    const times = this.#times;
    let i = times.length;
    times.push(t);
    this.#seqs.push(seq);
    this.#gens.push(alarm.gen);
    this.#alarms.push(alarm);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.#lessThan(p, t, seq)) break;
      this.#move(p, i);
      i = p;
    }
    this.#place(i, t, seq, alarm.gen, alarm);
  }

  #move(from: number, to: number): void {
    this.#times[to] = this.#times[from]!;
    this.#seqs[to] = this.#seqs[from]!;
    this.#gens[to] = this.#gens[from]!;
    this.#alarms[to] = this.#alarms[from]!;
  }

  #place(i: number, t: number, seq: number, gen: number, alarm: VirtualAlarm): void {
    this.#times[i] = t;
    this.#seqs[i] = seq;
    this.#gens[i] = gen;
    this.#alarms[i] = alarm;
  }

  #pop(): void {
    const last = this.#times.length - 1;
    const t = this.#times[last]!;
    const seq = this.#seqs[last]!;
    const gen = this.#gens[last]!;
    const alarm = this.#alarms[last]!;
    this.#times.pop();
    this.#seqs.pop();
    this.#gens.pop();
    this.#alarms.pop();
    if (last === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const c = r < last && this.#lessThan(r, this.#times[l]!, this.#seqs[l]!) ? r : l;
      if (!this.#lessThan(c, t, seq)) break;
      this.#move(c, i);
      i = c;
    }
    this.#place(i, t, seq, gen, alarm);
  }

  #lessThan(i: number, t: number, seq: number): boolean {
    const ti = this.#times[i]!;
    return ti < t || (ti === t && this.#seqs[i]! < seq);
  }
}

class VirtualAlarm implements Alarm {
  readonly #clock: VirtualClock;
  readonly fire: (nowNs: number) => void;
  atNs = Number.POSITIVE_INFINITY;
  gen = 0;

  constructor(clock: VirtualClock, fire: (nowNs: number) => void) {
    this.#clock = clock;
    this.fire = fire;
  }

  set(atNs: number): void {
    this.gen++;
    this.atNs = atNs < this.#clock.now() ? this.#clock.now() : atNs;
    this.#clock.push(atNs, this);
  }

  clear(): void {
    this.gen++;
    this.atNs = Number.POSITIVE_INFINITY;
  }
}
