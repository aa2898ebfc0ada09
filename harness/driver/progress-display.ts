/**
 * Live progress of a run: one line rewritten in place on a terminal, plain periodic lines when the
 * output is not a TTY or CI=true (so CI logs stay readable). It only formats what the coordinator
 * hands it; it never reads the recorder itself.
 */
import type { Writable } from 'node:stream';
import type { IntervalFigures } from '../../reports/run-dir/run-writer.js';

/** What one progress update shows: the latest closed interval, placed in the run. */
export interface ProgressFigures extends Omit<IntervalFigures, 'index'> {
  readonly phase: string;
  readonly elapsedS: number;
  readonly totalS: number;
}

function clock(s: number): string {
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function ms(v: number | null): string {
  if (v === null) return '-';
  return v >= 1000 ? `${(v / 1000).toFixed(2)}s` : `${v.toFixed(v < 10 ? 1 : 0)}ms`;
}

/** The one line both modes print. */
export function formatProgress(f: ProgressFigures): string {
  return (
    `[${clock(f.elapsedS)}/${clock(f.totalS)}] ${f.phase}  ` +
    `offered ${f.offeredPerS.toFixed(0)}/s  ok ${f.achievedPerS.toFixed(0)}/s  p99 ${ms(f.p99Ms)}  ` +
    `in flight ${f.inFlight}  errors ${f.errors}  dropped ${f.dropped}`
  );
}

export class ProgressDisplay {
  readonly #out: Writable & { isTTY?: boolean; columns?: number };
  readonly #live: boolean;
  readonly #everyS: number;
  #lastPrintS = Number.NEGATIVE_INFINITY;
  #dirty = false;

  /** `plainEveryS`: period of the plain lines (a line per interval would flood a CI log). */
  constructor(
    out: Writable & { isTTY?: boolean; columns?: number },
    env: NodeJS.ProcessEnv,
    plainEveryS = 5,
  ) {
    this.#out = out;
    this.#live = Boolean(out.isTTY) && env['CI'] !== 'true' && env['CI'] !== '1';
    this.#everyS = plainEveryS;
  }

  update(f: ProgressFigures): void {
    const line = formatProgress(f);
    if (this.#live) {
      const width = this.#out.columns ?? 120;
      this.#out.write(`\r\x1b[K${line.slice(0, width - 1)}`);
      this.#dirty = true;
    } else if (f.elapsedS - this.#lastPrintS >= this.#everyS) {
      this.#out.write(`${line}\n`);
      this.#lastPrintS = f.elapsedS;
    }
  }

  /** A message that must not be overwritten by the live line. */
  note(message: string): void {
    this.clear();
    this.#out.write(`${message}\n`);
  }

  /** Leaves the terminal on a fresh line. */
  clear(): void {
    if (this.#dirty) this.#out.write('\r\x1b[K');
    this.#dirty = false;
  }
}
