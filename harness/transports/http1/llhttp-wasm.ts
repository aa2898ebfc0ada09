/**
 * llhttp compiled to WebAssembly, as undici ships it (`undici/lib/llhttp/llhttp_simd-wasm.js`, the
 * parser undici's own HTTP/1.1 client reads responses with): the same C parser Node bundles, but
 * reached without crossing into C++. Node's own binding (llhttp-reader.ts) calls JavaScript three
 * times a response through `MakeCallback` and builds a string for every header name and value;
 * here a response is one call into WebAssembly whose callbacks are plain function calls carrying
 * offsets, so a header the session does not read is passed over on its length and never becomes
 * a string. Measured on the bench's nginx response (5 headers, 2-byte body), one core: 0.76 µs a
 * response through Node's binding, 0.32 µs through this.
 *
 * An instance serves up to PARSERS_PER_INSTANCE connections of a thread: every socket reads
 * straight into the instance's one input area (the socket's `onread` buffer is a view of it: no
 * copy) and each read is parsed before the next lands, so the callbacks go to whichever parser is
 * executing. The memory must never grow while sockets read into it: growth detaches that view
 * (under vitest's workers the next read then failed with ENOBUFS). So an instance makes its
 * allocator's room for its parsers at start and never holds more; `instanceWithRoom` starts
 * another instance (its own input area) when every one is full. The module is undici's file, not its API, so it is guarded: at
 * start-up `LLHTTP_WASM` checks the exports it uses and parses a canned response; if anything is
 * missing or reads differently it is null and `LLHTTP_WASM_UNUSABLE` says why.
 */
import { createRequire } from 'node:module';

/** What a parser is told while it executes: offsets and lengths into the instance's memory. */
export interface WasmParserEvents {
  onMessageBegin(): void;
  onHeaderField(at: number, length: number): void;
  onHeaderValue(at: number, length: number): void;
  onHeadersComplete(status: number, upgrade: boolean, keepAlive: boolean): void;
  onBody(at: number, length: number): void;
  onMessageComplete(): void;
}

/** The exports of undici's llhttp module this file calls. */
interface LlhttpExports {
  readonly memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  llhttp_alloc(type: number): number;
  llhttp_free(parser: number): void;
  llhttp_execute(parser: number, data: number, length: number): number;
  llhttp_finish(parser: number): number;
  llhttp_get_error_reason(parser: number): number;
  llhttp_errno_name(errno: number): number;
}

const EXPORTED_FUNCTIONS = [
  'malloc',
  'free',
  'llhttp_alloc',
  'llhttp_free',
  'llhttp_execute',
  'llhttp_finish',
  'llhttp_get_error_reason',
  'llhttp_errno_name',
] as const;

/** llhttp's `HTTP_RESPONSE` parser type. */
const TYPE_RESPONSE = 2;
/** llhttp's errno for "paused after an upgrade" (a 101, or `connection: upgrade`): not an error. */
export const LLHTTP_PAUSED_UPGRADE = 22;
/** The input area: one socket read at most (Node's own stream reads are 64 KiB). */
export const WASM_INPUT_BYTES = 64 * 1024;
/** Parsers one instance holds at most (a parser takes ~44 bytes of the allocator's). */
export const PARSERS_PER_INSTANCE = 4096;
/** The allocator's free space made at start: room for PARSERS_PER_INSTANCE parsers several times over. */
const PARSER_RESERVE_BYTES = 1024 * 1024;

/** One llhttp instance and the parsers allocated in it. */
export class LlhttpWasm {
  readonly #x: LlhttpExports;
  readonly #input: number;
  /** The instance's memory as a Buffer: one for the instance's life (its memory never grows). */
  readonly #heap: Buffer;
  /**
   * The input area as a Buffer, what every socket reads into (its `onread` buffer). Made once: the
   * memory never grows while sockets read into it (the room made at start), so it stays attached.
   */
  readonly input: Buffer;
  #current: WasmParserEvents | null = null;
  #live = 0;

  constructor(module: WebAssembly.Module) {
    const events = (): WasmParserEvents => {
      const e = this.#current;
      if (e === null) throw new Error('llhttp called back while no parser was executing');
      return e;
    };
    const instance = new WebAssembly.Instance(module, {
      env: {
        wasm_on_url: () => 0,
        wasm_on_status: () => 0,
        wasm_on_message_begin: () => {
          events().onMessageBegin();
          return 0;
        },
        wasm_on_header_field: (_p: number, at: number, len: number) => {
          events().onHeaderField(at, len);
          return 0;
        },
        wasm_on_header_value: (_p: number, at: number, len: number) => {
          events().onHeaderValue(at, len);
          return 0;
        },
        wasm_on_headers_complete: (_p: number, status: number, upgrade: number, keepAlive: number) => {
          events().onHeadersComplete(status, upgrade === 1, keepAlive === 1);
          return 0;
        },
        wasm_on_body: (_p: number, at: number, len: number) => {
          events().onBody(at, len);
          return 0;
        },
        wasm_on_message_complete: () => {
          events().onMessageComplete();
          return 0;
        },
      },
    });
    this.#x = instance.exports as unknown as LlhttpExports;
    this.#input = this.#x.malloc(WASM_INPUT_BYTES);
    // Taken and given back at once, it stays the allocator's free space: parsers never grow the memory.
    this.#x.free(this.#x.malloc(PARSER_RESERVE_BYTES));
    this.#heap = Buffer.from(this.#x.memory.buffer);
    this.input = this.#heap.subarray(this.#input, this.#input + WASM_INPUT_BYTES);
  }

  /** A new response parser (an address in the instance). */
  alloc(): number {
    if (this.full)
      throw new RangeError(`an llhttp wasm instance holds ${PARSERS_PER_INSTANCE} parsers at most`);
    const p = this.#x.llhttp_alloc(TYPE_RESPONSE);
    this.#live++;
    // The room made at start holds PARSERS_PER_INSTANCE parsers; a growth would detach `input`
    // under every open socket, so it is a broken invariant, not something to follow.
    if (this.#heap.buffer !== this.#x.memory.buffer)
      throw new Error('llhttp wasm: the memory grew past the room made at start for its parsers');
    return p;
  }

  free(parser: number): void {
    this.#x.llhttp_free(parser);
    this.#live--;
  }

  /** Whether the instance holds as many parsers as it may (`alloc` would throw). */
  get full(): boolean {
    return this.#live >= PARSERS_PER_INSTANCE;
  }

  /**
   * Parses the first `length` bytes of the input area with `parser`, telling `events`; returns
   * llhttp's errno (0: all parsed).
   */
  execute(parser: number, events: WasmParserEvents, length: number): number {
    this.#current = events;
    try {
      return this.#x.llhttp_execute(parser, this.#input, length);
    } finally {
      this.#current = null;
    }
  }

  /** The peer closed: ends a message that runs to the close; returns llhttp's errno. */
  finish(parser: number, events: WasmParserEvents): number {
    this.#current = events;
    try {
      return this.#x.llhttp_finish(parser);
    } finally {
      this.#current = null;
    }
  }

  /** Whether a parser is executing now (a callback is on the stack). */
  get executing(): boolean {
    return this.#current !== null;
  }

  /** The instance's memory (valid until the next `alloc`): what the offsets of the events point into. */
  get bytes(): Buffer {
    return this.#heap;
  }

  /** The bytes at `at` as a latin1 string (header bytes are octets; HTTP gives them no other meaning). */
  latin1(at: number, length: number): string {
    return this.#heap.toString('latin1', at, at + length);
  }

  /** A copy of the bytes at `at` (the input area is overwritten by the next read). */
  copy(at: number, length: number): Buffer {
    return Buffer.from(this.#heap.subarray(at, at + length));
  }

  /** `errno` and the parser's reason as an Error like Node's (`code` HPE_...). */
  error(parser: number, errno: number): Error {
    const reason = this.#cString(this.#x.llhttp_get_error_reason(parser));
    const err = new Error(`Parse Error: ${reason === '' ? 'invalid response' : reason}`);
    (err as Error & { code: string }).code = this.#cString(this.#x.llhttp_errno_name(errno));
    return err;
  }

  #cString(ptr: number): string {
    if (ptr === 0) return '';
    const end = this.#heap.indexOf(0, ptr);
    return this.#heap.toString('latin1', ptr, end < 0 ? ptr : end);
  }
}

const PROBE = Buffer.from(
  'HTTP/1.1 203 Probe\r\nX-Probe: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nok\r\n0\r\n\r\n',
  'latin1',
);

/** undici's llhttp module (SIMD build first, as undici picks it), or why it cannot be loaded. */
function loadModule(): WebAssembly.Module | string {
  const require = createRequire(import.meta.url);
  const why: string[] = [];
  for (const file of ['undici/lib/llhttp/llhttp_simd-wasm.js', 'undici/lib/llhttp/llhttp-wasm.js']) {
    try {
      return new WebAssembly.Module(require(file) as Buffer);
    } catch (err: unknown) {
      why.push(`${file}: ${String(err)}`);
    }
  }
  return why.join('; ');
}

/**
 * An instance of `candidate` when it exports what this file calls and reads a canned chunked
 * `connection: close` response as expected; else the reason it is not usable.
 */
export function checkWasm(candidate: WebAssembly.Module | string): LlhttpWasm | string {
  if (typeof candidate === 'string') return candidate;
  const names = new Set(WebAssembly.Module.exports(candidate).map((e) => e.name));
  for (const f of ['memory', ...EXPORTED_FUNCTIONS])
    if (!names.has(f)) return `llhttp wasm does not export ${f}`;
  try {
    const wasm = new LlhttpWasm(candidate);
    const seen: string[] = [];
    const events: WasmParserEvents = {
      onMessageBegin: () => seen.push('begin'),
      onHeaderField: (at, len) => seen.push(wasm.latin1(at, len)),
      onHeaderValue: (at, len) => seen.push(`=${wasm.latin1(at, len)}`),
      onHeadersComplete: (status, upgrade, keepAlive) => seen.push(`${status} ${upgrade} ${keepAlive}`),
      onBody: (at, len) => seen.push(`body ${wasm.copy(at, len).toString('latin1')}`),
      onMessageComplete: () => seen.push('end'),
    };
    const p = wasm.alloc();
    PROBE.copy(wasm.input);
    const errno = wasm.execute(p, events, PROBE.length);
    wasm.free(p);
    const want = 'begin|X-Probe|=a|Transfer-Encoding|=chunked|Connection|=close|203 false false|body ok|end';
    if (errno !== 0 || seen.join('|') !== want)
      return `llhttp wasm read the probe response as errno ${errno}: ${seen.join('|')}`;
    return wasm;
  } catch (err: unknown) {
    return `llhttp wasm failed on the probe response: ${String(err)}`;
  }
}

const loaded = loadModule();
const probed = checkWasm(loaded);
/** This thread's first llhttp instance when undici's module has the shape this file needs, else null. */
export const LLHTTP_WASM: LlhttpWasm | null = typeof probed === 'string' ? null : probed;
/** Why LLHTTP_WASM is null (undefined when it is usable). */
export const LLHTTP_WASM_UNUSABLE: string | undefined = typeof probed === 'string' ? probed : undefined;

const instances: LlhttpWasm[] = LLHTTP_WASM === null ? [] : [LLHTTP_WASM];

/** An instance of this thread with room for one more parser (a new one when all are full); LLHTTP_WASM must not be null. */
export function instanceWithRoom(): LlhttpWasm {
  for (const w of instances) if (!w.full) return w;
  if (typeof loaded === 'string') throw new Error(`llhttp wasm is not usable: ${loaded}`);
  const w = new LlhttpWasm(loaded);
  instances.push(w);
  return w;
}
