/**
 * Probe profiles: the user's profile reduced to one constant arrival rate. A probe keeps the
 * profile's flows (steps, think times, retry policies), its population, client settings and
 * target capacity, and its mix of flows; it drops the timeline (regions' offsets, ramps, spikes)
 * and the planned outages, which are rehearsal scenery, not capacity. The rate of a probe is
 * arrivals per second of that mix, the unit capacity is stated in.
 */
import { phaseShares } from '../arrivals/flow-mix.js';
import type { ArrivalProcess, Phase, Profile } from '../profile/profile.js';

/** Mean planned rate of one phase over its duration, arrivals/s. */
function phaseMeanRate(p: Phase): number {
  switch (p.shape) {
    case 'constant':
      return p.rate;
    case 'ramp':
    case 'step':
      return (p.from + p.to) / 2;
    case 'spike':
      return p.base + ((p.peak - p.base) * Math.min(p.widthS, p.durationS)) / Math.max(p.durationS, 1e-9);
  }
}

/**
 * The profile's mix: each flow's share of all the arrivals the profile plans (phases with a
 * `mix` of their own weigh in by their expected arrivals). Index = flow index; sums to 1.
 */
export function profileMix(profile: Profile): number[] {
  const totals = profile.flows.map(() => 0);
  let arrivals = 0;
  profile.regions.forEach((region) => {
    region.phases.forEach((phase, i) => {
      const expected = phaseMeanRate(phase) * phase.durationS;
      if (!(expected > 0)) return;
      const shares = phaseShares(profile.flows, phase, `${profile.file} regions.${region.name}.phases[${i}]`);
      shares.forEach((s, f) => {
        totals[f] = (totals[f] ?? 0) + s * expected;
      });
      arrivals += expected;
    });
  });
  // A profile that plans no arrivals at all still has its flows' own weights.
  if (!(arrivals > 0)) return profile.flows.map((f) => f.weight);
  return totals.map((t) => t / arrivals);
}

/** The arrival process of the profile's first phase (how arrivals are spread inside a second). */
function firstProcess(profile: Profile): ArrivalProcess {
  return profile.regions[0]?.phases[0]?.process ?? 'poisson';
}

/** The profile at a constant `ratePerS` for `durationS`: the profile's mix, no ramps, no outages. */
export function probeProfile(profile: Profile, ratePerS: number, durationS: number): Profile {
  const mix = profileMix(profile);
  const flows = profile.flows
    .map((f, i) => ({ ...f, weight: mix[i] ?? 0 }))
    // A flow the profile never runs (weight 0 everywhere) has no place in its capacity.
    .filter((f) => f.weight > 0);
  return {
    ...profile,
    description: `capacity probe of ${profile.name}: ${ratePerS} arrivals/s for ${durationS}s`,
    flows,
    regions: [
      {
        name: profile.regions[0]?.name ?? 'probe',
        startS: 0,
        phases: [
          {
            name: 'probe',
            shape: 'constant',
            rate: ratePerS,
            durationS,
            process: firstProcess(profile),
          },
        ],
      },
    ],
    outages: [],
    // The SLOs are judged after each probe; the profile's own gates are for `run`.
    gates: [],
  };
}

/**
 * Requests of each step per arrival as the profile declares them (its mix times each flow's
 * steps), before retries and mailbox polls: what a step's rate is when nothing was measured.
 */
export function declaredStepsPerArrival(profile: Profile): Record<string, number> {
  const mix = profileMix(profile);
  const out: Record<string, number> = {};
  profile.flows.forEach((flow, f) => {
    for (const step of flow.steps) out[step.name] = (out[step.name] ?? 0) + (mix[f] ?? 0);
  });
  return out;
}
