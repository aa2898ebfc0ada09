/**
 * Account pools and their seeded permutations. The population is never stored: an account is an
 * index, and each pool hands out its indices in a seeded order without repetition until it is
 * exhausted (then the same cycle starts again). The order is an affine walk
 * `start + ((k * stride + offset) mod size)` with `stride` coprime to `size`, which visits every
 * index of the pool exactly once per cycle in O(1) memory.
 */
import type { AccountPool, Population } from '../profile/profile.js';
import type { Rng } from './rng.js';

/** The pools in a fixed order: their permutations are drawn in this order from one RNG stream. */
export const ACCOUNT_POOLS: readonly AccountPool[] = ['must-reset', 'no-reset', 'all'];

/** A pool's index range in the population: accounts [start, start + size). */
export interface PoolRange {
  readonly start: number;
  readonly size: number;
}

/** must-reset: [0, M); no-reset: [M, N); all: [0, N); with M = floor(N * mustResetShare). */
export function poolRange(population: Population, pool: AccountPool): PoolRange {
  const n = Math.max(0, Math.floor(population.accounts));
  const share = Math.min(1, Math.max(0, population.mustResetShare));
  const m = Math.floor(n * share);
  switch (pool) {
    case 'must-reset':
      return { start: 0, size: m };
    case 'no-reset':
      return { start: m, size: n - m };
    default:
      return { start: 0, size: n };
  }
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

/**
 * The seeded walk over one pool. `next()` returns the next account index; it allocates nothing and
 * keeps its position incrementally (no `k * stride` product, which would overflow 2^53 for
 * populations near 1e9).
 */
export class AccountPermutation {
  /** First account index of the pool. */
  readonly start: number;
  /** Number of accounts in the pool. */
  readonly size: number;
  /** Step of the walk, coprime with `size` (0 when size <= 1). */
  readonly stride: number;
  /** Position of the first account handed out, relative to `start`. */
  readonly offset: number;
  #pos: number;

  /** Draws stride and offset from `rng` (always two draws, so later pools do not shift). */
  constructor(range: PoolRange, rng: Rng) {
    this.start = range.start;
    this.size = range.size;
    const a = rng.nextUint32();
    const b = rng.nextUint32();
    if (range.size <= 1) {
      this.stride = 0;
      this.offset = 0;
    } else {
      // A stride near size·(golden ratio) scatters consecutive accounts over the pool; the seed
      // jitters it so that different seeds give different orders, then it is nudged to coprime.
      const jitter = (a / 4294967296) * 0.2 - 0.1;
      let s = Math.floor(range.size * (0.6180339887 + jitter)) % range.size;
      if (s < 1) s = 1;
      while (gcd(s, range.size) !== 1) s = s + 1 < range.size ? s + 1 : 1;
      this.stride = s;
      this.offset = Math.floor((b / 4294967296) * range.size);
    }
    this.#pos = this.offset;
  }

  /** The next account index: never repeats within `size` consecutive calls. */
  next(): number {
    const v = this.start + this.#pos;
    let p = this.#pos + this.stride;
    if (p >= this.size) p -= this.size;
    this.#pos = p;
    return v;
  }
}
