/**
 * What the http1 transport does with a parsed response, whichever parser reads it
 * (llhttp-wasm-reader.ts, the default; llhttp-reader.ts, Node's own binding; parser-js-reader.ts,
 * http-parser-js): interim
 * (1xx) responses are skipped, only the selected headers are materialised (all of them when the
 * request asked for its body: the step reads that response and may capture a header), and the
 * body is kept only when asked for (otherwise its bytes are passed over and dropped).
 */
import type { Socket } from 'node:net';
import type { ResponseHeaders } from '../transport.js';
import { type HeaderSelection, NO_HEADERS } from './header-selection.js';

export { HeaderSelection } from './header-selection.js';

/** What a reader tells its connection. */
export interface ResponseListener {
  /** Whether the response now being read (the oldest request's) should keep its body. */
  bodyWanted(): boolean;
  /** A final response was read to its end. `keepAlive` false: the server will close the connection. */
  onMessage(status: number, headers: ResponseHeaders, body: string | undefined, keepAlive: boolean): void;
  /** The bytes read are not HTTP (the parser's error); nothing more is read from the socket. */
  onProtocolError(err: Error): void;
}

/** The `onread` option of `net.connect`: reads land in `buffer`, `callback` gets the count. */
export interface SocketReads {
  readonly buffer: Buffer;
  callback(n: number, buf: Uint8Array): boolean;
}

/**
 * One connection's response reader. The parser-specific half says how bytes reach the parser
 * (`reads`, `attach`) and when it ends; this half turns the parser's events into messages.
 */
export abstract class ResponseReader {
  readonly #listener: ResponseListener;
  readonly #selection: HeaderSelection;
  #status = 0;
  #headers: ResponseHeaders = NO_HEADERS;
  #keepAlive = true;
  #interim = false;
  #keepBody = false;
  #chunks: Buffer[] = [];

  constructor(listener: ResponseListener, selection: HeaderSelection) {
    this.#listener = listener;
    this.#selection = selection;
  }

  /** The `onread` option the socket is opened with, or undefined when `attach` takes the reads. */
  abstract readonly reads: SocketReads | undefined;

  /** The socket is connected and nothing was read yet: from now on its bytes reach the parser. */
  abstract attach(socket: Socket): void;

  /**
   * The server closed its side: a response whose body runs to the close ends here. Returns the
   * parser's error when the close cut a response short.
   */
  abstract end(): Error | null;

  /** The socket is closed: frees what the parser holds (never called from inside a parser event). */
  abstract release(): void;

  protected get listener(): ResponseListener {
    return this.#listener;
  }

  protected get selection(): HeaderSelection {
    return this.#selection;
  }

  /** A response's headers are read; returns whether its body is to be kept. */
  protected headersRead(status: number, raw: readonly string[], keepAlive: boolean): boolean {
    // 1xx (but 101, a protocol switch nobody asked for) are interim: the real answer follows.
    if (status >= 100 && status < 200 && status !== 101) {
      this.#interim = true;
      return false;
    }
    this.#status = status;
    const keep = this.#listener.bodyWanted();
    this.#keepBody = keep;
    // A response the step reads (it wants the body) may capture any header: all are kept then.
    this.#headers = this.#selection.pick(raw, keep);
    this.#keepAlive = keepAlive;
    return keep;
  }

  /** Whether the body now being read is kept (else its bytes are not even copied). */
  protected get keepingBody(): boolean {
    return this.#keepBody;
  }

  /** A piece of a kept body, a buffer the reader may keep (the caller copied it out of the read). */
  protected bodyRead(chunk: Buffer): void {
    this.#chunks.push(chunk);
  }

  /** The message is read to its end. */
  protected messageRead(): void {
    if (this.#interim) {
      this.#interim = false;
      return;
    }
    let body: string | undefined;
    if (this.#keepBody) {
      const c = this.#chunks;
      body = c.length === 1 ? c[0]!.toString('utf8') : Buffer.concat(c).toString('utf8');
      this.#chunks = [];
      this.#keepBody = false;
    }
    const headers = this.#headers;
    this.#headers = NO_HEADERS;
    this.#listener.onMessage(this.#status, headers, body, this.#keepAlive);
  }
}
