/**
 * Reads a connection's responses with http-parser-js (the parser autocannon uses), in JavaScript:
 * the fallback when Node's bundled llhttp is not usable (llhttp-reader.ts says when), and the
 * second parser the conformance suite runs. Reads land in the transport's one read buffer (the
 * socket's `onread` option: no buffer per read, no stream 'data' machinery) and are parsed before
 * the next read, so what is kept is copied out.
 */
import type { Socket } from 'node:net';
import { HTTPParser } from 'http-parser-js';
import {
  type HeaderSelection,
  type ResponseListener,
  ResponseReader,
  type SocketReads,
} from './response-reader.js';

interface HeadersInfo {
  readonly statusCode: number;
  readonly headers: string[];
  readonly shouldKeepAlive: boolean;
  readonly upgrade: boolean;
}

export class ParserJsReader extends ResponseReader {
  readonly reads: SocketReads;
  readonly #parser = new HTTPParser(HTTPParser.RESPONSE);
  #failed = false;

  /** `readBuffer` is shared by the transport's connections: each read is parsed before the next. */
  constructor(listener: ResponseListener, selection: HeaderSelection, readBuffer: Buffer) {
    super(listener, selection);
    this.reads = { buffer: readBuffer, callback: (n, buf) => this.#feed(buf as Buffer, n) };
    const p = this.#parser;
    p[HTTPParser.kOnHeadersComplete] = (info: HeadersInfo): number => {
      this.headersRead(info.statusCode, info.headers, info.shouldKeepAlive && !info.upgrade);
      return 0;
    };
    p[HTTPParser.kOnBody] = (chunk: Buffer, offset: number, length: number) => {
      // A copy: `chunk` is a view of the shared read buffer, overwritten by the next read.
      if (this.keepingBody) this.bodyRead(Buffer.from(chunk.subarray(offset, offset + length)));
    };
    p[HTTPParser.kOnMessageComplete] = () => this.messageRead();
  }

  attach(_socket: Socket): void {
    // The reads come through `reads`, given to net.connect.
  }

  end(): Error | null {
    const r = this.#parser.finish();
    return r instanceof Error ? r : null;
  }

  release(): void {
    // Nothing native to free.
  }

  #feed(chunk: Buffer, length: number): boolean {
    if (this.#failed) return false;
    const r = this.#parser.execute(chunk, 0, length);
    if (r instanceof Error) {
      this.#failed = true;
      this.listener.onProtocolError(r);
    }
    return true;
  }
}
