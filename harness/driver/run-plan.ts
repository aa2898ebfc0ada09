/**
 * What the coordinator derives from the profile for the run directory and the progress line:
 * the run's meta (planned rate per interval, settings, outages, flows), the share of the stream
 * a lost worker left undriven, and the phase running at a time. Pure functions of their inputs.
 */
import type { RunMeta } from '../../reports/run-dir/run-meta.js';
import { rateAt } from '../arrivals/profile-rate.js';
import { profileHash } from '../profile/load-profile.js';
import type { Profile } from '../profile/profile.js';
import { trafficHash } from '../profile/traffic-hash.js';
import type { SurgeOptions } from './run-coordinator.js';

/** Who made a run and how: what differs between a real run's meta and a simulation's. */
export interface MetaSource {
  readonly target: string;
  readonly engine: string;
  readonly latencyModel: RunMeta['latencyModel'];
  readonly workers: number;
  /** Settings besides the client's and the scales (target capacity, engine options, ...). */
  readonly settings: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The meta of a run of `profile` from t0 over `durationS`: the profile's identity with its
 * traffic hash (what compare matches on), the planned rate per interval, the client settings and
 * scales beside `source.settings`, outages and flows. Real runs and simulations both build theirs
 * here, so compare and merge read the same fields from either.
 */
export function profileRunMeta(
  profile: Profile,
  source: MetaSource,
  steps: readonly string[],
  t0Ms: number,
  intervalMs: number,
  durationS: number,
): RunMeta {
  const intervals = Math.ceil((durationS * 1000) / intervalMs);
  const planned: number[] = [];
  for (let i = 0; i < intervals; i++) planned.push(rateAt(profile, ((i + 0.5) * intervalMs) / 1000));
  return {
    profile: {
      name: profile.name,
      file: profile.file,
      hash: profileHash(profile),
      trafficHash: trafficHash(profile),
    },
    target: source.target,
    engine: source.engine,
    latencyModel: source.latencyModel,
    startedAt: new Date(t0Ms).toISOString(),
    t0Ms,
    intervalMs,
    steps,
    plannedDurationS: durationS,
    workers: source.workers,
    outages: profile.outages.map((o) => ({
      name: o.name,
      startS: o.startS,
      durationS: o.durationS,
      regions: o.regions,
    })),
    plannedRatePerS: planned,
    flows: profile.flows.map((f) => ({ name: f.name, steps: f.steps.map((st) => st.name) })),
    settings: {
      workers: source.workers,
      maxInFlight: profile.client.maxInFlight,
      connections: profile.client.connections,
      pipelining: profile.client.pipelining,
      requestTimeoutS: profile.client.requestTimeoutS,
      rateScale: profile.rateScale,
      timeScale: profile.timeScale,
      ...source.settings,
    },
  };
}

/** The meta of a real run (one shard's when `opts.shard` is set). */
export function runMeta(
  opts: SurgeOptions,
  steps: readonly string[],
  t0Ms: number,
  intervalMs: number,
  durationS: number,
): RunMeta {
  const settings: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(opts.capacity)) settings[`target.${k}`] = v;
  for (const [k, v] of Object.entries(opts.engineOptions)) settings[`engine.${k}`] = v;
  const source: MetaSource = {
    target: opts.target.name,
    engine: opts.engine.name,
    latencyModel: opts.engine.latencyModel,
    workers: opts.workers,
    settings,
  };
  const meta = profileRunMeta(opts.profile, source, steps, t0Ms, intervalMs, durationS);
  return opts.shard ? { ...meta, shard: opts.shard } : meta;
}

/**
 * Share of the whole arrival stream a lost worker left undriven: its slice (1/shards) of the
 * planned arrivals after the last interval it shipped.
 */
export function undrivenShare(plannedPerS: readonly number[], lastInterval: number, shards: number): number {
  let total = 0;
  let after = 0;
  for (let i = 0; i < plannedPerS.length; i++) {
    total += plannedPerS[i]!;
    if (i > lastInterval) after += plannedPerS[i]!;
  }
  return total > 0 ? after / total / shards : 0;
}

/** Name of the phase running at `tS` (the first region's, for the progress line). */
export function phaseAt(profile: Profile, tS: number): string {
  const names: string[] = [];
  for (const r of profile.regions) {
    let t = r.startS;
    for (const p of r.phases) {
      if (tS >= t && tS < t + p.durationS) {
        names.push(profile.regions.length > 1 ? `${r.name}:${p.name}` : p.name);
        break;
      }
      t += p.durationS;
    }
  }
  return names.length > 0 ? names.join(' ') : tS < 0 ? 'starting' : 'draining';
}
