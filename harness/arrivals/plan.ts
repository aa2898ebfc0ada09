/**
 * `stampede plan`: what a profile will offer, computed without firing anything. Analytic by
 * default (integrals of the rate curves, instant for any scale); `exact` walks the arrival stream
 * and counts, which takes about a second per 10-20 M arrivals.
 */
import { StampedeError } from '../errors.js';
import type { AccountPool, Profile } from '../profile/profile.js';
import { ACCOUNT_POOLS, poolRange } from './account-pool.js';
import { emptyArrival } from './arrival.js';
import { ArrivalStream } from './arrival-stream.js';
import { compileShares } from './flow-mix.js';
import { ProfileRate } from './profile-rate.js';

/** One phase of one region. */
export interface PlanPhase {
  readonly region: string;
  readonly name: string;
  readonly shape: string;
  readonly process: string;
  /** Absolute start (s from run start) and length. */
  readonly startS: number;
  readonly durationS: number;
  readonly arrivals: number;
  /** Highest rate of this region inside the phase. */
  readonly peakRatePerS: number;
}

/** One region: when it is open and what it offers. */
export interface PlanRegion {
  readonly startS: number;
  readonly endS: number;
  readonly arrivals: number;
  readonly peakRatePerS: number;
  readonly peakAtS: number;
}

/** One flow: how many sessions run it and which accounts they use. */
export interface PlanFlow {
  readonly arrivals: number;
  /** Fraction of all arrivals. */
  readonly share: number;
  readonly pool: AccountPool;
}

/** One account pool: its size and how far the arrivals walk into it. */
export interface PlanPool {
  readonly size: number;
  /** Accounts handed out (sessions of the flows on this pool). */
  readonly draws: number;
  /** draws / size: above 1, accounts are reused (the permutation starts a new cycle). */
  readonly coverage: number;
}

/** An outage window and the arrivals that land inside it (users keep arriving while it is down). */
export interface PlanOutage {
  readonly name: string;
  readonly startS: number;
  readonly durationS: number;
  readonly endS: number;
  /** Affected regions; empty = all. */
  readonly regions: readonly string[];
  readonly arrivalsDuring: number;
}

/** The offered rate sampled in equal buckets over [0, durationS), for charts. */
export interface PlanSeries {
  readonly stepS: number;
  /** Bucket start times. */
  readonly tS: readonly number[];
  /** Mean offered rate in each bucket (expected arrivals / bucket width). */
  readonly meanRatePerS: readonly number[];
  /** Highest instantaneous rate in each bucket (keeps a spike narrower than a bucket visible). */
  readonly maxRatePerS: readonly number[];
}

/**
 * The plan of a profile (the `stampede plan --json` document, `version: 1`). Counts are integers.
 * With `exact: false`, Poisson counts are expected values rounded to the nearest integer (so a
 * total and the sum of its parts may differ by rounding) and uniform phase/region/total counts
 * are exact; per-flow, per-step and per-pool figures are expectations of the seeded draws. With
 * `exact: true`, every count is what the seeded stream actually produces. Rates (arrivals/s) and
 * times (s from run start) are always from the planned curves.
 */
export interface Plan {
  readonly version: 1;
  readonly profile: { readonly name: string; readonly file: string };
  readonly exact: boolean;
  readonly seed: number;
  /** Latest region end. */
  readonly durationS: number;
  readonly totalArrivals: number;
  /** totalArrivals / durationS. */
  readonly meanRatePerS: number;
  /** Highest total offered rate (all regions) and the first instant it is reached. */
  readonly peakRatePerS: number;
  readonly peakAtS: number;
  /** Keyed by region name. */
  readonly regions: Readonly<Record<string, PlanRegion>>;
  /** Every phase of every region, regions in profile order. */
  readonly phases: readonly PlanPhase[];
  /** Keyed by flow name. */
  readonly flows: Readonly<Record<string, PlanFlow>>;
  /** Expected requests per step name at zero failure (one per session per step; await-mail = 1). */
  readonly steps: Readonly<Record<string, number>>;
  /** Keyed by pool name: must-reset, no-reset, all. */
  readonly pools: Readonly<Record<AccountPool, PlanPool>>;
  readonly outages: readonly PlanOutage[];
  readonly series: PlanSeries;
}

/** Options of `planProfile`. */
export interface PlanOptions {
  /** Walk the stream and count instead of integrating (default false). */
  readonly exact?: boolean;
  /** Number of buckets of the rate series (default 120). */
  readonly seriesPoints?: number;
}

/** Counts the analytic way: per region and phase (expected arrivals), per flow via the mix. */
function analyticCounts(profile: Profile, rate: ProfileRate): { phase: number[][]; flow: number[] } {
  const shares = compileShares(profile);
  const flow = profile.flows.map(() => 0);
  const phase = rate.curves.map((curve, ri) =>
    curve.spans.map((span) => {
      const lam = span.cumEnd - span.cumStart;
      const uniform = profile.regions[ri]?.phases[span.phase]?.process === 'uniform';
      const n = uniform ? Math.floor(lam + 0.5) : lam;
      shares[ri]?.[span.phase]?.forEach((s, fi) => {
        flow[fi] = (flow[fi] ?? 0) + n * s;
      });
      return n;
    }),
  );
  return { phase, flow };
}

/** Counts by walking the stream; also counts arrivals inside each outage window. */
function exactCounts(
  profile: Profile,
  rate: ProfileRate,
  windows: readonly { startNs: number; endNs: number; regions: readonly number[] }[],
): { phase: number[][]; flow: number[]; outage: number[] } {
  const phase = rate.curves.map((c) => c.spans.map(() => 0));
  const flow = profile.flows.map(() => 0);
  const outage = windows.map(() => 0);
  const stream = new ArrivalStream(profile);
  const a = emptyArrival();
  while (stream.next(a)) {
    const row = phase[a.region]!;
    row[stream.lastPhase] = row[stream.lastPhase]! + 1;
    flow[a.flow] = flow[a.flow]! + 1;
    for (let w = 0; w < windows.length; w++) {
      const win = windows[w]!;
      if (a.atNs >= win.startNs && a.atNs < win.endNs && win.regions.includes(a.region)) outage[w]!++;
    }
  }
  return { phase, flow, outage };
}

function outageRegions(profile: Profile, names: readonly string[], where: string): number[] {
  if (names.length === 0) return profile.regions.map((_, i) => i);
  return names.map((n) => {
    const i = profile.regions.findIndex((r) => r.name === n);
    if (i < 0) throw new StampedeError('E_PROFILE', `${where}: unknown region ${n}`);
    return i;
  });
}

function series(rate: ProfileRate, points: number): PlanSeries {
  const n = Math.max(1, Math.floor(points));
  const stepS = rate.durationS > 0 ? rate.durationS / n : 1;
  const tS: number[] = [];
  const mean: number[] = [];
  const max: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = i * stepS;
    const b = (i + 1) * stepS;
    tS.push(a);
    mean.push(rate.meanRate(a, b));
    max.push(rate.peak(a, b).ratePerS);
  }
  return { stepS, tS, meanRatePerS: mean, maxRatePerS: max };
}

/** Plans `profile`: totals, peak, per region / phase / flow / step / pool, outages and a rate series. */
export function planProfile(profile: Profile, opts: PlanOptions = {}): Plan {
  const exact = opts.exact === true;
  const rate = new ProfileRate(profile);
  const where = profile.file || profile.name;
  const outageDefs = profile.outages.map((o) => ({
    o,
    regions: outageRegions(profile, o.regions, `${where}: outage ${o.name}`),
  }));
  const windows = outageDefs.map(({ o, regions }) => ({
    startNs: Math.round(o.startS * 1e9),
    endNs: Math.round((o.startS + o.durationS) * 1e9),
    regions,
  }));
  const counts = exact
    ? exactCounts(profile, rate, windows)
    : { ...analyticCounts(profile, rate), outage: null };

  const phases: PlanPhase[] = [];
  const regions: Record<string, PlanRegion> = {};
  let total = 0;
  rate.curves.forEach((curve, ri) => {
    const region = profile.regions[ri]!;
    let regionTotal = 0;
    let peak = { ratePerS: 0, atS: curve.startS };
    curve.spans.forEach((span, pi) => {
      const p = region.phases[span.phase]!;
      const n = counts.phase[ri]?.[pi] ?? 0;
      regionTotal += n;
      const pk = phasePeak(curve, span.startS, span.endS);
      if (pk.ratePerS > peak.ratePerS) peak = pk;
      phases.push({
        region: region.name,
        name: p.name,
        shape: p.shape,
        process: p.process,
        startS: span.startS,
        durationS: p.durationS,
        arrivals: Math.round(n),
        peakRatePerS: pk.ratePerS,
      });
    });
    total += regionTotal;
    regions[region.name] = {
      startS: curve.startS,
      endS: curve.endS,
      arrivals: Math.round(regionTotal),
      peakRatePerS: peak.ratePerS,
      peakAtS: peak.atS,
    };
  });

  const flows: Record<string, PlanFlow> = {};
  const steps: Record<string, number> = {};
  const draws = new Map<AccountPool, number>(ACCOUNT_POOLS.map((p) => [p, 0]));
  profile.flows.forEach((f, fi) => {
    const n = counts.flow[fi] ?? 0;
    flows[f.name] = { arrivals: Math.round(n), share: total > 0 ? n / total : 0, pool: f.accounts };
    for (const s of f.steps) steps[s.name] = (steps[s.name] ?? 0) + n;
    draws.set(f.accounts, (draws.get(f.accounts) ?? 0) + n);
  });
  for (const k of Object.keys(steps)) steps[k] = Math.round(steps[k]!);
  const pools = {} as Record<AccountPool, PlanPool>;
  for (const p of ACCOUNT_POOLS) {
    const size = poolRange(profile.population, p).size;
    const d = draws.get(p) ?? 0;
    pools[p] = { size, draws: Math.round(d), coverage: size > 0 ? d / size : 0 };
  }

  const outages: PlanOutage[] = outageDefs.map(({ o, regions: idx }, i) => {
    const end = o.startS + o.durationS;
    const expected = idx.reduce((s, ri) => {
      const c = rate.curves[ri]!;
      return s + c.cumulative(end) - c.cumulative(o.startS);
    }, 0);
    return {
      name: o.name,
      startS: o.startS,
      durationS: o.durationS,
      endS: end,
      regions: [...o.regions],
      arrivalsDuring: Math.round(counts.outage ? (counts.outage[i] ?? 0) : expected),
    };
  });

  const peak = rate.peak();
  return {
    version: 1,
    profile: { name: profile.name, file: profile.file },
    exact,
    seed: profile.population.seed,
    durationS: rate.durationS,
    totalArrivals: Math.round(total),
    meanRatePerS: rate.durationS > 0 ? total / rate.durationS : 0,
    peakRatePerS: peak.ratePerS,
    peakAtS: peak.atS,
    regions,
    phases,
    flows,
    steps,
    pools,
    outages,
    series: series(rate, opts.seriesPoints ?? 120),
  };
}

/** Highest rate of one curve within [a, b] (its breakpoints and both ends). */
function phasePeak(
  curve: ProfileRate['curves'][number],
  a: number,
  b: number,
): { ratePerS: number; atS: number } {
  if (!(b > a)) return { ratePerS: 0, atS: a };
  let best = { ratePerS: curve.rate(a), atS: a };
  for (const t of curve.breakpoints()) {
    if (t < a || t > b) continue;
    const r = Math.max(t > a ? curve.rateBefore(t) : 0, t < b ? curve.rate(t) : 0);
    if (r > best.ratePerS) best = { ratePerS: r, atS: t };
  }
  if (b > a && curve.rateBefore(b) > best.ratePerS) best = { ratePerS: curve.rateBefore(b), atS: b };
  return best;
}
