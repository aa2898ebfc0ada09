/**
 * `capacity.json`: the answer of a capacity search and every probe behind it. Versioned like
 * summary.json; docs/measurement.md (Capacity) defines each figure.
 */
import type { SearchResult, SearchVerdict, SloFigure } from './capacity-search.js';
import type { ProbeMode } from './probe-runner.js';
import type { SettleResult } from './target-settle.js';

/** Bump on any change an old reader would misread. */
export const CAPACITY_SCHEMA_VERSION = 1;

/** One probe as recorded. */
export interface CapacityProbe {
  /** 1-based, in the order run. */
  readonly index: number;
  readonly ratePerS: number;
  readonly phase: 'growth' | 'bisect';
  readonly valid: boolean;
  readonly problems: readonly string[];
  /** Met every SLO; null when the probe was invalid (it does not count). */
  readonly pass: boolean | null;
  readonly slos: readonly SloFigure[];
  /** Requests/s of each step at this probe (offered, retries and polls included). */
  readonly stepRatesPerS: Readonly<Record<string, number>>;
  /** The probe's run directory, relative to the capacity output directory. */
  readonly runDir: string;
  /** The settle before this probe; null before the first (the baseline is taken instead). */
  readonly settle: SettleResult | null;
  /** Wall seconds of the probe itself (start to its run directory written), settle excluded. */
  readonly wallS: number;
}

/** What generator-bound means and what to do about it. */
export const GENERATOR_ADVICE =
  'the load generator, not the target, was the limit: rerun with more --workers, spread the load over more machines (stampede export k6 runs the same flows on k6 / k6-operator), or raise client.maxInFlight if arrivals were dropped';

/** capacity.json. */
export interface CapacityReport {
  readonly schemaVersion: typeof CAPACITY_SCHEMA_VERSION;
  /** real: probes fired at the target; simulated: virtual time on the reference model. */
  readonly mode: ProbeMode;
  readonly profile: { readonly name: string; readonly file: string };
  readonly target: string;
  readonly startedAt: string;
  readonly slos: readonly string[];
  readonly settings: {
    readonly minPerS: number;
    readonly maxPerS: number;
    readonly precision: number;
    readonly probeS: number;
    readonly settleS: number;
    readonly workers: number | null;
  };
  readonly verdict: SearchVerdict;
  /** True when the search was interrupted before it ended; the bracket is the one reached. */
  readonly interrupted: boolean;
  /** Highest probed arrival rate (of the profile's mix) that met every SLO, arrivals/s. */
  readonly capacityPerS: number | null;
  /** [highest pass, lowest failure or invalid probe]; null where there is none. */
  readonly bracket: readonly [number | null, number | null];
  /** Each step's requests/s at the capacity probe. */
  readonly stepCapacityPerS: Readonly<Record<string, number>> | null;
  /** `--step`: that step's requests/s at capacity. */
  readonly step: { readonly name: string; readonly capacityPerS: number | null } | null;
  /** The step whose SLO failed at the bracket's upper end. */
  readonly limitingStep: string | null;
  /** That SLO with its figure. */
  readonly limitingSlo: {
    readonly expr: string;
    readonly actual: number | null;
    readonly threshold: number;
    readonly unit: string;
    readonly message: string;
  } | null;
  readonly generatorBound: boolean;
  /** For a generator-bound answer: the invalid probe's rate, its problems and what to do. */
  readonly generator: {
    readonly invalidAtPerS: number;
    readonly problems: readonly string[];
    readonly advice: string;
  } | null;
  readonly probes: readonly CapacityProbe[];
  /** Wall seconds of the whole search. */
  readonly wallS: number;
}

/** What the report is built from besides the probes. */
export interface ReportContext {
  readonly mode: ProbeMode;
  readonly profile: { readonly name: string; readonly file: string };
  readonly target: string;
  readonly startedAt: string;
  readonly slos: readonly string[];
  readonly settings: CapacityReport['settings'];
  readonly step: string | null;
  readonly interrupted: boolean;
  readonly wallS: number;
}

/** Assembles capacity.json from the search's answer and its probes. */
export function buildCapacityReport(
  ctx: ReportContext,
  result: SearchResult,
  probes: readonly CapacityProbe[],
): CapacityReport {
  const at = result.capacityPerS;
  const capacityProbe = at === null ? undefined : probes.find((p) => p.valid && p.ratePerS === at);
  const stepRates = capacityProbe ? capacityProbe.stepRatesPerS : null;
  const lim = result.limiting;
  return {
    schemaVersion: CAPACITY_SCHEMA_VERSION,
    mode: ctx.mode,
    profile: ctx.profile,
    target: ctx.target,
    startedAt: ctx.startedAt,
    slos: ctx.slos,
    settings: ctx.settings,
    verdict: result.verdict,
    interrupted: ctx.interrupted,
    capacityPerS: at,
    bracket: result.bracket,
    stepCapacityPerS: stepRates,
    step: ctx.step === null ? null : { name: ctx.step, capacityPerS: stepRates?.[ctx.step] ?? null },
    limitingStep: lim?.step ?? null,
    limitingSlo: lim
      ? { expr: lim.expr, actual: lim.actual, threshold: lim.threshold, unit: lim.unit, message: lim.message }
      : null,
    generatorBound: result.verdict === 'generator-bound',
    generator: result.invalidAt
      ? {
          invalidAtPerS: result.invalidAt.ratePerS,
          problems: result.invalidAt.problems,
          advice: GENERATOR_ADVICE,
        }
      : null,
    probes,
    wallS: ctx.wallS,
  };
}
