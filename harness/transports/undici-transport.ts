/**
 * The conformance-reference transport: undici's Pool, driven through `dispatch` with the legacy
 * handler callbacks (raw header buffers: the cheapest undici path, LIBS.md).
 *
 * Two things undici does not give the driver, done here:
 * - A request can be cancelled while still queued in the client: at most connections ×
 *   pipelining requests are handed to undici; the rest wait in this transport's FIFO, where a
 *   deadline simply takes them out. A request handed over but not yet written (its connection
 *   is still opening) is failed at once and aborted when undici starts it.
 * - Connections are opened before t0 (`warm`) without sending a request: the pool's connector
 *   hands out sockets this transport connected ahead.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { buildConnector, Pool } from 'undici';
import type { RequestSpec } from '../../targets/target.js';
import { Outcome, type OutcomeIndex } from '../vocabulary/outcome.js';
import { outcomeOfError } from './error-class.js';
import type { Exchange, ResponseHeaders, Transport } from './transport.js';

/** Headers materialised for every response (the session's retry policy reads these). */
const ALWAYS = new Set(['retry-after', 'date', 'content-type', 'location']);

export interface UndiciTransportOptions {
  readonly connections: number;
  readonly pipelining: number;
  readonly connectTimeoutMs: number;
  /** Safety net only: the driver enforces the precise deadline through `cancel`. */
  readonly requestTimeoutMs: number;
  /** The driver's clock (ns from t0). */
  readonly now: () => number;
}

const cancelError = Object.assign(new Error('request cancelled by the driver'), { code: 'STAMPEDE_CANCEL' });

/** One request's undici handler; lives from `send` until its exchange has been told the end. */
class UndiciRequest {
  readonly ex: Exchange;
  readonly req: RequestSpec;
  readonly wantBody: boolean;
  readonly #owner: UndiciTransport;
  #abort: ((reason?: Error) => void) | null = null;
  #status = 0;
  #headers: Record<string, string | string[] | undefined> = {};
  #chunks: Buffer[] | null = null;
  /** The exchange has been told how it ended (response, failure or cancel). */
  over = false;
  /** Dispatched to undici (holds one of the transport's places until undici reports the end). */
  handedOver = false;

  constructor(owner: UndiciTransport, req: RequestSpec, wantBody: boolean, ex: Exchange) {
    this.#owner = owner;
    this.req = req;
    this.wantBody = wantBody;
    this.ex = ex;
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.over) {
      abort(cancelError);
      return;
    }
    this.#abort = abort;
    this.ex.onWritten(this.#owner.now());
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void, _text: string): boolean {
    this.#status = statusCode;
    const all = this.wantBody;
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toString('latin1').toLowerCase();
      if (!all && !ALWAYS.has(name)) continue;
      const value = rawHeaders[i + 1]!.toString('latin1');
      const prev = this.#headers[name];
      this.#headers[name] =
        prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.wantBody) {
      if (this.#chunks === null) this.#chunks = [chunk];
      else this.#chunks.push(chunk);
    }
    return true;
  }

  onComplete(_trailers: unknown): void {
    if (this.over) return;
    this.over = true;
    this.#owner.finished(this);
    const body = this.#chunks ? Buffer.concat(this.#chunks).toString('utf8') : this.wantBody ? '' : undefined;
    this.ex.onResponse(this.#owner.now(), this.#status, this.#headers as ResponseHeaders, body);
  }

  onError(err: Error): void {
    if (this.over) {
      // Aborted after a cancel: its place is free only now.
      if (this.handedOver) this.#owner.finished(this);
      return;
    }
    this.over = true;
    this.#owner.finished(this);
    this.ex.onFailure(this.#owner.now(), outcomeOfError(err), err.message);
  }

  /**
   * Ends the request now as `outcome` (a deadline, the run's end). A queued one is skipped when
   * its turn comes; a handed-over one is aborted (or will be, when undici starts it), and frees
   * its place when undici reports the abort.
   */
  cancel(outcome: OutcomeIndex): void {
    if (this.over) return;
    this.over = true;
    if (this.#abort) this.#abort(cancelError);
    this.ex.onFailure(this.#owner.now(), outcome, 'cancelled');
  }
}

export class UndiciTransport implements Transport {
  readonly name = 'undici';
  readonly #pool: Pool;
  readonly #origin: URL;
  readonly #opts: UndiciTransportOptions;
  readonly #limit: number;
  /** Sockets connected ahead by `warm`, handed to the pool as it asks for connections. */
  readonly #warm: Socket[] = [];
  /** Requests waiting for a place (FIFO with a moving head). */
  #queue: (UndiciRequest | null)[] = [];
  #head = 0;
  #handedOver = 0;
  readonly #live = new Map<Exchange, UndiciRequest>();
  readonly now: () => number;

  constructor(origin: string, opts: UndiciTransportOptions) {
    this.#origin = new URL(origin);
    this.#opts = opts;
    this.now = opts.now;
    this.#limit = Math.max(1, opts.connections * Math.max(1, opts.pipelining));
    const fallback = buildConnector({ timeout: opts.connectTimeoutMs });
    this.#pool = new Pool(origin, {
      connections: opts.connections,
      pipelining: opts.pipelining,
      headersTimeout: opts.requestTimeoutMs + 5_000,
      bodyTimeout: opts.requestTimeoutMs + 5_000,
      connect: (o, cb) => {
        const s = this.#warm.pop();
        // undici expects the callback after its own bookkeeping, never from inside the call.
        if (s && !s.destroyed) process.nextTick(cb, null, s);
        else fallback(o, cb);
      },
    });
  }

  warm(): Promise<void> {
    const port = Number(this.#origin.port || 80);
    const host = this.#origin.hostname.replace(/^\[|\]$/g, '');
    const opening: Promise<void>[] = [];
    for (let i = 0; i < this.#opts.connections; i++) {
      opening.push(
        new Promise<void>((resolve) => {
          const s = netConnect({ host, port });
          const timer = setTimeout(() => {
            s.destroy();
            resolve();
          }, this.#opts.connectTimeoutMs);
          s.once('connect', () => {
            clearTimeout(timer);
            s.setNoDelay(true);
            this.#warm.push(s);
            resolve();
          });
          s.once('error', () => {
            clearTimeout(timer);
            resolve();
          });
        }),
      );
    }
    return Promise.all(opening).then(() => undefined);
  }

  send(req: RequestSpec, wantBody: boolean, ex: Exchange): void {
    const r = new UndiciRequest(this, req, wantBody, ex);
    this.#live.set(ex, r);
    if (this.#handedOver < this.#limit) this.#handOver(r);
    else this.#queue.push(r);
  }

  cancel(ex: Exchange, outcome: OutcomeIndex): void {
    const r = this.#live.get(ex);
    if (!r) return;
    this.#live.delete(ex);
    r.cancel(outcome);
  }

  /** A request ended: a handed-over one frees its place for the next queued one. */
  finished(r: UndiciRequest): void {
    if (this.#live.get(r.ex) === r) this.#live.delete(r.ex);
    if (!r.handedOver) return;
    r.handedOver = false;
    this.#handedOver--;
    this.#pump();
  }

  close(): Promise<void> {
    for (const r of [...this.#live.values()]) this.cancel(r.ex, Outcome.cancelled);
    for (const s of this.#warm.splice(0)) s.destroy();
    return this.#pool.destroy().catch(() => undefined);
  }

  #pump(): void {
    while (this.#handedOver < this.#limit && this.#head < this.#queue.length) {
      const r = this.#queue[this.#head];
      this.#queue[this.#head++] = null;
      if (r && !r.over) this.#handOver(r);
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #handOver(r: UndiciRequest): void {
    this.#handedOver++;
    r.handedOver = true;
    const req = r.req;
    this.#pool.dispatch(
      {
        path: req.path,
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        blocking: false,
        idempotent: this.#opts.pipelining > 1,
      },
      r as never,
    );
  }
}
