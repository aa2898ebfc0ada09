/**
 * Which flow an arrival runs: per region and phase, the normalized flow weights (the phase's `mix`
 * when it has one, else the flows' own weights) as a cumulative table for a single uniform draw.
 * Shared by the stream (draws) and the planner (expected shares).
 */
import { StampedeError } from '../errors.js';
import type { Flow, Phase, Profile } from '../profile/profile.js';

/** Normalized shares of `flows` in one phase (index = flow index; sums to 1). */
export function phaseShares(flows: readonly Flow[], phase: Phase, where: string): number[] {
  let raw: number[];
  if (phase.mix) {
    const known = new Set(flows.map((f) => f.name));
    const unknown = Object.keys(phase.mix).filter((k) => !known.has(k));
    if (unknown.length > 0) {
      throw new StampedeError('E_PROFILE', `${where}: mix names unknown flow(s) ${unknown.join(', ')}`);
    }
    raw = flows.map((f) => phase.mix?.[f.name] ?? 0);
  } else {
    raw = flows.map((f) => f.weight);
  }
  if (raw.some((w) => !(w >= 0) || !Number.isFinite(w))) {
    throw new StampedeError('E_PROFILE', `${where}: flow weights must be finite numbers >= 0`);
  }
  const sum = raw.reduce((s, w) => s + w, 0);
  if (!(sum > 0)) {
    throw new StampedeError('E_PROFILE', `${where}: the flow weights (or the phase mix) sum to 0`);
  }
  return raw.map((w) => w / sum);
}

/** Cumulative table of `shares`; the last entry is forced to 1 so rounding never leaves a gap. */
export function cumulativeTable(shares: readonly number[]): Float64Array {
  const t = new Float64Array(shares.length);
  let c = 0;
  shares.forEach((s, i) => {
    c += s;
    t[i] = c;
  });
  if (t.length > 0) t[t.length - 1] = 1;
  return t;
}

/**
 * Shares per region and phase: `result[region][phase][flow]`. Throws a StampedeError naming the
 * region and phase when a mix is unusable; phases that can produce no arrival are not checked.
 */
export function compileShares(profile: Profile): number[][][] {
  if (profile.flows.length === 0) {
    const any = profile.regions.some((r) => r.phases.length > 0);
    if (any) throw new StampedeError('E_PROFILE', `${profile.file || profile.name}: flows: no flow defined`);
  }
  return profile.regions.map((r) =>
    r.phases.map((p) =>
      profile.flows.length === 0
        ? []
        : phaseShares(profile.flows, p, `${profile.file || profile.name}: region ${r.name}, phase ${p.name}`),
    ),
  );
}
