/**
 * Turns a RequestSpec into HTTP/1.1 request bytes, written straight into a slab: one large buffer
 * that requests are appended to and handed to the socket as views. A slab region is never written
 * twice (the socket may still hold it while its bytes wait in the kernel's queue): when a slab is
 * full a new one is taken and the old one is collected once its last write is done. So a request
 * costs no string concatenation and no buffer of its own, only a view.
 *
 * Framing the transport adds: `host` (unless the spec has one), `content-length` when there is a
 * body or the method carries one (the spec's own content-length is replaced, since the transport
 * computes the bytes), and nothing else (no `connection` header: HTTP/1.1 keeps alive by default).
 */
import type { RequestSpec } from '../../../targets/target.js';

const SLAB_BYTES = 64 * 1024;
/** A CR or LF inside a path or header would let a request split into two on the wire. */
const UNSAFE = /[\r\n]/;
const REQUEST_LINE_END = ' HTTP/1.1\r\n';
const CONTENT_LENGTH = 'content-length: ';
/** Methods whose requests carry a length even without a body (as undici does: some servers wait for it). */
const BODY_METHODS: Readonly<Record<string, boolean>> = { POST: true, PUT: true, PATCH: true };

export class RequestEncoder {
  readonly #hostLine: string;
  #slab: Buffer = Buffer.allocUnsafe(SLAB_BYTES);
  #pos = 0;

  /** `hostHeader` is the origin's `host[:port]`. */
  constructor(hostHeader: string) {
    this.#hostLine = `host: ${hostHeader}\r\n`;
  }

  /**
   * The request's bytes, a view valid for as long as the caller holds it; null when the request
   * cannot be framed safely (a CR or LF in the path or a header: the target built a broken request).
   */
  encode(req: RequestSpec): Buffer | null {
    const { method, path, headers, body } = req;
    if (UNSAFE.test(path)) return null;
    let bound = method.length + 1 + path.length + REQUEST_LINE_END.length + this.#hostLine.length + 2;
    let hasHost = false;
    for (const k in headers) {
      const v = headers[k]!;
      if (UNSAFE.test(v) || UNSAFE.test(k)) return null;
      if (k.length === 4 && k.toLowerCase() === 'host') hasHost = true;
      bound += k.length + v.length + 4;
    }
    const bodyBytes = body === undefined ? -1 : Buffer.byteLength(body, 'utf8');
    if (bodyBytes >= 0 || BODY_METHODS[method]) bound += CONTENT_LENGTH.length + 20 + 2;
    if (bodyBytes > 0) bound += bodyBytes;
    // Header text is written as latin1: one byte per UTF-16 unit, so the bound is exact enough.
    const slab = this.#room(bound);
    const start = this.#pos;
    let p = start;
    p += slab.write(method, p, 'latin1');
    slab[p++] = 0x20;
    p += slab.write(path, p, 'latin1');
    p += slab.write(REQUEST_LINE_END, p, 'latin1');
    if (!hasHost) p += slab.write(this.#hostLine, p, 'latin1');
    for (const k in headers) {
      if (k.length === 14 && k.toLowerCase() === 'content-length') continue;
      p += slab.write(k, p, 'latin1');
      slab[p++] = 0x3a; // ':'
      slab[p++] = 0x20;
      p += slab.write(headers[k]!, p, 'latin1');
      slab[p++] = 0x0d;
      slab[p++] = 0x0a;
    }
    if (bodyBytes >= 0 || BODY_METHODS[method]) {
      p += slab.write(CONTENT_LENGTH, p, 'latin1');
      p += slab.write(String(Math.max(0, bodyBytes)), p, 'latin1');
      slab[p++] = 0x0d;
      slab[p++] = 0x0a;
    }
    slab[p++] = 0x0d;
    slab[p++] = 0x0a;
    if (bodyBytes > 0) p += slab.write(body!, p, 'utf8');
    this.#pos = p;
    return slab.subarray(start, p);
  }

  /** The current slab if `bytes` fit in what is left of it, else a fresh one. */
  #room(bytes: number): Buffer {
    if (this.#pos + bytes > this.#slab.length) {
      this.#slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, bytes));
      this.#pos = 0;
    }
    return this.#slab;
  }
}
