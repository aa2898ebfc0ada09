/**
 * A region's arrival curve compiled into piecewise-linear segments: the rate `r(t)`, the cumulative
 * intensity `Λ(t) = ∫ r` (quadratic inside a segment) and its inverse `Λ⁻¹`, all in closed form.
 * Pacing is a pure function of elapsed time (STYLE.md rule 4): no timers, no state beyond the
 * compiled arrays, so it is testable with plain numbers and shared by the stream and the planner.
 */
import { StampedeError } from '../errors.js';
import type { Phase, Region } from '../profile/profile.js';

/** Where one phase of a region lies on the absolute time axis and the cumulative-intensity axis. */
export interface PhaseSpan {
  /** Index into `Region.phases`. */
  readonly phase: number;
  readonly startS: number;
  readonly endS: number;
  /** Λ at the phase's start and end (expected arrivals of the region before it / through it). */
  readonly cumStart: number;
  readonly cumEnd: number;
}

/** A plain linear piece before packing: rate `r0 + slope * (t - t0)` on `[t0, t1)`. */
interface Piece {
  t0: number;
  t1: number;
  r0: number;
  slope: number;
  phase: number;
}

function pieces(phase: Phase, index: number, t0: number, where: string): Piece[] {
  const d = phase.durationS;
  const piece = (a: number, b: number, r0: number, r1: number): Piece => ({
    t0: t0 + a,
    t1: t0 + b,
    r0,
    slope: b > a ? (r1 - r0) / (b - a) : 0,
    phase: index,
  });
  switch (phase.shape) {
    case 'constant':
      return [piece(0, d, phase.rate, phase.rate)];
    case 'ramp':
      return [piece(0, d, phase.from, phase.to)];
    case 'step': {
      const n = Math.max(1, Math.round(phase.steps));
      const out: Piece[] = [];
      for (let i = 0; i < n; i++) {
        const r = n === 1 ? phase.from : phase.from + ((phase.to - phase.from) * i) / (n - 1);
        out.push(piece((d * i) / n, (d * (i + 1)) / n, r, r));
      }
      return out;
    }
    case 'spike': {
      // The burst is clamped into the phase: a spike cannot leak into the next phase.
      const a = Math.min(Math.max(phase.atS, 0), d);
      const b = Math.min(Math.max(phase.atS + phase.widthS, a), d);
      return [
        piece(0, a, phase.base, phase.base),
        piece(a, b, phase.peak, phase.peak),
        piece(b, d, phase.base, phase.base),
      ];
    }
    default:
      throw new StampedeError('E_PROFILE', `${where}: unknown phase shape`);
  }
}

/**
 * One region's compiled curve. Segments are packed in typed arrays (the stream walks them in its
 * hot loop). Outside `[startS, endS)` the rate is 0; `Λ` is 0 before the start and `total` after.
 */
export class RateCurve {
  /** Absolute start of the region (its offset from the run start), seconds. */
  readonly startS: number;
  /** Absolute end: start + sum of phase durations. */
  readonly endS: number;
  /** Λ(endS): expected arrivals of the whole region. */
  readonly total: number;
  /** Number of segments. */
  readonly length: number;
  /** Segment starts / ends (s), rate at start, slope (1/s²), Λ at start and end, phase index. */
  readonly t0: Float64Array;
  readonly t1: Float64Array;
  readonly r0: Float64Array;
  readonly slope: Float64Array;
  readonly cum0: Float64Array;
  readonly cum1: Float64Array;
  readonly phase: Int32Array;
  /** One span per phase, in order. */
  readonly spans: readonly PhaseSpan[];

  constructor(region: Region) {
    const all: Piece[] = [];
    const spans: PhaseSpan[] = [];
    let t = region.startS;
    let cum = 0;
    region.phases.forEach((p, i) => {
      const where = `region ${region.name}, phase ${p.name}`;
      if (!(p.durationS >= 0) || !Number.isFinite(p.durationS)) {
        throw new StampedeError('E_PROFILE', `${where}: durationS must be a finite number >= 0`);
      }
      const cumStart = cum;
      for (const piece of pieces(p, i, t, where)) {
        const r1 = piece.r0 + piece.slope * (piece.t1 - piece.t0);
        if (!(piece.r0 >= 0 && r1 >= -1e-9) || !Number.isFinite(piece.r0) || !Number.isFinite(r1)) {
          throw new StampedeError('E_PROFILE', `${where}: rates must be finite numbers >= 0`);
        }
        if (piece.t1 <= piece.t0) continue;
        all.push(piece);
        cum += ((piece.r0 + Math.max(r1, 0)) / 2) * (piece.t1 - piece.t0);
      }
      spans.push({ phase: i, startS: t, endS: t + p.durationS, cumStart, cumEnd: cum });
      t += p.durationS;
    });
    this.startS = region.startS;
    this.endS = t;
    this.total = cum;
    this.spans = spans;
    const n = all.length;
    this.length = n;
    this.t0 = new Float64Array(n);
    this.t1 = new Float64Array(n);
    this.r0 = new Float64Array(n);
    this.slope = new Float64Array(n);
    this.cum0 = new Float64Array(n);
    this.cum1 = new Float64Array(n);
    this.phase = new Int32Array(n);
    let c = 0;
    all.forEach((p, i) => {
      const dt = p.t1 - p.t0;
      this.t0[i] = p.t0;
      this.t1[i] = p.t1;
      this.r0[i] = p.r0;
      this.slope[i] = p.slope;
      this.cum0[i] = c;
      c += p.r0 * dt + 0.5 * p.slope * dt * dt;
      this.cum1[i] = c;
      this.phase[i] = p.phase;
    });
  }

  /** Index of the segment with t0 <= t < t1, or -1 outside the curve. */
  segmentAt(t: number): number {
    let lo = 0;
    let hi = this.length - 1;
    if (hi < 0 || t < this.t0[0]! || t >= this.t1[hi]!) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.t0[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Rate at `t` (right-continuous: at a step the new rate). */
  rate(t: number): number {
    const i = this.segmentAt(t);
    if (i < 0) return 0;
    return Math.max(0, this.r0[i]! + this.slope[i]! * (t - this.t0[i]!));
  }

  /** Left limit of the rate at `t` (at a step the old rate); used to find peaks at jumps. */
  rateBefore(t: number): number {
    if (this.length === 0 || t <= this.t0[0]! || t > this.t1[this.length - 1]!) return 0;
    // The segment with t0 < t <= t1.
    let i = this.segmentAt(t);
    if (i < 0) i = this.length - 1;
    if (this.t0[i] === t) i -= 1;
    if (i < 0) return 0;
    return Math.max(0, this.r0[i]! + this.slope[i]! * (t - this.t0[i]!));
  }

  /** Λ(t): expected arrivals of this region in [startS, t]. */
  cumulative(t: number): number {
    if (this.length === 0 || t <= this.t0[0]!) return 0;
    if (t >= this.t1[this.length - 1]!) return this.total;
    const i = this.segmentAt(t);
    if (i < 0) return this.total;
    const u = t - this.t0[i]!;
    return this.cum0[i]! + this.r0[i]! * u + 0.5 * this.slope[i]! * u * u;
  }

  /**
   * Index of the first segment at or after `from` whose Λ range holds `lam` (cum0 < lam <= cum1),
   * or `length` when `lam` is beyond the curve. Zero-rate segments are skipped since their range
   * is empty. Walking forward from a cursor makes a monotone scan O(1) amortized.
   */
  segmentForCumulative(lam: number, from: number): number {
    let i = from;
    const n = this.length;
    while (i < n && this.cum1[i]! < lam) i++;
    // A zero-rate segment at the cursor has cum0 === cum1 === lam only when lam sits on its edge.
    while (i < n && this.cum1[i]! <= this.cum0[i]!) i++;
    return i;
  }

  /** Time t in segment `i` with Λ(t) = lam (lam within the segment's range). */
  inverseIn(i: number, lam: number): number {
    const d = lam - this.cum0[i]!;
    const r0 = this.r0[i]!;
    const disc = r0 * r0 + 2 * this.slope[i]! * d;
    const den = r0 + Math.sqrt(Math.max(disc, 0));
    // u = 2d / (r0 + sqrt(r0² + 2 s d)) is the stable root of ½ s u² + r0 u = d: it tends to
    // d / r0 as s → 0 and to sqrt(2d / s) as r0 → 0, without cancellation in either case.
    let u = den > 0 ? (2 * d) / den : 0;
    const w = this.t1[i]! - this.t0[i]!;
    if (u > w) u = w;
    else if (u < 0) u = 0;
    return this.t0[i]! + u;
  }

  /** Λ⁻¹(lam): the earliest time by which `lam` arrivals are expected; Infinity past the total. */
  inverse(lam: number): number {
    if (lam > this.total) return Number.POSITIVE_INFINITY;
    if (lam <= 0) return this.length > 0 ? this.t0[0]! : this.startS;
    // Binary search over cum1 for the first segment with cum1 >= lam, then skip empty ones.
    let lo = 0;
    let hi = this.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cum1[mid]! < lam) lo = mid + 1;
      else hi = mid;
    }
    const i = this.segmentForCumulative(lam, lo);
    return i < this.length ? this.inverseIn(i, lam) : this.endS;
  }

  /** Every time where the rate may change slope or jump (segment edges), ascending. */
  breakpoints(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.t0[i]!, this.t1[i]!);
    return out;
  }
}

/** Compiles one region's phases (with its start offset) into a curve. */
export function compileRegion(region: Region): RateCurve {
  return new RateCurve(region);
}
