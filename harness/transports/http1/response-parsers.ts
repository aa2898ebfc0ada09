/**
 * The response parsers of the http1 transport, by name, and the one it uses when none is asked
 * for: `llhttp-wasm` (llhttp-wasm-reader.ts, undici's WebAssembly build of llhttp) when it passed
 * its start-up check, else `llhttp` (llhttp-reader.ts, Node's bundled parser consuming the socket)
 * when Node's internal API passed its check, else `http-parser-js` (parser-js-reader.ts).
 */
import { StampedeError } from '../../errors.js';
import { LLHTTP, LLHTTP_UNUSABLE, LlhttpReader } from './llhttp-reader.js';
import { instanceWithRoom, LLHTTP_WASM, LLHTTP_WASM_UNUSABLE } from './llhttp-wasm.js';
import { LlhttpWasmReader } from './llhttp-wasm-reader.js';
import { ParserJsReader } from './parser-js-reader.js';
import type { HeaderSelection, ResponseListener, ResponseReader } from './response-reader.js';

/** One read's worth for http-parser-js: the size Node's own stream reads use. */
const READ_BUFFER_BYTES = 64 * 1024;

/** The parsers the http1 transport can read responses with. */
export type Http1Parser = 'llhttp-wasm' | 'llhttp' | 'http-parser-js';

/** The parser a transport gets when none is asked for. */
export const DEFAULT_HTTP1_PARSER: Http1Parser =
  LLHTTP_WASM !== null ? 'llhttp-wasm' : LLHTTP !== null ? 'llhttp' : 'http-parser-js';

/** A reader factory for `parser`; throws StampedeError when an llhttp is asked for and unusable. */
export function readerFactory(
  parser: Http1Parser,
  selection: HeaderSelection,
): (listener: ResponseListener) => ResponseReader {
  if (parser === 'http-parser-js') {
    // One read buffer for all connections: each read is parsed before the next one lands.
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    return (listener) => new ParserJsReader(listener, selection, readBuffer);
  }
  if (parser === 'llhttp-wasm') {
    if (LLHTTP_WASM === null)
      throw new StampedeError(
        'E_USAGE',
        `http1 transport: parser llhttp-wasm is not usable here (${LLHTTP_WASM_UNUSABLE})`,
      );
    return (listener) => new LlhttpWasmReader(instanceWithRoom(), listener, selection);
  }
  const P = LLHTTP;
  if (P === null)
    throw new StampedeError(
      'E_USAGE',
      `http1 transport: parser llhttp is not usable here (${LLHTTP_UNUSABLE})`,
    );
  return (listener) => new LlhttpReader(P, listener, selection);
}
