/**
 * One keep-alive TCP connection of the http1 transport, for the lifetime of one socket: it writes
 * requests, reads their responses in order (up to `depth` pipelined), and when the socket ends,
 * for whatever reason, it fails every request still on it, each with its own callback. It is never
 * reconnected: the transport replaces a connection that is gone with a new one.
 *
 * Failure classes: a connect error or timeout never fails a request here (requests are written
 * only to a connected socket); bytes that are not HTTP fail the oldest request as `invalid`; a
 * reset, a close or a cut-short response fails the requests on the socket as `reset`.
 */
import { connect, type Socket } from 'node:net';
import { Outcome, type OutcomeIndex } from '../../vocabulary/outcome.js';
import type { ResponseHeaders } from '../transport.js';
import { type HeaderSelection, type ResponseListener, ResponseReader } from './response-reader.js';
import { type Ticket, TicketPlace } from './ticket.js';

/** What a connection reports to the transport that owns it. */
export interface ConnectionHost {
  /** The driver's clock, ns from t0. */
  now(): number;
  /** Connected: the connection can take `depth` requests. */
  onReady(c: Http1Connection): void;
  /** `t`'s response was read (`t` is already off the connection, which has room for one more). */
  onResponse(
    c: Http1Connection,
    t: Ticket,
    status: number,
    headers: ResponseHeaders,
    body: string | undefined,
  ): void;
  /** `t` failed on this connection. */
  onFailure(t: Ticket, outcome: OutcomeIndex, detail: string): void;
  /** The socket is gone; `wasReady` false: it never connected (refused, timed out). */
  onGone(c: Http1Connection, wasReady: boolean, detail: string): void;
  /**
   * True while a connection's read is being handled: writes made meanwhile (the sessions' next
   * requests) are held and flushed together once the loop's reads are done (`holdWrites`).
   */
  reading: boolean;
  /** `c` holds written-but-unsent requests: call its `flush()` once this turn's reads are done. */
  holdWrites(c: Http1Connection): void;
}

/** Where to connect and how. */
export interface ConnectionTarget {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
  readonly selection: HeaderSelection;
  /** Shared by the transport's connections: each read is parsed before the next one lands. */
  readonly readBuffer: Buffer;
}

export class Http1Connection implements ResponseListener {
  readonly #host: ConnectionHost;
  readonly #socket: Socket;
  readonly #reader: ResponseReader;
  readonly #inflight: Ticket[] = [];
  /** The newest of `#inflight`, handed over during a read and not yet on the socket. */
  readonly #held: Ticket[] = [];
  #ready = false;
  #gone = false;
  #answered = 0;
  #connectTimer: NodeJS.Timeout | null;

  /** Starts connecting at once; nothing is sent until the transport writes a request. */
  constructor(target: ConnectionTarget, host: ConnectionHost) {
    this.#host = host;
    this.#reader = new ResponseReader(this, target.selection);
    // Reads land in the transport's one read buffer and are parsed before the next read: no
    // buffer per read, no stream 'data' machinery (the reader copies what it keeps).
    const socket = connect({
      host: target.host,
      port: target.port,
      noDelay: true,
      onread: { buffer: target.readBuffer, callback: (n: number, buf: Uint8Array) => this.#onRead(n, buf) },
    });
    this.#socket = socket;
    this.#connectTimer = setTimeout(
      () => this.#shutdown(Outcome.reset, `connect timed out after ${target.connectTimeoutMs} ms`),
      target.connectTimeoutMs,
    );
    this.#connectTimer.unref();
    socket.on('connect', () => {
      this.#clearConnectTimer();
      this.#ready = true;
      host.onReady(this);
    });
    socket.on('end', () => {
      // The server closed its side: a body that runs to the close ends here; anything else
      // still on the socket was cut short.
      const err = this.#reader.end();
      this.#shutdown(Outcome.reset, err === null ? 'server closed the connection' : 'response cut short');
    });
    socket.on('error', (err: Error) => this.#shutdown(Outcome.reset, errorDetail(err)));
    socket.on('close', () => this.#shutdown(Outcome.reset, 'connection closed'));
  }

  /** Connected and not gone: it may be written to. */
  get ready(): boolean {
    return this.#ready && !this.#gone;
  }

  /** Responses read on this connection so far. */
  get answered(): number {
    return this.#answered;
  }

  /** Requests written and not yet answered. */
  get load(): number {
    return this.#inflight.length;
  }

  /**
   * Writes `t`'s bytes (the caller checked `ready` and the depth); `onWritten` is called right
   * after. During a read (`host.reading`) the bytes are held until the reads of this turn of the
   * loop are done (`flush`), so the requests answered in one turn reach the socket back to back.
   */
  write(t: Ticket): void {
    t.place = TicketPlace.OnWire;
    t.owner = this;
    this.#inflight.push(t);
    if (this.#host.reading) {
      this.#held.push(t);
      if (this.#held.length === 1) this.#host.holdWrites(this);
      return;
    }
    this.#socket.write(t.bytes!);
    t.bytes = null;
    t.ex!.onWritten(this.#host.now());
  }

  /** Writes the held requests, in order; `onWritten` for each as its bytes go. */
  flush(): void {
    const held = this.#held;
    if (held.length === 0 || this.#gone) return;
    const socket = this.#socket;
    for (let i = 0; i < held.length; i++) {
      const t = held[i]!;
      socket.write(t.bytes!);
      t.bytes = null;
      // Read before the callback: onWritten may cancel another request and end this socket.
      const ex = t.ex!;
      ex.onWritten(this.#host.now());
      if (this.#gone) break;
    }
    held.length = 0;
  }

  /**
   * Takes `t` off this connection. A request still held (not on the socket yet) just leaves;
   * otherwise the socket is destroyed (its response can no longer be told apart from the next
   * one's) and the other requests on it fail as `reset`. The caller reports `t`.
   */
  abort(t: Ticket): void {
    const h = this.#held.indexOf(t);
    const i = this.#inflight.indexOf(t);
    if (i >= 0) this.#inflight.splice(i, 1);
    if (h >= 0) {
      this.#held.splice(h, 1);
      return;
    }
    this.#shutdown(Outcome.reset, 'another request on the connection was cancelled');
  }

  /** Ends the connection now; its requests fail with `outcome`. */
  close(outcome: OutcomeIndex, detail: string): void {
    this.#shutdown(outcome, detail);
  }

  bodyWanted(): boolean {
    return this.#inflight[0]?.wantBody ?? false;
  }

  onMessage(status: number, headers: ResponseHeaders, body: string | undefined, keepAlive: boolean): void {
    if (this.#gone) return;
    const t = this.#inflight.shift();
    if (t === undefined) {
      this.#shutdown(Outcome.reset, `unsolicited ${status} response`);
      return;
    }
    this.#answered++;
    if (keepAlive) {
      this.#host.onResponse(this, t, status, headers, body);
      return;
    }
    // `connection: close` (or HTTP/1.0): the answer counts; what was pipelined behind it is lost.
    this.#shutdown(Outcome.reset, 'server answered with connection: close');
    this.#host.onResponse(this, t, status, headers, body);
  }

  #onRead(n: number, buf: Uint8Array): boolean {
    if (this.#gone) return false;
    const host = this.#host;
    host.reading = true;
    try {
      const err = this.#reader.feed(buf as Buffer, n);
      if (err !== null && !this.#gone) this.#protocolError(err);
    } finally {
      host.reading = false;
    }
    return true;
  }

  #protocolError(err: Error): void {
    const head = this.#inflight.shift();
    const detail = `response is not HTTP/1.1: ${err.message}`;
    this.#shutdown(Outcome.reset, detail);
    if (head !== undefined) this.#host.onFailure(head, Outcome.invalid, detail);
  }

  /** Marks the connection gone (once), destroys the socket, tells the host, then fails what was on it. */
  #shutdown(outcome: OutcomeIndex, detail: string): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#clearConnectTimer();
    const lost = this.#inflight.splice(0);
    this.#held.length = 0;
    this.#socket.destroy();
    this.#host.onGone(this, this.#ready, detail);
    for (const t of lost) this.#host.onFailure(t, outcome, detail);
  }

  #clearConnectTimer(): void {
    if (this.#connectTimer !== null) clearTimeout(this.#connectTimer);
    this.#connectTimer = null;
  }
}

function errorDetail(err: Error): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
}
