/**
 * The wall clock of a real run: one monotonic source per process (`process.hrtime`, which every
 * thread of a process shares), anchored once per thread to the run's t0, and read cheaply through
 * `performance.now()` afterwards. A thread's own `performance.timeOrigin` is a wall-clock sample
 * taken when the thread started, so offsets derived from it differ between workers by up to
 * milliseconds; the hrtime anchor does not.
 *
 * Alarms sleep on a timer and spin the last stretch on `setImmediate`, because Node's timers are
 * ~1 ms coarse and a send scheduled at t must leave at t.
 */
import type { Alarm, Clock } from './clock.js';

/** Below this, an alarm spins on setImmediate instead of a timer. */
const SPIN_NS = 1.5e6;

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

  constructor(t0: RunT0) {
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
  }

  now(): number {
    return performance.now() * 1e6 + this.#offsetNs;
  }

  alarm(fire: (nowNs: number) => void): Alarm {
    return new RealAlarm(this, fire);
  }
}

class RealAlarm implements Alarm {
  readonly #clock: RealClock;
  readonly #fire: (nowNs: number) => void;
  #timer: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  atNs = Number.POSITIVE_INFINITY;
  readonly #check = (): void => {
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
    this.atNs = Number.POSITIVE_INFINITY;
  }

  #arm(now: number): void {
    const delayNs = this.atNs - now;
    if (delayNs <= SPIN_NS) this.#immediate = setImmediate(this.#check);
    else this.#timer = setTimeout(this.#check, Math.floor((delayNs - SPIN_NS) / 1e6) + 1);
  }

  #cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#timer = null;
    this.#immediate = null;
  }
}
