/**
 * Pushes the live series to a Prometheus remote-write receiver (`--remote-write URL`): protobuf
 * + snappy through the `prometheus-remote-write` package, over Node's fetch with a deadline.
 * A receiver that is down, slow or refusing costs a counted failure, never the run: `push`
 * never rejects.
 *
 * Timestamps: a real run stamps each push with the wall clock at the push; `simulate` passes
 * an explicit sample time (the run's start + virtual time) and builds the pusher with
 * `clock: 'virtual'`, which adds `clock="virtual"` to every series so virtual hours never
 * overlay a real run's minutes. Timestamps of successive pushes strictly increase (a receiver
 * rejects a sample older than, or equal to one with another value at, the series' last time).
 */
import { pushTimeseries } from 'prometheus-remote-write';
import { errorMessage } from '../errors.js';
import type { PushSeries } from './push-series.js';

/** How a pusher is built. */
export interface RemoteWriteOptions {
  readonly url: URL;
  /** `virtual`: every series carries `clock="virtual"` (simulate); default `real`. */
  readonly clock?: 'real' | 'virtual';
  /** Deadline of one push, ms (default 2000). */
  readonly timeoutMs?: number;
  /** Called once per failed push with a one-line reason (the caller counts and records it). */
  readonly onFailure?: (reason: string) => void;
}

/** How one push went. */
export type PushOutcome =
  | { readonly ok: true; readonly series: number }
  | { readonly ok: false; readonly reason: string }
  /** An earlier push was still under way; this one was left out (the next carries the counters). */
  | { readonly ok: false; readonly reason: 'busy' };

/** Pushes series to one receiver, one push at a time, counting failures. */
export class RemoteWritePusher {
  readonly #url: URL;
  readonly #labels: Readonly<Record<string, string>>;
  readonly #timeoutMs: number;
  readonly #onFailure: ((reason: string) => void) | undefined;
  #inFlight: Promise<PushOutcome> | null = null;
  #lastTs = 0;
  #pushes = 0;
  #failures = 0;
  #skipped = 0;
  #lastError: string | null = null;

  constructor(opts: RemoteWriteOptions) {
    this.#url = opts.url;
    this.#labels = opts.clock === 'virtual' ? { clock: 'virtual' } : {};
    this.#timeoutMs = opts.timeoutMs ?? 2000;
    this.#onFailure = opts.onFailure;
  }

  /** The receiver's URL, credentials left out (for messages). */
  get target(): string {
    return `${this.#url.origin}${this.#url.pathname}`;
  }

  /** Pushes attempted, failed, and left out because the previous one was still under way. */
  get stats(): { pushes: number; failures: number; skipped: number; lastError: string | null } {
    return {
      pushes: this.#pushes,
      failures: this.#failures,
      skipped: this.#skipped,
      lastError: this.#lastError,
    };
  }

  /**
   * Pushes `series` stamped `atMs` (epoch ms; default now). Skipped while a push is under way,
   * unless `wait` (the final push), which waits for it first. Never rejects.
   */
  async push(series: readonly PushSeries[], atMs?: number, wait = false): Promise<PushOutcome> {
    if (this.#inFlight !== null) {
      if (!wait) {
        this.#skipped++;
        return { ok: false, reason: 'busy' };
      }
      await this.#inFlight;
    }
    const ts = Math.max(Math.round(atMs ?? Date.now()), this.#lastTs + 1);
    this.#lastTs = ts;
    const p = this.#send(series, ts);
    this.#inFlight = p;
    try {
      return await p;
    } finally {
      this.#inFlight = null;
    }
  }

  async #send(series: readonly PushSeries[], ts: number): Promise<PushOutcome> {
    this.#pushes++;
    const timeoutMs = this.#timeoutMs;
    try {
      const res = await pushTimeseries(
        series.map((s) => ({
          labels: { ...s.labels, ...this.#labels } as { __name__: string; [k: string]: string },
          samples: [{ value: s.value, timestamp: ts }],
        })),
        {
          url: this.#url.href,
          // Node's own fetch with a real deadline (the package's `timeout` is node-fetch's).
          fetch: (url, init) =>
            fetch(url, {
              method: init?.method ?? 'POST',
              headers: init?.headers ?? {},
              body: init?.body as unknown as Uint8Array,
              signal: AbortSignal.timeout(timeoutMs),
            }),
        },
      );
      if (res.status >= 200 && res.status < 300) return { ok: true, series: series.length };
      return this.#failed(
        `HTTP ${res.status} ${res.statusText}${res.errorMessage ? `: ${oneLine(res.errorMessage)}` : ''}`,
      );
    } catch (err: unknown) {
      // fetch says "fetch failed"; the reason (ECONNREFUSED, a timeout) is in its cause.
      const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
      const why = typeof cause?.code === 'string' ? cause.code : cause?.message;
      return this.#failed(
        typeof why === 'string' && why !== '' ? `${errorMessage(err)}: ${why}` : errorMessage(err),
      );
    }
  }

  #failed(reason: string): PushOutcome {
    this.#failures++;
    this.#lastError = reason;
    this.#onFailure?.(reason);
    return { ok: false, reason };
  }
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 200 ? `${t.slice(0, 200)}…` : t;
}
