/**
 * The lean HTTP/1.1 transport: a fixed pool of keep-alive connections to one origin over
 * `node:net`, requests encoded as one latin1 string each (request-encoder.ts), responses read by
 * llhttp in WebAssembly, the sockets reading into its memory (llhttp-wasm-reader.ts; Node's own
 * llhttp binding or http-parser-js when that is not usable, response-parsers.ts); requests sent while answers are handed back
 * are held and written together once the turn's reads are done (http1-connection.ts). It exists
 * for floods: it does per request only what a load generator must (encode, write, parse, hand back
 * the status and a few headers) and allocates little. docs/measurement.md ("http1 transport") has
 * what each of these choices saved.
 *
 * Queueing: a request goes to the least loaded connected connection with room (`pipelining`
 * requests each); when none has room it waits in the client, in order, and `onWritten` is called
 * only when it is written. A freed connection takes the oldest waiting request before the answer
 * is handed back, so a session's next request never jumps the queue.
 *
 * Connections: `warm` opens all of them; one that closes after it has answered is replaced at
 * once (a keep-alive pool stays full). One that closes without an answer, or fails to connect,
 * leaves its slot empty, and empty slots are opened on demand: one connect attempt per request
 * waiting in the client, never more. So a server that accepts and closes, or a dead one, costs one
 * attempt per request, not a reconnect loop. When no connection is left connected or connecting,
 * the requests waiting in the client fail as `connect`.
 *
 * Callbacks: `onWritten` may be called inside `send`; `onResponse`/`onFailure` never are. `cancel`
 * calls `onFailure` before it returns.
 */

import type { RequestSpec } from '../../../targets/target.js';
import { StampedeError } from '../../errors.js';
import { Outcome, type OutcomeIndex } from '../../vocabulary/outcome.js';
import type { Exchange, ResponseHeaders, Transport } from '../transport.js';
import { type ConnectionHost, type ConnectionTarget, Http1Connection } from './http1-connection.js';
import { RequestEncoder } from './request-encoder.js';
import { DEFAULT_HTTP1_PARSER, type Http1Parser, readerFactory } from './response-parsers.js';
import { HeaderSelection } from './response-reader.js';
import { Ticket, TicketPlace, TicketQueue } from './ticket.js';

/**
 * The answer of a turn from which the requests sent inside answers are held (see
 * ConnectionHost.reading): a turn that reads a few answers writes each next request at once, as
 * a surge of ordinary rates does; a flood's turns read tens, and those share one server wake-up.
 * Holding from the first answer put the main job's reset-request onset at 240-244/s against
 * 192/s (the pool's c/S is 200/s) in 2 of 2 runs with both cores busy.
 */
export const HOLD_FROM_ANSWER = 8;

/**
 * Response headers materialised for every response (a response whose body is wanted gets all):
 * what the session's retry policy and the shipped targets read.
 */
export const DEFAULT_RESPONSE_HEADERS: readonly string[] = [
  'retry-after',
  'date',
  'content-type',
  'location',
  'set-cookie',
  'www-authenticate',
];

/** How the http1 transport connects and what it keeps. */
export interface Http1TransportOptions {
  /** The driver's clock: ns from t0 (the only time source the transport reads). */
  readonly now: () => number;
  /** Connections to the origin (default 10). */
  readonly connections?: number;
  /** Requests in flight per connection (default 1: no pipelining). */
  readonly pipelining?: number;
  /** Connect attempt limit (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** Response headers to materialise besides DEFAULT_RESPONSE_HEADERS. */
  readonly headers?: readonly string[];
  /**
   * The response parser (default: `llhttp-wasm` when undici's module passes the start-up check of
   * llhttp-wasm.ts, else `llhttp`, Node's own binding, when it passes llhttp-reader.ts's, else
   * `http-parser-js`).
   */
  readonly parser?: Http1Parser;
}

class Http1Transport implements Transport, ConnectionHost {
  readonly name = 'http1';
  readonly now: () => number;
  readonly #target: ConnectionTarget;
  readonly #encoder: RequestEncoder;
  readonly #depth: number;
  readonly #slots: (Http1Connection | null)[];
  readonly #queue = new TicketQueue((t) => this.#recycle(t));
  readonly #spare: Ticket[] = [];
  /** Live tickets in the queue (the ring also holds cancelled ones until it passes them). */
  #queued = 0;
  #connecting = 0;
  /** Slots without a connection (so a request that has to wait knows whether to open one). */
  #empty = 0;
  #closed = false;
  /** Where the next search for a connection starts, so load spreads over the pool. */
  #next = 0;
  /** The connection that read the last answer: in a flood, the one free connection. */
  #freed: Http1Connection | null = null;
  #warmWaiters: (() => void)[] = [];
  /** See ConnectionHost.reading. */
  reading = false;
  /** Answers handed back in this turn of the loop (reset at its end, `#turnEnd`). */
  #answersThisTurn = 0;
  /** Connections holding requests written during this turn's reads. */
  readonly #holding: Http1Connection[] = [];
  /** How many of `#holding` are this turn's (a count, not a length: the array keeps its store). */
  #holdingCount = 0;
  readonly #turnEnd = (): void => {
    this.#answersThisTurn = 0;
    const holding = this.#holding;
    const n = this.#holdingCount;
    this.#holdingCount = 0;
    for (let i = 0; i < n; i++) holding[i]!.flush();
  };

  constructor(origin: string, options: Http1TransportOptions) {
    const url = parseOrigin(origin);
    this.now = options.now;
    this.#depth = positive(options.pipelining ?? 1, 'pipelining');
    this.#slots = new Array<Http1Connection | null>(positive(options.connections ?? 10, 'connections')).fill(
      null,
    );
    this.#empty = this.#slots.length;
    this.#target = {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 80),
      connectTimeoutMs: positive(options.connectTimeoutMs ?? 10_000, 'connectTimeoutMs'),
      newReader: readerFactory(
        options.parser ?? DEFAULT_HTTP1_PARSER,
        new HeaderSelection([...DEFAULT_RESPONSE_HEADERS, ...(options.headers ?? [])]),
      ),
    };
    this.#encoder = new RequestEncoder(url.host);
  }

  warm(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    for (let i = 0; i < this.#slots.length; i++) if (this.#slots[i] === null) this.#open(i);
    if (this.#connecting === 0) return Promise.resolve();
    return new Promise((resolve) => this.#warmWaiters.push(resolve));
  }

  send(req: RequestSpec, wantBody: boolean, ex: Exchange): void {
    const t = this.#spare.pop() ?? new Ticket();
    t.arm(this.#closed ? null : this.#encoder.encode(req), wantBody, ex);
    ex.wire = t;
    if (t.bytes === null) {
      const [outcome, detail] = this.#closed
        ? [Outcome.cancelled, 'transport closed']
        : [
            Outcome.targetError,
            `request cannot be framed (CR or LF in ${req.method} ${req.path} or a header)`,
          ];
      setImmediate(() => this.#failLater(t, ex, outcome, detail));
      return;
    }
    const c = this.#queued === 0 ? this.#withRoom() : null;
    if (c !== null) return c.write(t);
    this.#queue.push(t);
    this.#queued++;
    this.#openForDemand();
  }

  cancel(ex: Exchange, outcome: OutcomeIndex): void {
    const t = ex.wire;
    if (!(t instanceof Ticket)) return;
    ex.wire = null;
    const detail = outcome === Outcome.timeout ? 'request deadline passed' : 'request cancelled';
    if (t.place === TicketPlace.Queued) {
      // Still in the ring (or in a deferred failure): it is recycled when that passes it.
      t.place = TicketPlace.Dropped;
      if (t.bytes !== null) this.#queued--;
      t.ex = null;
      t.bytes = null;
    } else {
      const c = t.owner as Http1Connection;
      // Off the connection first, so the connection's shutdown does not report it as well.
      c.abort(t);
      this.#recycle(t);
    }
    ex.onFailure(this.now(), outcome, detail);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (let t = this.#queue.shift(); t !== null; t = this.#queue.shift()) {
      this.#queued--;
      this.#finishFailed(t, Outcome.cancelled, 'transport closed');
    }
    for (const c of this.#slots) c?.close(Outcome.cancelled, 'transport closed');
    this.#slots.fill(null);
    this.#empty = this.#slots.length;
    this.#wakeWarmers();
    // Sockets are destroyed synchronously; their close events follow on the next turn.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  onReady(c: Http1Connection): void {
    this.#connecting--;
    this.#fill(c);
    this.#openForDemand();
    if (this.#connecting === 0) this.#wakeWarmers();
  }

  onResponse(
    c: Http1Connection,
    t: Ticket,
    status: number,
    headers: ResponseHeaders,
    body: string | undefined,
  ): void {
    // The answer's time is taken first: the write of the next request is not part of it.
    const at = this.now();
    // setImmediate from an I/O callback runs in this very turn, right after its reads.
    if (this.#answersThisTurn++ === 0) setImmediate(this.#turnEnd);
    // The freed place goes to the oldest waiting request before the answer is handed back.
    if (this.#queued > 0 && c.ready) this.#fill(c);
    const ex = t.ex!;
    ex.wire = null;
    this.#recycle(t);
    this.#freed = c;
    ex.onResponse(at, status, headers, body);
  }

  onFailure(t: Ticket, outcome: OutcomeIndex, detail: string): void {
    this.#finishFailed(t, outcome, detail);
  }

  get holdsWrites(): boolean {
    return this.reading && this.#answersThisTurn >= HOLD_FROM_ANSWER;
  }

  holdWrites(c: Http1Connection): void {
    // Flushed by #turnEnd, queued at this turn's first answer.
    this.#holding[this.#holdingCount++] = c;
  }

  onGone(c: Http1Connection, wasReady: boolean, detail: string): void {
    const i = this.#slots.indexOf(c);
    if (i < 0) return; // closed by close(): the slots are already empty
    this.#slots[i] = null;
    this.#empty++;
    if (!wasReady) this.#connecting--;
    if (this.#closed) return;
    // Replaced at once when it served (a keep-alive pool stays full) or when requests wait for it;
    // a failed connect is not retried here (the next waiting request does that).
    if (wasReady && (c.answered > 0 || this.#connecting < this.#queued)) this.#open(i);
    else if (this.#connecting === 0 && !this.#slots.some((s) => s?.ready)) this.#unreachable(detail);
    if (this.#connecting === 0) this.#wakeWarmers();
  }

  /** Opens empty slots while fewer connections are coming than requests wait for one. */
  #openForDemand(): void {
    while (this.#empty > 0 && this.#connecting < this.#queued && !this.#closed)
      this.#open(this.#slots.indexOf(null));
  }

  #open(i: number): void {
    this.#connecting++;
    this.#empty--;
    this.#slots[i] = new Http1Connection(this.#target, this);
  }

  /** The least loaded connected connection with room, searching from a rotating start. */
  #withRoom(): Http1Connection | null {
    // The common case first: the answer just read freed its connection (no search of the pool).
    const f = this.#freed;
    if (f !== null && f.load === 0 && f.ready) return f;
    const slots = this.#slots;
    const n = slots.length;
    let best: Http1Connection | null = null;
    for (let k = 0; k < n; k++) {
      const i = (this.#next + k) % n;
      const c = slots[i]!;
      if (c === null || !c.ready || c.load >= this.#depth) continue;
      if (best === null || c.load < best.load) best = c;
      if (c.load === 0) {
        this.#next = (i + 1) % n;
        break;
      }
    }
    return best;
  }

  /** Writes waiting requests to `c` up to its depth. */
  #fill(c: Http1Connection): void {
    while (this.#queued > 0 && c.ready && c.load < this.#depth) {
      const t = this.#queue.shift();
      if (t === null) break;
      this.#queued--;
      c.write(t);
    }
  }

  /** No connection is connected or connecting: what waits in the client cannot be sent. */
  #unreachable(detail: string): void {
    for (let t = this.#queue.shift(); t !== null; t = this.#queue.shift()) {
      this.#queued--;
      this.#finishFailed(t, Outcome.connect, detail);
    }
  }

  #failLater(t: Ticket, ex: Exchange, outcome: OutcomeIndex, detail: string): void {
    // Cancelled meanwhile: cancel reported it and left the ticket for us to recycle.
    if (t.place === TicketPlace.Dropped) return this.#recycle(t);
    ex.wire = null;
    this.#recycle(t);
    ex.onFailure(this.now(), outcome, detail);
  }

  #finishFailed(t: Ticket, outcome: OutcomeIndex, detail: string): void {
    const ex = t.ex!;
    ex.wire = null;
    this.#recycle(t);
    ex.onFailure(this.now(), outcome, detail);
  }

  #recycle(t: Ticket): void {
    t.release();
    this.#spare.push(t);
  }

  #wakeWarmers(): void {
    const w = this.#warmWaiters;
    this.#warmWaiters = [];
    for (const resolve of w) resolve();
  }
}

function parseOrigin(origin: string): URL {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new StampedeError('E_USAGE', `http1 transport: origin "${origin}" is not a URL`);
  }
  if (url.protocol !== 'http:') {
    throw new StampedeError(
      'E_USAGE',
      `http1 transport: origin "${origin}" is not http:// (use --engine undici for TLS)`,
    );
  }
  return url;
}

function positive(n: number, field: string): number {
  if (!Number.isInteger(n) || n < 1)
    throw new StampedeError('E_USAGE', `http1 transport: ${field} must be an integer >= 1, got ${n}`);
  return n;
}

/** The http1 transport to `origin` (http:// only); throws StampedeError for a bad origin or option. */
export function createHttp1Transport(origin: string, options: Http1TransportOptions): Transport {
  return new Http1Transport(origin, options) satisfies Transport;
}

export type { Http1Parser } from './response-parsers.js';
