/**
 * Builds `summary.json` from a run's totals and series. Shared by the run writer (live and at the
 * end), by merge and by import, so every run directory's summary means the same thing.
 */
import type { Histogram } from 'hdr-histogram-js';
import { analyzeFallBehind, type FallBehindOptions } from '../analysis/fall-behind.js';
import { OUTCOME_CLASSES } from '../../harness/vocabulary/outcome.js';
import { aggregateHistogram } from '../recorder/histogram-factory.js';
import type { RunEnd, RunMeta } from './run-meta.js';
import type { SeriesRow } from './series-row.js';
import { usToMs } from './series-row.js';
import {
  type FellBehind,
  type GateResult,
  type LatencyStats,
  type StepSummary,
  SUMMARY_SCHEMA_VERSION,
  type Summary,
} from './summary.js';

/** Whole-run totals of one step (histograms of µs, counts indexed as `OUTCOME_CLASSES`). */
export interface StepTotals {
  readonly latency: Histogram;
  readonly service: Histogram;
  readonly outcomes: number[];
  offered: number;
  retries: number;
}

/** Whole-run totals, steps indexed as `RunMeta.steps`. */
export interface RunTotals {
  arrivals: number;
  started: number;
  dropped: number;
  completed: number;
  maxLatenessUs: number;
  /** Send lateness of every arrival (µs); empty when the engine had no schedule. */
  readonly lateness: Histogram;
  readonly steps: StepTotals[];
}

/** Empty totals for a run with `stepCount` steps. */
export function emptyTotals(stepCount: number): RunTotals {
  const steps: StepTotals[] = [];
  for (let i = 0; i < stepCount; i++) {
    steps.push({
      latency: aggregateHistogram(),
      service: aggregateHistogram(),
      outcomes: new Array<number>(OUTCOME_CLASSES.length).fill(0),
      offered: 0,
      retries: 0,
    });
  }
  return {
    arrivals: 0,
    started: 0,
    dropped: 0,
    completed: 0,
    maxLatenessUs: 0,
    lateness: aggregateHistogram(),
    steps,
  };
}

/**
 * Totals rebuilt from a run's series (counts) and whole-run histograms (as read from the hlog):
 * what `readRunDir` uses when the writer died before its last summary, and what merge can use.
 */
export function totalsFromSeries(
  series: readonly SeriesRow[],
  histograms: readonly { readonly latency: Histogram; readonly service: Histogram }[],
  lateness?: Histogram,
): RunTotals {
  const t = emptyTotals(histograms.length);
  if (lateness !== undefined) t.lateness.add(lateness);
  histograms.forEach((h, i) => {
    t.steps[i]!.latency.add(h.latency);
    t.steps[i]!.service.add(h.service);
  });
  for (const r of series) {
    t.arrivals += r.arrivals;
    t.started += r.started;
    t.dropped += r.dropped;
    t.completed += r.completed;
    t.maxLatenessUs = Math.max(t.maxLatenessUs, Math.round(r.maxLatenessMs * 1000));
    r.steps.forEach((st, i) => {
      const tot = t.steps[i];
      if (tot === undefined) return;
      for (let k = 0; k < tot.outcomes.length; k++) tot.outcomes[k]! += st.outcomes[k] ?? 0;
      tot.offered += st.offered;
      tot.retries += st.retries;
    });
  }
  return t;
}

/** Percentiles of a µs histogram in ms (µs precision); all zero when it is empty. */
export function latencyStats(h: Histogram): LatencyStats {
  if (h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    p50: usToMs(h.getValueAtPercentile(50)),
    p90: usToMs(h.getValueAtPercentile(90)),
    p99: usToMs(h.getValueAtPercentile(99)),
    p999: usToMs(h.getValueAtPercentile(99.9)),
    max: usToMs(h.maxValue),
    mean: usToMs(h.mean),
  };
}

/** Everything `summarize` needs; `fellBehind` is computed from `series` unless given. */
export interface SummarizeInput {
  readonly meta: RunMeta;
  readonly totals: RunTotals;
  readonly series: readonly SeriesRow[];
  readonly end: RunEnd;
  /** Seconds the run covered; default: from t0 to the end of the last interval in `series`. */
  readonly durationS?: number;
  readonly fellBehind?: readonly FellBehind[] | null;
  readonly fallBehindOptions?: Partial<FallBehindOptions>;
  readonly gates?: readonly GateResult[] | null;
}

function stepSummary(t: StepTotals, durationS: number): StepSummary {
  let count = 0;
  const errors: Record<string, number> = {};
  OUTCOME_CLASSES.forEach((cls, k) => {
    const n = t.outcomes[k] ?? 0;
    count += n;
    if (k !== 0 && n > 0) errors[cls] = n;
  });
  return {
    count,
    ok: t.outcomes[0] ?? 0,
    errors,
    offered: t.offered,
    retries: t.retries,
    ratePerS: durationS > 0 ? Math.round((count / durationS) * 1000) / 1000 : 0,
    latencyMs: latencyStats(t.latency),
    serviceMs: latencyStats(t.service),
  };
}

/** The `Summary` of a run (see summary.schema.json). */
export function summarize(input: SummarizeInput): Summary {
  const { meta, totals, series, end } = input;
  const intervalS = meta.intervalMs / 1000;
  const last = series[series.length - 1];
  const durationS = input.durationS ?? (last === undefined ? 0 : last.tS + intervalS);
  const steps: Record<string, StepSummary> = {};
  meta.steps.forEach((name, i) => {
    const t = totals.steps[i];
    if (t !== undefined) steps[name] = stepSummary(t, durationS);
  });
  const fellBehind =
    input.fellBehind !== undefined
      ? input.fellBehind
      : analyzeFallBehind(
          { t0Ms: meta.t0Ms, intervalS, steps: meta.steps, rows: series, outages: meta.outages },
          input.fallBehindOptions ?? {},
        );
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    profile: { ...meta.profile },
    target: meta.target,
    engine: meta.engine,
    latencyModel: meta.latencyModel,
    startedAt: meta.startedAt,
    durationS: Math.round(durationS * 1000) / 1000,
    intervalS,
    aborted: end.aborted,
    abortReason: end.abortReason,
    degraded: [...end.degraded],
    shard: meta.shard ? { ...meta.shard } : null,
    arrivals: totals.arrivals,
    started: totals.started,
    dropped: totals.dropped,
    completed: totals.completed,
    maxLatenessMs: usToMs(totals.maxLatenessUs),
    latenessMs: totals.lateness.totalCount > 0 ? latencyStats(totals.lateness) : null,
    steps,
    fellBehind,
    gates: input.gates ?? null,
    settings: { ...meta.settings },
  };
}
