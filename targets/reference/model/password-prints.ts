/**
 * Passwords as 32-bit fingerprints (`passwordPrint`), and the fingerprints of the accounts that
 * confirmed a reset, in one open-addressing hash table (linear probing) keyed by account index.
 * It replaces 65,536-account pages: accounts
 * are drawn at random from the whole population, so by a relaunch day's first take-down herd
 * (~2.6 M confirmed resets) every one of the 1,175 pages of 77 M accounts was allocated, 294 MB
 * for what this table holds in 48 MB (its size is a power of two; it doubles past 0.7 full).
 *
 * Keys are the index + 1 in a Float64Array (0 = empty slot; indexes may pass 2^32, up to the
 * reference config's 10^12), the fingerprints in a parallel Uint32Array. Nothing is ever removed
 * (a reset password stays set), so probing needs no tombstones.
 */

/**
 * FNV-1a over the UTF-16 code units, never 0 (0 marks "none"). The model compares passwords by
 * this alone: a wrong password whose fingerprint collides with the right one (odds 2^-32) is
 * accepted. No flow sends wrong passwords on purpose.
 */
export function passwordPrint(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h === 0 ? 1 : h;
}

const EMPTY = 0;
const MIN_BITS = 10;
/** Grow past this share of slots in use: a miss then probes ~6 keys, one or two cache lines. */
const MAX_LOAD = 0.7;
const TWO_32 = 4_294_967_296;

/** Account index → fingerprint of the password its last confirmed reset set. */
export class PasswordPrints {
  #bits = MIN_BITS;
  #mask = (1 << MIN_BITS) - 1;
  #keys = new Float64Array(1 << MIN_BITS);
  #prints = new Uint32Array(1 << MIN_BITS);
  #size = 0;
  #limit = Math.floor((1 << MIN_BITS) * MAX_LOAD);

  /** Accounts held. */
  get size(): number {
    return this.#size;
  }

  /** Slots of the table now (a power of two: what its growth rule gives, tested). */
  get capacity(): number {
    return this.#mask + 1;
  }

  /** The fingerprint held for account `index`, or 0 when it has none. */
  get(index: number): number {
    const keys = this.#keys;
    const key = index + 1;
    const mask = this.#mask;
    for (let i = slotOf(key, this.#bits); ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === key) return this.#prints[i]!;
      if (k === EMPTY) return 0;
    }
  }

  /** Holds `print` (not 0) for account `index`; true when the account was not held before. */
  set(index: number, print: number): boolean {
    const key = index + 1;
    const mask = this.#mask;
    const keys = this.#keys;
    let i = slotOf(key, this.#bits);
    for (; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === key) {
        this.#prints[i] = print;
        return false;
      }
      if (k === EMPTY) break;
    }
    keys[i] = key;
    this.#prints[i] = print;
    if (++this.#size > this.#limit) this.#grow();
    return true;
  }

  #grow(): void {
    const oldKeys = this.#keys;
    const oldPrints = this.#prints;
    const bits = this.#bits + 1;
    const cap = 2 ** bits;
    const keys = new Float64Array(cap);
    const prints = new Uint32Array(cap);
    const mask = cap - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const key = oldKeys[j]!;
      if (key === EMPTY) continue;
      let i = slotOf(key, bits);
      while (keys[i] !== EMPTY) i = (i + 1) & mask;
      keys[i] = key;
      prints[i] = oldPrints[j]!;
    }
    this.#bits = bits;
    this.#mask = mask;
    this.#keys = keys;
    this.#prints = prints;
    this.#limit = Math.floor(cap * MAX_LOAD);
  }
}

/**
 * Home slot of `key` in a table of 2^bits: Fibonacci hashing of its low and high 32-bit words
 * (the top bits of the product, which depend on every bit of the key).
 */
function slotOf(key: number, bits: number): number {
  if (key < TWO_32) return Math.imul(key >>> 0, 0x9e3779b1) >>> (32 - bits);
  const hi = Math.floor(key / TWO_32);
  const lo = (key - hi * TWO_32) >>> 0;
  return (Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca77)) >>> (32 - bits);
}
