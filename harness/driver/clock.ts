/**
 * Time as the driver sees it: `now()` and alarms. The scheduler, the sessions' waits, request
 * deadlines, interval cuts, outage windows and target scrapes all run on one Clock, so the same
 * driver fires a real surge on `RealClock` and replays it exactly, event by event, on
 * `VirtualClock` (tests, `stampede simulate`).
 *
 * Times are nanoseconds from the run's t0, as plain numbers (2^53 ns is 104 days).
 *
 * Contract: an alarm fires at most once per `set`; setting it again moves it; a time in the past
 * fires as soon as possible (the virtual clock never goes back: it fires at its current now).
 * Alarm callbacks are never called re-entrantly from `set`.
 */

/** One re-armable wake-up. Allocated once and reused, so the hot path allocates nothing. */
export interface Alarm {
  /** Fires the alarm's callback at `atNs` (replacing any earlier setting). */
  set(atNs: number): void;
  clear(): void;
  /** The time it is set for, or Infinity when it is not set. */
  readonly atNs: number;
}

export interface Clock {
  /** ns since the run's t0. */
  now(): number;
  /** A new alarm that calls `fire(nowNs)` when due. */
  alarm(fire: (nowNs: number) => void): Alarm;
  /** `virtual` when time jumps from event to event (no wall-clock pacing). */
  readonly kind: 'real' | 'virtual';
}
