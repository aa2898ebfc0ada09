/**
 * The profile's arrival curves as k6 `ramping-arrival-rate` scenarios: one per flow × region, with
 * stages that integrate to the same expected arrivals as the profile (what `planProfile` counts).
 * Pure data: the emitter prints it as the script's `options.scenarios`, tests integrate it.
 *
 * k6 ramps linearly between stage targets, which is exactly a `ramp` phase; a jump (step edges,
 * spike edges, a phase starting at another rate) becomes a short ramp centred on the jump, which
 * keeps the integral: half its width is taken from each side, and the missing area on one side
 * equals the extra area on the other.
 */
import { compileShares } from '../arrivals/flow-mix.js';
import { profileDurationS } from '../arrivals/profile-rate.js';
import { RateCurve } from '../arrivals/rate-curve.js';
import { derivedDrainS } from '../driver/drain.js';
import type { Flow, Profile } from '../profile/profile.js';
import { k6Duration } from './k6-emitter.js';
import { capVus, overrideVus, type RateShape, sizeScenario, stageSeconds, type VuSizing } from './k6-vus.js';

/** One `stages` entry: ramp linearly to `target` iterations per `timeUnit` over `duration`. */
export interface K6Stage {
  readonly target: number;
  readonly duration: string;
}

/** A `ramping-arrival-rate` scenario of one flow in one region. */
export interface K6ArrivalScenario {
  readonly executor: 'ramping-arrival-rate';
  readonly exec: string;
  readonly startTime: string;
  readonly startRate: number;
  readonly timeUnit: string;
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
  readonly gracefulStop: string;
  readonly stages: readonly K6Stage[];
  /** Scenario-level environment: region name and account offset of this scenario. */
  readonly env: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** A scenario that calls the target's maintenance request once, at an outage's start. */
export interface K6MaintenanceScenario {
  readonly executor: 'per-vu-iterations';
  readonly exec: 'maintenance';
  readonly vus: 1;
  readonly iterations: 1;
  readonly startTime: string;
  readonly maxDuration: string;
  readonly env: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** Any scenario the exporter writes. */
export type K6Scenario = K6ArrivalScenario | K6MaintenanceScenario;

/** Widest centred ramp that stands for an instantaneous jump, seconds. */
export const JUMP_WIDTH_S = 1;

/** Candidate `timeUnit`s: k6 stage targets are integers, so small rates need a longer unit. */
const TIME_UNITS_S = [1, 10, 60, 600, 3600] as const;

/** Rate knot: the piecewise-linear rate of one scenario, `r(t)` linear between knots. */
interface Knot {
  readonly t: number;
  readonly r: number;
}

/** Name of the exported function that runs `flow` (a JS identifier). */
export function flowFunctionName(flow: Flow): string {
  return `flow_${flow.name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Scenario name of a flow in a region (k6 allows letters, digits, `_` and `-`). */
export function scenarioName(flow: string, region: string): string {
  return `${flow}--${region}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * Knots of flow `fi` in one region, times relative to the region's start. Jumps become a centred
 * ramp of width min(JUMP_WIDTH_S, a quarter of each neighbouring segment).
 */
function knots(curve: RateCurve, shares: readonly (readonly number[])[], fi: number): Knot[] {
  const segs: { t0: number; t1: number; a: number; b: number }[] = [];
  for (let i = 0; i < curve.length; i++) {
    const s = shares[curve.phase[i]!]?.[fi] ?? 0;
    const t0 = curve.t0[i]! - curve.startS;
    const t1 = curve.t1[i]! - curve.startS;
    const a = curve.r0[i]! * s;
    const b = Math.max(0, curve.r0[i]! + curve.slope[i]! * (t1 - t0)) * s;
    segs.push({ t0, t1, a, b });
  }
  const out: Knot[] = [];
  segs.forEach((seg, i) => {
    const prev = segs[i - 1];
    const next = segs[i + 1];
    const len = seg.t1 - seg.t0;
    const at = (t: number): number => seg.a + ((seg.b - seg.a) * (t - seg.t0)) / (len || 1);
    const jumpIn = prev !== undefined && Math.abs(prev.b - seg.a) > 1e-12;
    const jumpOut = next !== undefined && Math.abs(seg.b - next.a) > 1e-12;
    const wIn = prev ? Math.min(JUMP_WIDTH_S, (prev.t1 - prev.t0) / 4, len / 4) : 0;
    const wOut = next ? Math.min(JUMP_WIDTH_S, (next.t1 - next.t0) / 4, len / 4) : 0;
    const s = jumpIn ? seg.t0 + wIn / 2 : seg.t0;
    const e = jumpOut ? seg.t1 - wOut / 2 : seg.t1;
    out.push({ t: s, r: at(s) }, { t: e, r: at(e) });
  });
  return out;
}

/** Smallest time unit whose integer targets keep the integral within 0.2 % (or 0.5 arrival). */
function pickTimeUnit(ks: readonly Knot[]): number {
  const area = (scale: number, round: boolean): number => {
    let sum = 0;
    for (let i = 1; i < ks.length; i++) {
      const a = ks[i - 1]!;
      const b = ks[i]!;
      const ra = round ? Math.round(a.r * scale) / scale : a.r;
      const rb = round ? Math.round(b.r * scale) / scale : b.r;
      sum += ((ra + rb) / 2) * (b.t - a.t);
    }
    return sum;
  };
  const exact = area(1, false);
  for (const u of TIME_UNITS_S) {
    if (Math.abs(area(u, true) - exact) <= Math.max(0.5, exact * 0.002)) return u;
  }
  return 3600;
}

/** Options of `buildArrivalScenarios`. */
export interface ScenarioOptions {
  /** First account-offset of each flow's scenarios, by flow name (see the account synthesis). */
  readonly accountOffsets?: (flow: number, region: number) => number;
  /** k6 instances the run is split over (k6-operator `parallelism`); default 1. */
  readonly pods?: number;
  /** `--vus`: VUs per k6 instance instead of the Little's-law sizing. */
  readonly vusPerInstance?: number;
}

/**
 * One scenario per flow × region with any arrivals; keyed by `scenarioName`. VUs by Little's law
 * over the scenario's own rate curve (k6-vus.ts), or `vusPerInstance` spread by need.
 */
export function buildArrivalScenarios(
  profile: Profile,
  opts: ScenarioOptions = {},
): Record<string, K6ArrivalScenario> {
  const shares = compileShares(profile);
  const pods = Math.max(1, opts.pods ?? 1);
  const out: Record<string, K6ArrivalScenario> = {};
  const sizings: VuSizing[] = [];
  const endS = profileDurationS(profile);
  profile.regions.forEach((region, ri) => {
    const curve = new RateCurve(region);
    profile.flows.forEach((flow, fi) => {
      const ks = knots(curve, shares[ri] ?? [], fi);
      const peak = ks.reduce((m, k) => Math.max(m, k.r), 0);
      if (!(peak > 0)) return;
      const unit = pickTimeUnit(ks);
      const stages: K6Stage[] = [];
      for (let i = 1; i < ks.length; i++) {
        const a = ks[i - 1]!;
        const b = ks[i]!;
        const ms = Math.round((b.t - a.t) * 1000);
        if (ms <= 0) continue;
        stages.push({ target: Math.round(b.r * unit), duration: k6Duration(ms / 1000) });
      }
      const shape: RateShape = {
        flow,
        region: region.name,
        startS: region.startS,
        startRate: Math.round((ks[0]?.r ?? 0) * unit),
        unitS: unit,
        stages: stageSeconds(stages, parseK6DurationS),
      };
      const vus = sizeScenario(shape, profile, pods);
      sizings.push(vus);
      out[scenarioName(flow.name, region.name)] = {
        executor: 'ramping-arrival-rate',
        exec: flowFunctionName(flow),
        startTime: k6Duration(region.startS),
        startRate: Math.round((ks[0]?.r ?? 0) * unit),
        timeUnit: k6Duration(unit),
        preAllocatedVUs: vus.preAllocatedVUs,
        maxVUs: vus.maxVUs,
        // Sessions still running when the scenario's stages end run on until the native run
        // would cancel them: the profile's end plus its drain (a region that closes early must
        // not cut its sessions short while the surge goes on elsewhere).
        gracefulStop: k6Duration(
          Math.ceil(
            Math.max(0, endS - region.startS - shape.stages.reduce((a, st) => a + st.durationS, 0)) +
              derivedDrainS(profile),
          ),
        ),
        stages,
        env: {
          STAMPEDE_REGION: region.name,
          STAMPEDE_ACCOUNT_OFFSET: String(opts.accountOffsets?.(fi, ri) ?? 0),
        },
        tags: { flow: flow.name, region: region.name },
      };
    });
  });
  {
    const forced =
      opts.vusPerInstance !== undefined
        ? overrideVus(sizings, opts.vusPerInstance, pods)
        : capVus(sizings, profile.client.maxInFlight, pods);
    Object.keys(out).forEach((name, i) => {
      const z = forced[i]!;
      out[name] = { ...out[name]!, preAllocatedVUs: z.preAllocatedVUs, maxVUs: z.maxVUs };
    });
  }
  return out;
}

/** One maintenance scenario per outage, starting at the outage (the target's `maintenance` request). */
export function buildMaintenanceScenarios(profile: Profile): Record<string, K6MaintenanceScenario> {
  const out: Record<string, K6MaintenanceScenario> = {};
  for (const o of profile.outages) {
    out[`maintenance-${o.name}`.replace(/[^A-Za-z0-9_-]/g, '_')] = {
      executor: 'per-vu-iterations',
      exec: 'maintenance',
      vus: 1,
      iterations: 1,
      startTime: k6Duration(o.startS),
      maxDuration: '30s',
      env: { STAMPEDE_OUTAGE_DURATION_S: String(o.durationS), STAMPEDE_OUTAGE_REGIONS: o.regions.join(',') },
      tags: { stampede: 'maintenance' },
    };
  }
  return out;
}

/** Seconds of one k6 duration string as this module writes them (`1500ms`, `2s`, `1m`, `1h`). */
export function parseK6DurationS(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`not a k6 duration: ${text}`);
  const v = Number(m[1]);
  const unit = m[2] === 'ms' ? 0.001 : m[2] === 's' ? 1 : m[2] === 'm' ? 60 : 3600;
  return v * unit;
}

/** Expected iterations of one arrival scenario: the trapezoids of its stages, per second. */
export function scenarioArrivals(s: K6ArrivalScenario): number {
  const unitS = parseK6DurationS(s.timeUnit);
  let prev = s.startRate;
  let sum = 0;
  for (const st of s.stages) {
    sum += ((prev + st.target) / 2) * parseK6DurationS(st.duration);
    prev = st.target;
  }
  return sum / unitS;
}
