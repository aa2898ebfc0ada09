/**
 * The http1 reader materialises only the selected response headers (lower-cased, repeated ones as
 * a list) unless the whole set is asked for: the rest of a response's headers are never built.
 */
import { describe, expect, it } from 'vitest';
import { HeaderSelection } from '../../harness/transports/http1/response-reader.js';

const RAW = ['Server', 'nginx', 'Retry-After', '7', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2', 'X-Other', 'v'];

describe('HeaderSelection', () => {
  it('keeps the selected names only, matched without case', () => {
    const sel = new HeaderSelection(['retry-after', 'Set-Cookie']);
    expect(sel.pick(RAW, false)).toEqual({ 'retry-after': '7', 'set-cookie': ['a=1', 'b=2'] });
  });

  it('keeps everything when asked for all, and shares one empty object when nothing matched', () => {
    const sel = new HeaderSelection(['location']);
    expect(sel.pick(RAW, true)).toEqual({
      server: 'nginx',
      'retry-after': '7',
      'set-cookie': ['a=1', 'b=2'],
      'x-other': 'v',
    });
    // No header named location: the same frozen empty object every time (no allocation).
    expect(sel.pick(RAW, false)).toBe(sel.pick(['Server', 'x'], false));
    expect(Object.keys(sel.pick(RAW, false))).toEqual([]);
  });
});

describe('HeaderSelection on bytes (the llhttp-wasm reader)', () => {
  const bytes = Buffer.from(
    'xxContent-TYPE date DATE: Tue, 01 Dec 2026 19:40:00 GMTTue, 01 Dec 2026 19:40:01 GMT',
    'latin1',
  );
  const sel = new HeaderSelection(['date', 'content-type', 'retry-after']);

  it('finds a selected name in any case, by its index, and nothing else', () => {
    const ct = sel.indexAt(bytes, 2, 12);
    expect(ct).toBeGreaterThanOrEqual(0);
    expect(sel.keyOf(ct)).toBe('content-type');
    expect(sel.keyOf(sel.indexAt(bytes, 20, 4))).toBe('date');
    expect(sel.indexAt(bytes, 20, 5)).toBe(-1); // `DATE:`: a length no selected name has
    expect(sel.indexAt(bytes, 0, 4)).toBe(-1); // `xxCo`: the length of `date`, other bytes
  });

  it('reads a repeated value the same, and sees a value that changed by one byte or in length', () => {
    const d = sel.indexAt(bytes, 20, 4);
    const at1 = bytes.indexOf('Tue');
    const at2 = bytes.lastIndexOf('Tue');
    const first = sel.valueAt(d, bytes, at1, 29);
    expect(first).toBe('Tue, 01 Dec 2026 19:40:00 GMT');
    expect(sel.valueAt(d, Buffer.from(bytes), at1, 29)).toBe(first);
    // One second later: same length, one byte differs.
    expect(sel.valueAt(d, bytes, at2, 29)).toBe('Tue, 01 Dec 2026 19:40:01 GMT');
    expect(sel.valueAt(d, bytes, at1, 28)).toBe('Tue, 01 Dec 2026 19:40:00 GM');
  });
});
