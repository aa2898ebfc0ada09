/**
 * Progress of a simulation in virtual time: one plain line every `everyS` virtual seconds with
 * the virtual clock, sessions so far (and in flight), requests offered and achieved per second in
 * the last interval, and the backlog (requests at the model or queued, plus sessions in backoff).
 * Plain lines whatever the terminal: a simulation runs far faster than its clock, a redrawn status
 * line would flicker.
 */
import type { IntervalSnapshot } from '../../reports/recorder/interval-snapshot.js';
import type { IntervalFigures } from '../../reports/run-dir/run-writer.js';

/** `h:mm:ss` of a number of seconds. */
export function clockText(s: number): string {
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

const n0 = (x: number): string => Math.round(x).toLocaleString('en-US');

/** Feeds on the shipped snapshots; prints when a line is due. */
export class SimulateProgress {
  readonly #out: ((line: string) => void) | undefined;
  readonly #everyS: number;
  #nextS: number;
  #sessions = 0;
  #endS = 0;
  readonly #wall0 = performance.now();

  constructor(out: ((line: string) => void) | undefined, everyS: number) {
    this.#out = out;
    this.#everyS = Math.max(1, everyS);
    this.#nextS = this.#everyS;
  }

  /** A snapshot was shipped; `last` is the writer's figure of the latest closed interval. */
  snapshot(s: IntervalSnapshot, last: IntervalFigures | null): void {
    this.#sessions += s.arrivals;
    const endS = ((s.endMs - s.startMs) * (s.index + 1)) / 1000;
    if (endS > this.#endS) this.#endS = endS;
    if (this.#out === undefined || endS < this.#nextS) return;
    this.#nextS += this.#everyS;
    const b = s.backlog;
    const backlog = b ? b.atTarget + b.inClient + b.inBackoff : 0;
    this.#out(
      `virtual ${clockText(endS)}  sessions ${n0(this.#sessions)} (in flight ${n0(s.inFlight)}, dropped ${n0(s.dropped)}/interval)  ` +
        `offered ${n0(last?.offeredPerS ?? 0)}/s achieved ${n0(last?.achievedPerS ?? 0)}/s  backlog ${n0(backlog)}` +
        `  [${((performance.now() - this.#wall0) / 1000).toFixed(1)} s wall]`,
    );
  }

  /** The last line: the end of the last interval and the wall time it took. */
  done(): void {
    this.#out?.(
      `virtual ${clockText(this.#endS)}  done: ${n0(this.#sessions)} sessions in ${((performance.now() - this.#wall0) / 1000).toFixed(1)} s wall`,
    );
  }
}
