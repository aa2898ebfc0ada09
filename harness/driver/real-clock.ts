/**
 * The wall clock of a real run: one monotonic source per process (`process.hrtime`, which every
 * thread of a process shares), anchored once per thread to the run's t0, and read cheaply through
 * `performance.now()` afterwards. A thread's own `performance.timeOrigin` is a wall-clock sample
 * taken when the thread started, so offsets derived from it differ between workers by up to
 * milliseconds; the hrtime anchor does not.
 *
 * Alarms sleep on a timer, because Node's timers are ~1 ms coarse and a send scheduled at t must
 * leave at t, then spin the last 1.5 ms on `setImmediate` (the default), or, with
 * `preciseWaker`, hand that stretch to a PreciseWaker (a helper thread's µs timed wait) and spin
 * only the last few µs. The waker saves the spin's CPU (0.45 of a core at 5k/s against 0.65) but
 * its hand-off costs lateness: on a loaded 2-core machine it measured p99 2.9-3.6 ms at 5k/s
 * against the spin's 0.65-1.85 ms (bench/lateness-probe.ts, interleaved), and issue 13 holds
 * the driver to p99 < 1 ms, so the spin stays the default.
 */
import type { Alarm, Clock } from './clock.js';
import { PreciseWaker } from './precise-waker.js';

/** Below this, an alarm waits on the PreciseWaker instead of a timer (timers are ~1 ms coarse). */
const NEAR_NS = 1.5e6;
/** Below this, an alarm spins on setImmediate (the waker's hand-off takes ~50-100 µs). */
const SPIN_NS = 20e3;

/** The shared start of a run: monotonic ns (as a decimal string: it crosses threads) and epoch ms. */
export interface RunT0 {
  readonly hrNs: string;
  readonly epochMs: number;
}

/**
 * Takes t0 `leadMs` from now, in the process that starts the run. A lead lets every worker receive
 * t0 and build its scheduler before the first arrival is due, so none is late by construction.
 */
export function takeT0(leadMs = 0): RunT0 {
  const hr = process.hrtime.bigint() + BigInt(Math.round(leadMs * 1e6));
  return { hrNs: hr.toString(), epochMs: Date.now() + leadMs };
}

export class RealClock implements Clock {
  readonly kind = 'real';
  /** now() = performance.now() * 1e6 + offset. */
  readonly #offsetNs: number;
  /** t0 in ns of process.hrtime, as a number (exact: hrtime counts from boot). */
  readonly #t0HrNs: number;
  /** Alarms waiting out their last stretch on the waker (the scheduler's loop, mostly). */
  readonly #near = new Set<RealAlarm>();
  /** Created on first use; null again if the helper thread could not start (then alarms spin). */
  #waker: PreciseWaker | null | undefined;

  constructor(t0: RunT0, options: { readonly preciseWaker?: boolean } = {}) {
    if (options.preciseWaker !== true) this.#waker = null;
    const t0Hr = BigInt(t0.hrNs);
    // Sample the pair a few times and keep the tightest bracket: the anchor's error is < 1 µs.
    let best = Number.POSITIVE_INFINITY;
    let offset = 0;
    for (let i = 0; i < 5; i++) {
      const a = performance.now();
      const hr = process.hrtime.bigint();
      const b = performance.now();
      if (b - a < best) {
        best = b - a;
        offset = Number(hr - t0Hr) - ((a + b) / 2) * 1e6;
      }
    }
    this.#offsetNs = offset;
    this.#t0HrNs = Number(t0Hr);
  }

  now(): number {
    return performance.now() * 1e6 + this.#offsetNs;
  }

  alarm(fire: (nowNs: number) => void): Alarm {
    return new RealAlarm(this, fire);
  }

  /** Wakes `a` (its `check`) at its `atNs` through the waker; false when there is no waker. */
  nearArm(a: RealAlarm): boolean {
    if (this.#waker === undefined) {
      try {
        this.#waker = new PreciseWaker(
          () => this.#wake(),
          () => this.#lost(),
        );
      } catch {
        this.#waker = null;
      }
    }
    if (this.#waker === null) return false;
    this.#near.add(a);
    this.#rearm();
    return true;
  }

  nearCancel(a: RealAlarm): void {
    if (this.#near.delete(a) && this.#near.size === 0) this.#waker?.disarm();
  }

  /** Stops the waker's helper thread (alarms still armed on it are cancelled). */
  close(): void {
    this.#near.clear();
    this.#waker?.close();
    this.#waker = undefined;
  }

  #rearm(): void {
    let due = Number.POSITIVE_INFINITY;
    for (const a of this.#near) if (a.atNs < due) due = a.atNs;
    if (due === Number.POSITIVE_INFINITY) this.#waker?.disarm();
    else this.#waker?.arm((due + this.#t0HrNs) / 1e6);
  }

  /** The helper thread died: what waited on it spins instead (nearArm now answers false). */
  #lost(): void {
    this.#waker = null;
    this.#wake();
  }

  #wake(): void {
    for (const a of [...this.#near]) {
      this.#near.delete(a);
      a.check();
    }
    this.#rearm();
  }
}

class RealAlarm implements Alarm {
  readonly #clock: RealClock;
  readonly #fire: (nowNs: number) => void;
  #timer: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  atNs = Number.POSITIVE_INFINITY;
  /** Fires when due, else waits again (called by its timer, immediate or the clock's waker). */
  readonly check = (): void => {
    this.#timer = null;
    this.#immediate = null;
    const now = this.#clock.now();
    if (now >= this.atNs) {
      this.atNs = Number.POSITIVE_INFINITY;
      this.#fire(now);
    } else this.#arm(now);
  };

  constructor(clock: RealClock, fire: (nowNs: number) => void) {
    this.#clock = clock;
    this.#fire = fire;
  }

  set(atNs: number): void {
    this.#cancel();
    this.atNs = atNs;
    this.#arm(this.#clock.now());
  }

  clear(): void {
    this.#cancel();
    this.#clock.nearCancel(this);
    this.atNs = Number.POSITIVE_INFINITY;
  }

  #arm(now: number): void {
    const delayNs = this.atNs - now;
    if (delayNs > NEAR_NS || delayNs <= SPIN_NS) this.#clock.nearCancel(this);
    if (delayNs > NEAR_NS) this.#timer = setTimeout(this.check, Math.floor((delayNs - NEAR_NS) / 1e6) + 1);
    else if (delayNs <= SPIN_NS || !this.#clock.nearArm(this)) this.#immediate = setImmediate(this.check);
  }

  /** Stops the timer or immediate (a wait on the waker is moved or dropped by the next #arm). */
  #cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#timer = null;
    this.#immediate = null;
  }
}
