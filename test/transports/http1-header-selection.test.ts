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
