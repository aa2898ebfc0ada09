/**
 * The http1 request bytes, compared byte for byte with requests written out by hand: the request
 * line, the spec's headers in order, `host` and a UTF-8 `content-length` added, and nothing framed
 * when a CR or LF would split the request.
 */
import { describe, expect, it } from 'vitest';
import { RequestEncoder } from '../../harness/transports/http1/request-encoder.js';

const enc = new RequestEncoder('127.0.0.1:8080');
/** The bytes the socket is given, as UTF-8 text (a string is written as latin1). */
const text = (b: string | Buffer | null): string | null =>
  b === null ? null : (typeof b === 'string' ? Buffer.from(b, 'latin1') : b).toString('utf8');

describe('RequestEncoder', () => {
  it('writes a GET with host added and no length', () => {
    expect(text(enc.encode({ method: 'GET', path: '/a?b=1', headers: { accept: '*/*' } }))).toBe(
      'GET /a?b=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\naccept: */*\r\n\r\n',
    );
  });

  it("frames a body by its UTF-8 bytes, replacing the spec's own content-length", () => {
    // 'héllo' is 6 bytes: é is 2 in UTF-8.
    const req = {
      method: 'POST' as const,
      path: '/p',
      headers: { 'Content-Length': '99' },
      body: 'h\u00e9llo',
    };
    expect(text(enc.encode(req))).toBe(
      'POST /p HTTP/1.1\r\nhost: 127.0.0.1:8080\r\ncontent-length: 6\r\n\r\nh\u00e9llo',
    );
    // A bodiless POST still says 0 (some servers wait for a length).
    expect(text(enc.encode({ method: 'POST', path: '/p', headers: {} }))).toBe(
      'POST /p HTTP/1.1\r\nhost: 127.0.0.1:8080\r\ncontent-length: 0\r\n\r\n',
    );
  });

  it('writes a GET with no header of its own and no body (the common case) the same way', () => {
    // Built as method + ' ' + path + a precomputed tail: the bytes must be the general path's.
    expect(text(enc.encode({ method: 'GET', path: '/login/user-7', headers: {} }))).toBe(
      'GET /login/user-7 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\n\r\n',
    );
    expect(text(enc.encode({ method: 'DELETE', path: '/s/1', headers: {} }))).toBe(
      'DELETE /s/1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\n\r\n',
    );
    // A lone CR and a lone LF are each caught (two scans, either one frames nothing).
    expect(enc.encode({ method: 'GET', path: '/a\rb', headers: {} })).toBeNull();
    expect(enc.encode({ method: 'GET', path: '/a\nb', headers: {} })).toBeNull();
  });

  it("keeps the spec's host header instead of adding one", () => {
    expect(text(enc.encode({ method: 'GET', path: '/', headers: { Host: 'example.test' } }))).toBe(
      'GET / HTTP/1.1\r\nHost: example.test\r\n\r\n',
    );
  });

  it('frames nothing when a CR or LF is in the path, a name or a value', () => {
    expect(enc.encode({ method: 'GET', path: '/a\r\nx: y', headers: {} })).toBeNull();
    expect(enc.encode({ method: 'GET', path: '/', headers: { 'x-a': 'b\nc' } })).toBeNull();
    expect(enc.encode({ method: 'GET', path: '/', headers: { 'x\r\n': 'b' } })).toBeNull();
  });

  it('gives each request its own bytes: a later one never overwrites an earlier one', () => {
    // Non-ASCII bodies go to the slab; enough of them to pass the end of a 64 KB slab.
    const first = enc.encode({ method: 'POST', path: '/first', headers: {}, body: '\u00e9' }) as Buffer;
    const copy = Buffer.from(first);
    for (let i = 0; i < 5000; i++)
      enc.encode({ method: 'POST', path: `/n${i}`, headers: { x: 'y'.repeat(20) }, body: '\u00e9' });
    expect(first.equals(copy)).toBe(true);
  });
});
