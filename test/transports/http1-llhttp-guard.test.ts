/**
 * The http1 transport reads with Node's internal llhttp only when it passes the start-up check;
 * anything else (missing, another shape, another argument order) is refused with a reason, and
 * the transport's default parser is then http-parser-js.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { checkParser, LLHTTP, LLHTTP_UNUSABLE } from '../../harness/transports/http1/llhttp-reader.js';
import { DEFAULT_HTTP1_PARSER } from '../../harness/transports/http1/response-parsers.js';

const real = createRequire(import.meta.url)('_http_common').HTTPParser as new () => Record<number, unknown>;

describe('llhttp guard', () => {
  it('accepts the Node this suite runs on (Node 20 has the shape); the default is llhttp-wasm', () => {
    expect(LLHTTP_UNUSABLE).toBeUndefined();
    expect(LLHTTP).toBe(real);
    expect(DEFAULT_HTTP1_PARSER).toBe('llhttp-wasm');
  });

  it('refuses what is missing or is not a class', () => {
    expect(checkParser('_http_common cannot be loaded: gone')).toBe('_http_common cannot be loaded: gone');
    expect(checkParser(undefined)).toBe('_http_common has no HTTPParser');
    expect(checkParser(class {})).toBe('HTTPParser.RESPONSE is missing');
  });

  it('refuses a parser whose headers-complete arguments moved', () => {
    // The same parser, but the status and the headers swap places: the probe response reads wrong.
    const Shifted = class extends (real as unknown as new () => Record<number, unknown>) {};
    for (const k of Object.getOwnPropertyNames(real)) {
      if (k !== 'prototype' && k !== 'length' && k !== 'name')
        Object.defineProperty(Shifted, k, { value: (real as unknown as Record<string, unknown>)[k] });
    }
    const kHC = (real as unknown as { kOnHeadersComplete: number }).kOnHeadersComplete;
    Object.defineProperty(Shifted.prototype, kHC, {
      set(this: Record<string, unknown>, fn: (...a: unknown[]) => number) {
        Object.defineProperty(this, kHC, {
          value: (...a: unknown[]) => fn(a[0], a[1], a[5], a[3], a[4], a[2], a[6], a[7], a[8]),
          writable: true,
        });
      },
      configurable: true,
    });
    const why = checkParser(Shifted);
    expect(typeof why).toBe('string');
    expect(why).toMatch(/read the probe response as|failed on the probe response/);
  });
});
