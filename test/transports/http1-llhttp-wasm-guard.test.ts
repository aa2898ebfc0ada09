/**
 * The http1 transport reads with undici's WebAssembly llhttp only when the module exports what the
 * reader calls and reads a canned response as expected; anything else is refused with a reason
 * (and the default parser falls back to Node's llhttp, then http-parser-js).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { checkWasm, LLHTTP_WASM, LLHTTP_WASM_UNUSABLE } from '../../harness/transports/http1/llhttp-wasm.js';

/** The smallest module: one exported memory, no functions. */
const MEMORY_ONLY = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version
  0x05,
  0x03,
  0x01,
  0x00,
  0x01, // memory section: one memory, min 1 page
  0x07,
  0x0a,
  0x01,
  0x06,
  0x6d,
  0x65,
  0x6d,
  0x6f,
  0x72,
  0x79,
  0x02,
  0x00, // export "memory"
]);

describe('llhttp-wasm guard', () => {
  it("accepts undici's module as installed", () => {
    expect(LLHTTP_WASM_UNUSABLE).toBeUndefined();
    expect(LLHTTP_WASM).not.toBeNull();
  });

  it('passes on what could not be loaded, and refuses a module without the functions', () => {
    expect(checkWasm('undici/lib/llhttp/llhttp-wasm.js: gone')).toBe(
      'undici/lib/llhttp/llhttp-wasm.js: gone',
    );
    expect(checkWasm(new WebAssembly.Module(MEMORY_ONLY))).toBe('llhttp wasm does not export malloc');
  });

  it('accepts the non-SIMD build too (the fallback where SIMD is refused)', () => {
    const bytes = createRequire(import.meta.url)('undici/lib/llhttp/llhttp-wasm.js') as Buffer;
    expect(typeof checkWasm(new WebAssembly.Module(bytes))).toBe('object');
  });
});
