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
import { connect, Socket } from 'node:net';
import { Outcome, type OutcomeIndex } from '../../vocabulary/outcome.js';
import type { ResponseHeaders } from '../transport.js';
import type { ResponseListener, ResponseReader } from './response-reader.js';
import { type Ticket, TicketPlace } from './ticket.js';

/**
 * `net.Socket`'s own write below its Writable stream (what `socket.write` ends in: it hands the
 * data to the libuv handle and calls back when written or failed), called directly: the stream's
 * bookkeeping per write (buffering state, the after-write tick) measured 0.94x of the CPU per
 * request of `socket.write`. The transport needs none of it: it writes only to connected sockets
 * and never waits for 'drain' (the kernel's and libuv's queues hold what is not sent yet). An
 * internal method, so it is used only when it has the shape it has had since Node 10; else
 * `socket.write`.
 */
interface GenericWriter extends Socket {
  _writeGeneric(
    writev: false,
    data: string | Buffer,
    encoding: 'latin1' | 'buffer',
    cb: (err?: Error | null) => void,
  ): void;
}

const GENERIC_WRITE =
  typeof (Socket.prototype as Partial<GenericWriter>)._writeGeneric === 'function' &&
  (Socket.prototype as GenericWriter)._writeGeneric.length === 4;

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
  /** Whether a write made now is held: while reading, from the turn's HOLD_FROM_ANSWER-th answer. */
  readonly holdsWrites: boolean;
  /** `c` holds written-but-unsent requests: call its `flush()` once this turn's reads are done. */
  holdWrites(c: Http1Connection): void;
}

/** Where to connect and how. */
export interface ConnectionTarget {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
  /** A reader for a new connection's responses, reporting to `listener`. */
  newReader(listener: ResponseListener): ResponseReader;
}

export class Http1Connection implements ResponseListener {
  readonly #host: ConnectionHost;
  readonly #socket: GenericWriter;
  readonly #reader: ResponseReader;
  readonly #inflight: Ticket[] = [];
  /** The newest of `#inflight`, handed over during a read and not yet on the socket. */
  #held: Ticket[] = [];
  /** The other of the two arrays `flush` swaps (so a flush allocates no copy). */
  #heldSpare: Ticket[] = [];
  #ready = false;
  #gone = false;
  #answered = 0;
  #connectTimer: NodeJS.Timeout | null;
  /** A write that failed (at once or later) ends the connection: its requests fail as `reset`. */
  readonly #afterWrite = (err?: Error | null): void => {
    if (err) this.#shutdown(Outcome.reset, errorDetail(err));
  };

  /** Starts connecting at once; nothing is sent until the transport writes a request. */
  constructor(target: ConnectionTarget, host: ConnectionHost) {
    this.#host = host;
    const reader = target.newReader(this);
    this.#reader = reader;
    // The reader says how reads reach its parser: an `onread` buffer, or taken over at connect.
    const socket =
      reader.reads === undefined
        ? connect({ host: target.host, port: target.port, noDelay: true })
        : connect({ host: target.host, port: target.port, noDelay: true, onread: reader.reads });
    this.#socket = socket as GenericWriter;
    this.#connectTimer = setTimeout(
      () => this.#shutdown(Outcome.reset, `connect timed out after ${target.connectTimeoutMs} ms`),
      target.connectTimeoutMs,
    );
    this.#connectTimer.unref();
    socket.on('connect', () => {
      this.#clearConnectTimer();
      reader.attach(socket);
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
    socket.on('close', () => {
      this.#shutdown(Outcome.reset, 'connection closed');
      reader.release();
    });
  }

  /** Connected and not gone: it may be written to. */
  get ready(): boolean {
    return this.#ready && !this.#gone;
  }

  /** Responses read on this connection so far. */
  get answered(): number {
    return this.#answered;
  }

  /** Requests taken (written or about to be) and not yet answered. */
  get load(): number {
    return this.#inflight.length;
  }

  /**
   * Writes `t`'s bytes (the caller checked `ready` and the depth); `onWritten` is called right
   * after. While an answer is handed back (`host.reading`: the session's next request is sent from
   * inside it), or while earlier requests are held, the bytes are held until the reads of this
   * turn of the loop are done (`flush`), so the requests answered in one turn reach the socket
   * back to back.
   */
  write(t: Ticket): void {
    t.place = TicketPlace.OnWire;
    t.owner = this;
    this.#inflight.push(t);
    if (this.#host.holdsWrites || this.#held.length > 0) {
      this.#held.push(t);
      if (this.#held.length === 1) this.#host.holdWrites(this);
      return;
    }
    this.#send(t.bytes!);
    t.bytes = null;
    t.ex!.onWritten(this.#host.now());
  }

  /** Writes the held requests, in order, in one socket write; then `onWritten` for each. */
  flush(): void {
    const held = this.#held;
    if (held.length === 0 || this.#gone) return;
    let data = held[0]!.bytes!;
    // Pipelined requests of one turn go out in one write when they are all strings (the common case).
    for (let i = 1; i < held.length; i++) {
      const b = held[i]!.bytes!;
      if (typeof data === 'string' && typeof b === 'string') data += b;
      else {
        this.#send(data);
        // A write that failed at once ended the connection and failed its requests.
        if (this.#gone) return;
        data = b;
      }
    }
    this.#send(data);
    const at = this.#host.now();
    // The held array is swapped out, not copied: onWritten may cancel another request and end
    // this socket (which empties `#held`), or hold nothing new (nothing is read meanwhile).
    const written = held;
    this.#held = this.#heldSpare;
    this.#heldSpare = written;
    for (let i = 0; i < written.length && !this.#gone; i++) {
      const t = written[i]!;
      t.bytes = null;
      t.ex!.onWritten(at);
    }
    // Emptied by pops: setting the length to 0 would drop the array's store (an allocation a flush).
    while (written.length > 0) written.pop();
  }

  #send(b: string | Buffer): void {
    // The encoding must match the data's type: below the stream, a Buffer is not recognised.
    if (GENERIC_WRITE)
      this.#socket._writeGeneric(false, b, typeof b === 'string' ? 'latin1' : 'buffer', this.#afterWrite);
    else this.#socket.write(b, 'latin1');
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
    // `connection: close` (or HTTP/1.0): the answer counts; what was pipelined behind it is lost.
    if (!keepAlive) this.#shutdown(Outcome.reset, 'server answered with connection: close');
    // Requests sent from inside the answer (a session's next step) are held (see `write`).
    const host = this.#host;
    host.reading = true;
    try {
      host.onResponse(this, t, status, headers, body);
    } finally {
      host.reading = false;
    }
  }

  onProtocolError(err: Error): void {
    if (this.#gone) return;
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
