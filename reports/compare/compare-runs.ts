/**
 * Puts two runs side by side, step by step: latency percentiles with absolute and relative
 * deltas, error and drop rates, fall-behind points, and a verdict per step from the rank test
 * (`latency-verdict.ts`). Pure: it reads two `RunData` and returns plain data for the renderers.
 */
import type { Histogram } from 'hdr-histogram-js';
import { aggregateHistogram } from '../recorder/histogram-factory.js';
import type { RunData } from '../run-dir/run-data.js';
import type { FellBehind } from '../run-dir/summary.js';
import {
  COMPARE_METHOD,
  DEFAULT_ALPHA,
  judgeLatency,
  type LatencyVerdict,
  type VerdictOptions,
} from './latency-verdict.js';

/** The percentiles compared, as labels and values. */
export const COMPARED_PERCENTILES = [
  ['p50', 50],
  ['p90', 90],
  ['p99', 99],
  ['p99.9', 99.9],
  ['max', 100],
] as const;

/** One figure of both runs. */
export interface Paired {
  readonly base: number | null;
  readonly candidate: number | null;
  /** candidate - base, or null when either is missing. */
  readonly delta: number | null;
  /** delta / base, or null when base is missing or 0. */
  readonly relative: number | null;
}

/** One step compared. */
export interface StepComparison {
  readonly step: string;
  /** Latency percentiles, ms, keyed by label (p50 .. max). */
  readonly latencyMs: Readonly<Record<string, Paired>>;
  /** Non-ok share of completed requests, %. */
  readonly errorRatePct: Paired;
  readonly count: Paired;
  readonly fellBehindAtS: { readonly base: number | null; readonly candidate: number | null };
  readonly verdict: LatencyVerdict;
}

/** The whole comparison. */
export interface Comparison {
  readonly method: string;
  readonly alpha: number;
  readonly maxRegression: number;
  readonly base: { readonly profile: string; readonly startedAt: string; readonly target: string };
  readonly candidate: { readonly profile: string; readonly startedAt: string; readonly target: string };
  /** Dropped share of arrivals, %. */
  readonly droppedPct: Paired;
  readonly steps: readonly StepComparison[];
  /** True when any step regressed beyond the limit. */
  readonly regressed: boolean;
}

/** Pairs two figures. */
export function paired(base: number | null, candidate: number | null): Paired {
  const delta = base === null || candidate === null ? null : candidate - base;
  const relative = delta === null || base === null || base === 0 ? null : delta / base;
  return { base, candidate, delta, relative };
}

function percentileMs(h: Histogram | undefined, p: number): number | null {
  if (!h || h.totalCount === 0) return null;
  return Math.round(p === 100 ? h.maxValue : h.getValueAtPercentile(p)) / 1000;
}

function errorRate(run: RunData, step: string): number | null {
  const s = run.summary.steps[step];
  if (!s || s.count === 0) return null;
  return (100 * (s.count - s.ok)) / s.count;
}

function fellBehindAt(list: readonly FellBehind[] | null, step: string): number | null {
  return list?.find((f) => f.step === step)?.atS ?? null;
}

/** Compares candidate against base. Steps are those of either run, base order first. */
export function compareRuns(
  base: RunData,
  candidate: RunData,
  opts: Partial<VerdictOptions> = {},
): Comparison {
  const options: VerdictOptions = {
    maxRegression: opts.maxRegression ?? 0.1,
    alpha: opts.alpha ?? DEFAULT_ALPHA,
  };
  const names = [...base.meta.steps, ...candidate.meta.steps.filter((s) => !base.meta.steps.includes(s))];
  const hist = (run: RunData, step: string) => run.histograms.find((h) => h.step === step)?.latency;
  const steps = names.map((step): StepComparison => {
    const hb = hist(base, step);
    const hc = hist(candidate, step);
    const latencyMs: Record<string, Paired> = {};
    for (const [label, p] of COMPARED_PERCENTILES)
      latencyMs[label] = paired(percentileMs(hb, p), percentileMs(hc, p));
    return {
      step,
      latencyMs,
      errorRatePct: paired(errorRate(base, step), errorRate(candidate, step)),
      count: paired(base.summary.steps[step]?.count ?? 0, candidate.summary.steps[step]?.count ?? 0),
      fellBehindAtS: {
        base: fellBehindAt(base.summary.fellBehind, step),
        candidate: fellBehindAt(candidate.summary.fellBehind, step),
      },
      // A step only one run has is judged against an empty histogram: "no data".
      verdict: judgeLatency(hb ?? aggregateHistogram(), hc ?? aggregateHistogram(), options),
    };
  });
  const dropped = (r: RunData) =>
    r.summary.arrivals > 0 ? (100 * r.summary.dropped) / r.summary.arrivals : null;
  const who = (r: RunData) => ({
    profile: r.summary.profile.name,
    startedAt: r.summary.startedAt,
    target: r.summary.target,
  });
  return {
    method: COMPARE_METHOD,
    alpha: options.alpha,
    maxRegression: options.maxRegression,
    base: who(base),
    candidate: who(candidate),
    droppedPct: paired(dropped(base), dropped(candidate)),
    steps,
    regressed: steps.some((s) => s.verdict.verdict === 'regressed'),
  };
}
