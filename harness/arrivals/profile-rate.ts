/**
 * The whole profile's offered arrival rate: the sum of its regions' compiled curves. Used by the
 * planner (totals, peak, chart series) and by the driver to put the planned offered rate beside
 * the achieved one in the run metadata.
 */
import type { Profile } from '../profile/profile.js';
import { RateCurve } from './rate-curve.js';

/** The instant where the summed rate is highest (first such instant when there are ties). */
export interface RatePeak {
  readonly ratePerS: number;
  readonly atS: number;
}

/** All regions' curves of one profile, summed. Pure: every method is a function of its arguments. */
export class ProfileRate {
  /** One curve per `Profile.regions` entry, same order. */
  readonly curves: readonly RateCurve[];
  /** Planned duration: the latest region end (0 for a profile without phases). */
  readonly durationS: number;
  /** Expected arrivals of the whole profile. */
  readonly total: number;
  readonly #breakpoints: readonly number[];

  constructor(profile: Profile) {
    this.curves = profile.regions.map((r) => new RateCurve(r));
    this.durationS = this.curves.reduce((m, c) => Math.max(m, c.endS), 0);
    this.total = this.curves.reduce((s, c) => s + c.total, 0);
    const all = this.curves.flatMap((c) => c.breakpoints());
    all.sort((a, b) => a - b);
    this.#breakpoints = all.filter((t, i) => i === 0 || t !== all[i - 1]);
  }

  /** Offered rate at `tS` (arrivals/s, right-continuous). */
  rate(tS: number): number {
    let s = 0;
    for (const c of this.curves) s += c.rate(tS);
    return s;
  }

  /** Left limit of the offered rate at `tS`. */
  rateBefore(tS: number): number {
    let s = 0;
    for (const c of this.curves) s += c.rateBefore(tS);
    return s;
  }

  /** Expected arrivals in [0, tS]. */
  cumulative(tS: number): number {
    let s = 0;
    for (const c of this.curves) s += c.cumulative(tS);
    return s;
  }

  /** Mean offered rate over [fromS, toS): expected arrivals in the window over its width. */
  meanRate(fromS: number, toS: number): number {
    if (!(toS > fromS)) return this.rate(fromS);
    return (this.cumulative(toS) - this.cumulative(fromS)) / (toS - fromS);
  }

  /** Every segment edge of every region, ascending and deduplicated. */
  breakpoints(): readonly number[] {
    return this.#breakpoints;
  }

  /**
   * Highest rate within [fromS, toS] (whole profile by default). A sum of piecewise-linear curves
   * is extreme only at its breakpoints, so checking both limits at each of them is exact.
   */
  peak(fromS = 0, toS = this.durationS): RatePeak {
    let best: RatePeak = { ratePerS: this.rate(fromS), atS: fromS };
    const consider = (t: number, r: number): void => {
      if (r > best.ratePerS) best = { ratePerS: r, atS: t };
    };
    for (const t of this.#breakpoints) {
      if (t < fromS) continue;
      if (t > toS) break;
      if (t > fromS) consider(t, this.rateBefore(t));
      if (t < toS) consider(t, this.rate(t));
    }
    if (toS > fromS) consider(toS, this.rateBefore(toS));
    return best;
  }
}

/** Compiles a profile's regions into one summed rate; keep it when asking many times. */
export function compileProfileRate(profile: Profile): ProfileRate {
  return new ProfileRate(profile);
}

// Profiles are immutable once resolved, so a compiled rate can be cached per profile object.
const cache = new WeakMap<Profile, ProfileRate>();

function cached(profile: Profile): ProfileRate {
  let r = cache.get(profile);
  if (!r) {
    r = new ProfileRate(profile);
    cache.set(profile, r);
  }
  return r;
}

/** Planned offered rate of the whole profile (all regions) at `tS` seconds from the run start. */
export function rateAt(profile: Profile, tS: number): number {
  return cached(profile).rate(tS);
}

/** Planned mean offered rate over [fromS, toS), e.g. one recording interval (arrivals/s). */
export function meanRateBetween(profile: Profile, fromS: number, toS: number): number {
  return cached(profile).meanRate(fromS, toS);
}

/** Planned duration of the arrival stream: max over regions of start + sum of phase durations. */
export function profileDurationS(profile: Profile): number {
  let end = 0;
  for (const r of profile.regions) {
    let t = r.startS;
    for (const p of r.phases) t += p.durationS;
    end = Math.max(end, t);
  }
  return end;
}
