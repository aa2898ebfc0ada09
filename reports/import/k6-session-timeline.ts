/**
 * Sessions of a k6 run over time, built in the pre-scan: when each one arrived, ended, was turned
 * away, and how many were in flight at every interval's end. k6 emits a session's
 * `iteration_duration` when it *ends*, so counting arrivals at that point puts them late by the
 * whole session (a 20 s session arriving at 1 s would count at 21 s). The timeline places them:
 *
 * - arrival = the script's `stampede_sessions{phase:start}` point when the file has them (the
 *   exact start, and the only trace of a session cut short by an aborted run, since k6 emits no
 *   iteration point for interrupted iterations), else point time - `iteration_duration`;
 * - completed = the `iteration_duration` point's time; succeeded = `stampede_sessions{phase:succeeded}`;
 * - dropped = `dropped_iterations` at its time (k6 emits it when the arrival was due);
 * - in flight at the end of interval i = arrivals started up to i - sessions completed up to i.
 *
 * Memory is one small record per interval and flow, whatever the number of sessions.
 */

/** Counts of one interval (one flow, or all). */
export interface SessionCounts {
  started: number;
  dropped: number;
  completed: number;
  succeeded: number;
}

/** What the timeline says about one interval. */
export interface IntervalSessions extends SessionCounts {
  /** Sessions started and not completed by the interval's end. */
  readonly inFlight: number;
  readonly flows: Readonly<Record<string, SessionCounts>>;
}

const zero = (): SessionCounts => ({ started: 0, dropped: 0, completed: 0, succeeded: 0 });

export class SessionTimeline {
  readonly #intervalMs: number;
  /** Absolute interval index (floor(epoch ms / interval)) -> flow -> counts. */
  readonly #byMarker = new Map<number, Map<string, SessionCounts>>();
  readonly #byIteration = new Map<number, Map<string, SessionCounts>>();
  #markers = 0;
  #earliestMs = Number.POSITIVE_INFINITY;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  #at(map: Map<number, Map<string, SessionCounts>>, timeMs: number, flow: string): SessionCounts {
    const i = Math.floor(timeMs / this.#intervalMs);
    let flows = map.get(i);
    if (!flows) {
      flows = new Map();
      map.set(i, flows);
    }
    let c = flows.get(flow);
    if (!c) {
      c = zero();
      flows.set(flow, c);
    }
    return c;
  }

  #both(timeMs: number, flow: string, f: (c: SessionCounts) => void): void {
    f(this.#at(this.#byMarker, timeMs, flow));
    f(this.#at(this.#byIteration, timeMs, flow));
  }

  /** A `stampede_sessions{phase:start}` point. */
  started(timeMs: number, flow: string): void {
    this.#markers++;
    this.#at(this.#byMarker, timeMs, flow).started++;
    if (timeMs < this.#earliestMs) this.#earliestMs = timeMs;
  }

  /** A `stampede_sessions{phase:succeeded}` point. */
  succeeded(timeMs: number, flow: string): void {
    this.#both(timeMs, flow, (c) => c.succeeded++);
  }

  /** An `iteration_duration` point: a session ended at `timeMs` after `durationMs`. */
  iteration(timeMs: number, durationMs: number, flow: string): void {
    this.#both(timeMs, flow, (c) => c.completed++);
    const start = timeMs - Math.max(0, durationMs);
    this.#at(this.#byIteration, start, flow).started++;
    if (start < this.#earliestMs) this.#earliestMs = start;
  }

  /** `count` arrivals k6 turned away at `timeMs` (no free VU). */
  dropped(timeMs: number, count: number, flow: string): void {
    this.#both(timeMs, flow, (c) => {
      c.dropped += count;
    });
    if (timeMs < this.#earliestMs) this.#earliestMs = timeMs;
  }

  /** Earliest arrival (or drop) in epoch ms; +Infinity when there is none. */
  get earliestMs(): number {
    return this.#earliestMs;
  }

  /** Whether arrivals come from the script's start markers (else from iteration ends). */
  get fromMarkers(): boolean {
    return this.#markers > 0;
  }

  /** Last absolute interval index with any session event, or -Infinity. */
  get lastIndex(): number {
    let last = Number.NEGATIVE_INFINITY;
    for (const i of this.#source().keys()) if (i > last) last = i;
    return last;
  }

  #source(): Map<number, Map<string, SessionCounts>> {
    return this.fromMarkers ? this.#byMarker : this.#byIteration;
  }

  /**
   * Walks the intervals from absolute index `first` through `last` in order, with the running
   * in-flight count (sessions started before `first` count as in flight from their start).
   */
  *walk(first: number, last: number): Generator<IntervalSessions> {
    const src = this.#source();
    let inFlight = 0;
    for (const [i, flows] of src) {
      if (i >= first) continue;
      for (const c of flows.values()) inFlight += c.started - c.completed;
    }
    for (let i = first; i <= last; i++) {
      const flows = src.get(i);
      const all = zero();
      const out: Record<string, SessionCounts> = {};
      for (const [name, c] of flows ?? []) {
        out[name] = { ...c };
        all.started += c.started;
        all.dropped += c.dropped;
        all.completed += c.completed;
        all.succeeded += c.succeeded;
      }
      inFlight += all.started - all.completed;
      yield { ...all, inFlight, flows: out };
    }
  }

  /** Sessions started and never completed (interrupted by an abort or by gracefulStop). */
  get unfinished(): number {
    let n = 0;
    for (const flows of this.#source().values()) for (const c of flows.values()) n += c.started - c.completed;
    return n;
  }
}
