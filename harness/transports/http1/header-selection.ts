/**
 * Which response headers the http1 transport materialises: the names a session can read (its retry
 * policy, the target's captures), matched on their length first, and by name only then.
 */
import type { ResponseHeaders } from '../transport.js';

/** The response headers a caller can read (lower-case names); everything else is never built. */
export class HeaderSelection {
  readonly #names: ReadonlySet<string>;
  /**
   * Header names as the server spelled them -> the lower-case key when selected, else null: a
   * server repeats the same few names, so each is lower-cased and looked up once, not per response.
   */
  readonly #seen = new Map<string, string | null>();
  /** Lengths of the selected names: most headers are passed over on their length alone (no hashing). */
  readonly #lengths: readonly boolean[];

  /** The selected names (lower case), in a fixed order: a name's place is its index. */
  readonly #keys: readonly string[];
  /** Each selected name's bytes (lower case). */
  readonly #codes: readonly Uint8Array[];
  /** Per selected name, the last value read from bytes and those bytes (a server repeats its values). */
  readonly #lastValue: string[];
  readonly #lastBytes: Uint8Array[];
  readonly #lastLength: number[];

  constructor(names: readonly string[]) {
    this.#names = new Set(names.map((n) => n.toLowerCase()));
    const lengths: boolean[] = [];
    for (const n of this.#names) lengths[n.length] = true;
    this.#lengths = lengths;
    this.#keys = [...this.#names];
    this.#codes = this.#keys.map((k) => Buffer.from(k, 'latin1'));
    this.#lastValue = this.#keys.map(() => '');
    this.#lastBytes = this.#keys.map(() => new Uint8Array(CACHED_VALUE_BYTES));
    this.#lastLength = this.#keys.map(() => -1);
  }

  /**
   * The index of the selected name spelled by `bytes[at, at + length)` in any case, or -1: a
   * reader that sees names as bytes (llhttp-wasm-reader.ts) never makes a string of a name.
   */
  indexAt(bytes: Uint8Array, at: number, length: number): number {
    if (this.#lengths[length] !== true) return -1;
    const codes = this.#codes;
    for (let k = 0; k < codes.length; k++) {
      const c = codes[k]!;
      if (c.length !== length) continue;
      let i = 0;
      while (i < length) {
        const b = bytes[at + i]!;
        if ((b >= 65 && b <= 90 ? b + 32 : b) !== c[i]) break;
        i++;
      }
      if (i === length) return k;
    }
    return -1;
  }

  /** The lower-case name at `index` (of indexAt). */
  keyOf(index: number): string {
    return this.#keys[index]!;
  }

  /**
   * The value in `bytes[at, at + length)` of the header at `index`, as a latin1 string: the same
   * string as last time when the bytes are the same (a Date changes once a second, a
   * Content-Type never), so a repeated value is compared, not built.
   */
  valueAt(index: number, bytes: Buffer, at: number, length: number): string {
    const last = this.#lastBytes[index]!;
    if (this.#lastLength[index] === length) {
      let i = 0;
      while (i < length && bytes[at + i] === last[i]) i++;
      if (i === length) return this.#lastValue[index]!;
    }
    const value = bytes.toString('latin1', at, at + length);
    if (length <= CACHED_VALUE_BYTES) {
      last.set(bytes.subarray(at, at + length));
      this.#lastLength[index] = length;
      this.#lastValue[index] = value;
    }
    return value;
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
      let key = all ? name.toLowerCase() : this.#seen.get(name);
      if (key === undefined) key = this.#learn(name);
      if (key === null) continue;
      out ??= {};
      const value = raw[i + 1]!;
      const seen = out[key];
      if (seen === undefined) out[key] = value;
      else if (typeof seen === 'string') out[key] = [seen, value];
      else seen.push(value);
    }
    return out ?? NO_HEADERS;
  }

  /** Whether `name` is selected, remembered (up to SEEN_NAMES names: a server that invents names gets no memory). */
  #learn(name: string): string | null {
    const lower = name.toLowerCase();
    const key = this.#names.has(lower) ? lower : null;
    if (this.#seen.size < SEEN_NAMES) this.#seen.set(name, key);
    return key;
  }
}

/** Distinct header spellings a selection remembers. */
const SEEN_NAMES = 512;

/** Values up to this long are remembered for the next response (a Date is 29, a Content-Type ~30). */
const CACHED_VALUE_BYTES = 64;

/** The headers of a response none of whose headers is selected. */
export const NO_HEADERS: ResponseHeaders = Object.freeze({});
