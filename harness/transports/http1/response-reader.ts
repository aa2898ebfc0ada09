/**
 * Reads the responses of one connection with http-parser-js (the parser autocannon uses; Node's
 * own llhttp binding measured the same per response here, 1.5 µs, and no maintained llhttp package
 * is on npm). The reader adds what a load generator needs on top of the parser: interim (1xx)
 * responses are skipped, only the selected headers are materialised (all of them when the request
 * asked for its body: the step reads that response and may capture a header), and the body is
 * decoded only when asked for (otherwise its bytes are counted by the parser and dropped).
 */
import { HTTPParser } from 'http-parser-js';
import type { ResponseHeaders } from '../transport.js';

/** The response headers a caller can read (lower-case names); everything else is never built. */
export class HeaderSelection {
  readonly #names: ReadonlySet<string>;
  /** Lengths of the selected names: most headers are passed over on their length alone. */
  readonly #lengths: readonly boolean[];

  constructor(names: readonly string[]) {
    this.#names = new Set(names.map((n) => n.toLowerCase()));
    const lengths: boolean[] = [];
    for (const n of this.#names) lengths[n.length] = true;
    this.#lengths = lengths;
  }

  /**
   * The selected headers (every header when `all`) of a raw `[name, value, name, value...]` list;
   * a shared empty object if none.
   */
  pick(raw: readonly string[], all: boolean): ResponseHeaders {
    let out: Record<string, string | string[]> | null = null;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!;
      if (!all && this.#lengths[name.length] !== true) continue;
      const key = name.toLowerCase();
      if (!all && !this.#names.has(key)) continue;
      out ??= {};
      const value = raw[i + 1]!;
      const seen = out[key];
      if (seen === undefined) out[key] = value;
      else if (typeof seen === 'string') out[key] = [seen, value];
      else seen.push(value);
    }
    return out ?? NO_HEADERS;
  }
}

const NO_HEADERS: ResponseHeaders = Object.freeze({});

/** What the reader tells its connection. */
export interface ResponseListener {
  /** Whether the response now being read (the oldest request's) should keep its body. */
  bodyWanted(): boolean;
  /** A final response was read to its end. `keepAlive` false: the server will close the connection. */
  onMessage(status: number, headers: ResponseHeaders, body: string | undefined, keepAlive: boolean): void;
}

interface HeadersInfo {
  readonly statusCode: number;
  readonly headers: string[];
  readonly shouldKeepAlive: boolean;
  readonly upgrade: boolean;
}

export class ResponseReader {
  readonly #parser = new HTTPParser(HTTPParser.RESPONSE);
  readonly #listener: ResponseListener;
  readonly #selection: HeaderSelection;
  #status = 0;
  #headers: ResponseHeaders = NO_HEADERS;
  #keepAlive = true;
  #interim = false;
  #keepBody = false;
  #chunks: Buffer[] = [];
  /** Headers of a final response read, its message not yet complete. */
  #inBody = false;

  constructor(listener: ResponseListener, selection: HeaderSelection) {
    this.#listener = listener;
    this.#selection = selection;
    const p = this.#parser;
    p[HTTPParser.kOnHeadersComplete] = (info: HeadersInfo) => this.#onHeaders(info);
    p[HTTPParser.kOnBody] = (chunk: Buffer, offset: number, length: number) => {
      // A copy: `chunk` is a view of the shared read buffer, overwritten by the next read.
      if (this.#keepBody) this.#chunks.push(Buffer.from(chunk.subarray(offset, offset + length)));
    };
    p[HTTPParser.kOnMessageComplete] = () => this.#onComplete();
  }

  /** True between a final response's headers and its end (a close now cuts a response short). */
  get inBody(): boolean {
    return this.#inBody;
  }

  /**
   * Parses the first `length` bytes of `chunk` (a read buffer the caller reuses once this returns);
   * returns the parser's error when they are not HTTP, else null.
   */
  feed(chunk: Buffer, length: number): Error | null {
    const r = this.#parser.execute(chunk, 0, length);
    return r instanceof Error ? r : null;
  }

  /**
   * The server closed its side: a response whose body runs to the close ends here. Returns the
   * parser's error when the close cut a response short.
   */
  end(): Error | null {
    const r = this.#parser.finish();
    return r instanceof Error ? r : null;
  }

  #onHeaders(info: HeadersInfo): number {
    const status = info.statusCode;
    // 1xx (but 101, a protocol switch nobody asked for) are interim: the real answer follows.
    if (status >= 100 && status < 200 && status !== 101) {
      this.#interim = true;
      return 0;
    }
    this.#status = status;
    this.#keepBody = this.#listener.bodyWanted();
    // A response the step reads (it wants the body) may capture any header: all are kept then.
    this.#headers = this.#selection.pick(info.headers, this.#keepBody);
    this.#keepAlive = info.shouldKeepAlive && !info.upgrade;
    this.#inBody = true;
    return 0;
  }

  #onComplete(): void {
    if (this.#interim) {
      this.#interim = false;
      return;
    }
    this.#inBody = false;
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
