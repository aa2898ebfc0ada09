/**
 * A small, fast, seeded pseudo-random generator for the arrival stream: sfc32 (Chris Doty-Humphrey's
 * "small fast chaotic" generator, 128-bit state on 32-bit ints, passes PractRand) seeded through
 * splitmix32 from a profile seed and a stream id. Independent stream ids give statistically
 * independent generators, so each region's arrival times, the flow draw and the account
 * permutations never share a sequence and adding a region does not shift the others.
 *
 * Every draw works on int32 state held in fields: nothing is allocated per draw.
 */

const TWO_POW_32 = 4294967296;
const INV_TWO_POW_32 = 1 / TWO_POW_32;

/** Well-known stream ids; per-region streams are `regionStream(i)`. */
export const RngStream = {
  /** Flow draws (which flow an arrival runs). */
  flowMix: 1,
  /** Account-pool permutations (stride and offset per pool). */
  accountPools: 2,
} as const;

/** Stream id of region `index`'s arrival times (kept apart from the fixed ids above). */
export function regionStream(index: number): number {
  return 1000 + index;
}

/*
 * Ziggurat tables for the exponential distribution (Marsaglia & Tsang, "The Ziggurat Method for
 * Generating Random Variables", 2000; 256 layers). A draw is one uint32 and one compare in ~98.9 %
 * of cases, against a Math.log per draw for inversion: the log was a third of the stream's time.
 * The low 8 bits pick the layer and the high 24 bits place the point, so the two are independent.
 */
const ZIG_N = 256;
const ZIG_SCALE = 16777216; // 2^24
const ZIG_R = 7.697117470131487;
const zigK = new Float64Array(ZIG_N);
const zigW = new Float64Array(ZIG_N);
const zigF = new Float64Array(ZIG_N);
{
  const v = 3.949659822581572e-3;
  let d = ZIG_R;
  let t = d;
  const q = v / Math.exp(-d);
  zigK[0] = (d / q) * ZIG_SCALE;
  zigK[1] = 0;
  zigW[0] = q / ZIG_SCALE;
  zigW[ZIG_N - 1] = d / ZIG_SCALE;
  zigF[0] = 1;
  zigF[ZIG_N - 1] = Math.exp(-d);
  for (let i = ZIG_N - 2; i >= 1; i--) {
    d = -Math.log(v / d + Math.exp(-d));
    zigK[i + 1] = (d / t) * ZIG_SCALE;
    t = d;
    zigF[i] = Math.exp(-d);
    zigW[i] = d / ZIG_SCALE;
  }
}

/** One splitmix32 step: a strong 32-bit mixer used only for seeding. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

/**
 * A seeded sfc32 generator. Same `(seed, stream)` ⇒ the same sequence on every platform (only
 * int32 arithmetic and exact double conversions are involved).
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /**
   * @param seed any finite number; integers up to 2^53 are used in full (both 32-bit halves).
   * @param stream stream id; distinct ids give independent sequences from one seed.
   */
  constructor(seed: number, stream = 0) {
    this.#a = this.#b = this.#c = this.#d = 0;
    this.reseed(seed, stream);
  }

  /** Restarts the generator as `new Rng(seed, stream)` would, without allocating. */
  reseed(seed: number, stream = 0): void {
    const s = Math.trunc(Number.isFinite(seed) ? seed : 0);
    const lo = s >>> 0;
    const hi = Math.floor(s / TWO_POW_32) | 0;
    // Chain the mixer over (lo, hi, stream) so that every input bit reaches every state word.
    let h = mix32(lo ^ 0x5bd1e995);
    h = mix32(h ^ hi);
    h = mix32(h ^ Math.imul(stream | 0, 0x27d4eb2d));
    this.#a = h = mix32(h);
    this.#b = h = mix32(h);
    this.#c = h = mix32(h);
    this.#d = 1; // sfc32's counter word; any start value is fine, 1 is the reference choice
    // The reference implementation discards the first draws so that close seeds diverge fully.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /**
   * State word `i` (0-3). With `setState`, many generators can be kept as plain int fields of
   * their holders and drawn through one Rng (a simulation holds ~10^6 sessions, each with one).
   */
  word(i: 0 | 1 | 2 | 3): number {
    return i === 0 ? this.#a : i === 1 ? this.#b : i === 2 ? this.#c : this.#d;
  }

  /** Continues the generator whose state words `word(0..3)` were (a, b, c, d). */
  setState(a: number, b: number, c: number, d: number): void {
    this.#a = a | 0;
    this.#b = b | 0;
    this.#c = c | 0;
    this.#d = d | 0;
  }

  /** Next raw 32-bit value as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform double in [0, 1) with 32 bits of resolution. */
  float(): number {
    return this.nextUint32() * INV_TWO_POW_32;
  }

  /** Exponential variate with mean 1 (the gap between Poisson events in cumulative intensity). */
  exponential(): number {
    const j = this.nextUint32();
    const i = j & 255;
    const u = j >>> 8;
    if (u < zigK[i]!) return u * zigW[i]!;
    return this.#exponentialSlow(u, i);
  }

  /** The ziggurat's rare path: the tail beyond the base layer, or a point near a layer's edge. */
  #exponentialSlow(u0: number, i0: number): number {
    let u = u0;
    let i = i0;
    for (;;) {
      // 1 - float() lies in (0, 1], so the logarithm is always finite.
      if (i === 0) return ZIG_R - Math.log(1 - this.float());
      const x = u * zigW[i]!;
      if (zigF[i]! + this.float() * (zigF[i - 1]! - zigF[i]!) < Math.exp(-x)) return x;
      const j = this.nextUint32();
      i = j & 255;
      u = j >>> 8;
      if (u < zigK[i]!) return u * zigW[i]!;
    }
  }

  /** Uniform integer in [0, n) for 1 <= n <= 2^53; exact for n <= 2^32 up to a 2^-32 bias. */
  int(n: number): number {
    if (n <= TWO_POW_32) return Math.floor(this.float() * n);
    // Two draws give 64 bits; scaling keeps every result reachable for large populations.
    const hi = this.nextUint32();
    const lo = this.nextUint32();
    return Math.floor(((hi * TWO_POW_32 + lo) / (TWO_POW_32 * TWO_POW_32)) * n);
  }
}
