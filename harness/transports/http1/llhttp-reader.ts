/**
 * Reads a connection's responses with llhttp, the C parser bundled in Node, as node:http's own
 * server reads requests: the parser *consumes* the socket's handle (`parser.consume(handle)`), so
 * each read goes from libuv straight to the parser in C++, with no JavaScript per read but one
 * call at its end (`kOnExecute`: the count or the parse error), and JavaScript runs per response
 * only at its headers, its body (only when kept: the body callback is unset otherwise) and its end.
 *
 * The parser is Node's internal `HTTPParser` from `_http_common` (loaded with `require`; no
 * deprecation warning, unlike `process.binding`). It is not a public API, so it is guarded: at
 * start-up `LLHTTP` checks its shape and parses a canned response through it, checking every
 * argument the reader uses; if anything is missing or differs, `LLHTTP` is null and the transport
 * falls back to http-parser-js (parser-js-reader.ts), with `LLHTTP_UNUSABLE` saying why.
 * A socket whose handle cannot be consumed (no stream-base handle) is read through `data` events
 * and `parser.execute` instead: the same parser, one JavaScript call more per read.
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { type HeaderSelection, type ResponseListener, ResponseReader } from './response-reader.js';

/** The members of Node's internal parser the reader uses. */
interface NativeParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  finish(): number | Error | undefined;
  consume(handle: object): void;
  unconsume(): void;
  remove(): void;
  close(): void;
  [callback: number]: unknown;
}

interface NativeParserClass {
  new (): NativeParser;
  readonly RESPONSE: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
  readonly kOnExecute: number;
}

// Argument positions of kOnHeadersComplete (lib/_http_common.js, parserOnHeadersComplete).
const A_HEADERS = 2;
const A_STATUS = 5;
const A_UPGRADE = 7;
const A_KEEP_ALIVE = 8;

const PROBE = Buffer.from(
  'HTTP/1.1 203 Probe\r\nX-Probe: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nok\r\n0\r\n\r\n',
  'latin1',
);

/** Node's internal parser class, or why it cannot be loaded. */
function loadParser(): unknown {
  try {
    return createRequire(import.meta.url)('_http_common').HTTPParser;
  } catch (err: unknown) {
    return `_http_common cannot be loaded: ${String(err)}`;
  }
}

/**
 * `candidate` when it is a parser class with the members the reader uses and it reads a canned
 * chunked `connection: close` response as expected; else the reason it is not usable.
 */
export function checkParser(candidate: unknown): NativeParserClass | string {
  if (typeof candidate === 'string') return candidate;
  if (typeof candidate !== 'function') return '_http_common has no HTTPParser';
  const P = candidate as NativeParserClass;
  for (const k of [
    'RESPONSE',
    'kOnHeaders',
    'kOnHeadersComplete',
    'kOnBody',
    'kOnMessageComplete',
    'kOnExecute',
  ])
    if (typeof (P as unknown as Record<string, unknown>)[k] !== 'number') return `HTTPParser.${k} is missing`;
  for (const m of ['initialize', 'execute', 'finish', 'consume', 'unconsume', 'remove', 'close'])
    if (typeof (P.prototype as unknown as Record<string, unknown>)[m] !== 'function')
      return `HTTPParser.prototype.${m} is missing`;
  try {
    const seen: string[] = [];
    const p = new P();
    p.initialize(P.RESPONSE, {}, 0, 0);
    p[P.kOnHeadersComplete] = (...a: unknown[]): number => {
      seen.push(
        `${String(a[A_STATUS])} ${JSON.stringify(a[A_HEADERS])} ${String(a[A_UPGRADE])} ${String(a[A_KEEP_ALIVE])}`,
      );
      return 0;
    };
    p[P.kOnBody] = (b: unknown) => seen.push(Buffer.isBuffer(b) ? b.toString('latin1') : 'body not a Buffer');
    p[P.kOnMessageComplete] = () => seen.push('end');
    const n = p.execute(PROBE);
    p.remove();
    p.close();
    const want = `203 ["X-Probe","a","Transfer-Encoding","chunked","Connection","close"] false false|ok|end`;
    if (n !== PROBE.length || seen.join('|') !== want)
      return `HTTPParser read the probe response as ${String(n)}: ${seen.join('|')}`;
  } catch (err: unknown) {
    return `HTTPParser failed on the probe response: ${String(err)}`;
  }
  return P;
}

const probed = checkParser(loadParser());
/** Node's llhttp parser when it has the shape this reader needs, else null. */
export const LLHTTP: NativeParserClass | null = typeof probed === 'string' ? null : probed;
/** Why LLHTTP is null (undefined when it is usable). */
export const LLHTTP_UNUSABLE: string | undefined = typeof probed === 'string' ? probed : undefined;

/** The socket's handle when llhttp can consume it (a libuv stream in Node's StreamBase). */
function streamHandle(socket: Socket): object | null {
  const h = (socket as unknown as { _handle?: { isStreamBase?: unknown } | null })._handle;
  return h?.isStreamBase === true ? h : null;
}

export class LlhttpReader extends ResponseReader {
  readonly reads = undefined;
  readonly #parser: NativeParser;
  /** Header pairs handed over early (more than 32, or split across reads), for the next headers-complete. */
  #flushed: string[] | null = null;
  readonly #onBody = (chunk: Buffer) => this.bodyRead(chunk);
  /** Whether the parser's body callback is set now (it is written only when that changes). */
  #bodySet = false;
  #consumed = false;
  #failed = false;
  #released = false;

  /** `P` is LLHTTP (the caller checked it is usable). */
  constructor(P: NativeParserClass, listener: ResponseListener, selection: HeaderSelection) {
    super(listener, selection);
    const p = new P();
    this.#parser = p;
    p.initialize(P.RESPONSE, this, 0, 0);
    p[P.kOnHeaders] = (headers: string[]) => {
      this.#flushed = this.#flushed === null ? headers : this.#flushed.concat(headers);
    };
    p[P.kOnHeadersComplete] = (
      _major: number,
      _minor: number,
      headers: string[] | undefined,
      _method: unknown,
      _url: unknown,
      status: number,
      _message: unknown,
      upgrade: boolean,
      keepAlive: boolean,
    ): number => {
      let raw = headers ?? [];
      if (this.#flushed !== null) {
        raw = headers === undefined ? this.#flushed : this.#flushed.concat(headers);
        this.#flushed = null;
      }
      // The body callback is set only for a kept body: unset, llhttp neither copies nor calls.
      const keep = this.headersRead(status, raw, keepAlive && !upgrade);
      if (keep !== this.#bodySet) {
        p[P.kOnBody] = keep ? this.#onBody : null;
        this.#bodySet = keep;
      }
      return 0;
    };
    p[P.kOnMessageComplete] = () => this.messageRead();
    p[P.kOnExecute] = (r: number | Error) => {
      if (typeof r !== 'number') this.#fail(r);
    };
  }

  attach(socket: Socket): void {
    const handle = streamHandle(socket);
    if (handle !== null) {
      this.#parser.consume(handle);
      this.#consumed = true;
      return;
    }
    socket.on('data', (chunk: Buffer) => {
      if (this.#failed) return;
      const r = this.#parser.execute(chunk);
      if (typeof r !== 'number') this.#fail(r);
    });
  }

  end(): Error | null {
    if (this.#failed || this.#released) return null;
    const r = this.#parser.finish();
    return r instanceof Error ? r : null;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    const p = this.#parser;
    if (this.#consumed) p.unconsume();
    p.remove();
    // The C++ parser is deleted only once the stack that may hold it has unwound (as node:http).
    setImmediate(() => p.close());
  }

  #fail(err: Error): void {
    if (this.#failed) return;
    this.#failed = true;
    this.listener.onProtocolError(err);
  }
}
