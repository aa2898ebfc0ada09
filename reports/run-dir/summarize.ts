/**
 * Builds `summary.json` from a run's totals and series. Shared by the run writer (live and at the
 * end), by merge, by import and by the version-1 adapter, so every run directory's summary means
 * the same thing (docs/measurement.md defines each figure).
 */
import type { Histogram } from 'hdr-histogram-js';
import { NOT_BACKEND_CLASSES } from '../../harness/vocabulary/outcome.js';
import type { AnalysisOptions } from '../analysis/analysis-options.js';
import { analyzeRun } from '../analysis/analyze-run.js';
import { judgeValidity } from '../analysis/validity.js';
import type { RunEnd, RunMeta } from './run-meta.js';
import type { RunTotals, StepTotals } from './run-totals.js';
import type { SeriesRow } from './series-row.js';
import { countSum, usToMs } from './series-row.js';
import {
  type FlowSummary,
  type GateResult,
  type LatencyStats,
  type StepSummary,
  SUMMARY_SCHEMA_VERSION,
  type Summary,
} from './summary.js';

/** Percentiles of a µs histogram in ms (µs precision); all zero when it is empty. */
export function latencyStats(h: Histogram): LatencyStats {
  if (h.totalCount === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    p50: usToMs(h.getValueAtPercentile(50)),
    p90: usToMs(h.getValueAtPercentile(90)),
    p95: usToMs(h.getValueAtPercentile(95)),
    p99: usToMs(h.getValueAtPercentile(99)),
    p999: usToMs(h.getValueAtPercentile(99.9)),
    max: usToMs(h.maxValue),
    mean: usToMs(h.mean),
  };
}

/** Everything `summarize` needs. */
export interface SummarizeInput {
  readonly meta: RunMeta;
  readonly totals: RunTotals;
  readonly series: readonly SeriesRow[];
  readonly end: RunEnd;
  /** Seconds the run covered; default: from t0 to the end of the last interval in `series`. */
  readonly durationS?: number;
  readonly analysisOptions?: Partial<AnalysisOptions>;
  readonly gates?: readonly GateResult[] | null;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Failed over judged, where judged leaves out the classes that are not the backend's doing. */
function errorRate(counts: Readonly<Record<string, number>> | null): number | null {
  if (counts === null) return null;
  let judged = 0;
  let failed = 0;
  for (const k in counts) {
    if ((NOT_BACKEND_CLASSES as readonly string[]).includes(k)) continue;
    const n = counts[k] ?? 0;
    judged += n;
    if (k !== 'ok') failed += n;
  }
  return judged === 0 ? null : Math.round((failed / judged) * 1e6) / 1e6;
}

/**
 * Stats of a histogram a producer may not have sent (version 1, an import): null when it is
 * empty although the step had what it would hold, so "not recorded" never reads as zero.
 */
function statsOrNull(h: Histogram, expected: number): LatencyStats | null {
  return h.totalCount === 0 && expected > 0 ? null : latencyStats(h);
}

function stepSummary(t: StepTotals, durationS: number, droppedArrivals: number | null): StepSummary {
  const count = countSum(t.outcomes);
  const errors: Record<string, number> = {};
  for (const k in t.outcomes) if (k !== 'ok' && (t.outcomes[k] ?? 0) > 0) errors[k] = t.outcomes[k]!;
  const settled = t.finals ?? t.outcomes;
  return {
    count,
    ok: t.outcomes['ok'] ?? 0,
    errors,
    attempts: { ...t.outcomes },
    finals: t.finals === null ? null : { ...t.finals },
    offered: t.offered,
    retries: t.retries,
    ratePerS: durationS > 0 ? round3(count / durationS) : 0,
    errorRate: errorRate(t.finals),
    attemptErrorRate: errorRate(t.outcomes),
    cancelled: settled['cancelled'] ?? 0,
    targetErrors: settled['target-error'] ?? 0,
    droppedArrivals,
    latencyMs: latencyStats(t.latency),
    latencyOkMs: statsOrNull(t.latencyOk, t.outcomes['ok'] ?? 0),
    serviceMs: latencyStats(t.service),
    // No finals at all beside attempts: the producer did not record them (an import).
    userWaitMs:
      t.finals === null || (countSum(t.finals) === 0 && count > 0)
        ? null
        : statsOrNull(t.userWait, countSum(t.finals)),
  };
}

/** Dropped arrivals per first step of their flow (null when the meta names no flows). */
function droppedByFirstStep(meta: RunMeta, totals: RunTotals): Map<string, number> | null {
  if (meta.flows === undefined || totals.flows === null) return null;
  const out = new Map<string, number>();
  for (const f of meta.flows) {
    const first = f.steps[0];
    if (first === undefined) continue;
    out.set(first, (out.get(first) ?? 0) + (totals.flows[f.name]?.dropped ?? 0));
  }
  return out;
}

function flowSummaries(
  meta: RunMeta,
  totals: RunTotals,
  durationS: number,
): Record<string, FlowSummary> | null {
  if (totals.flows === null) return null;
  const out: Record<string, FlowSummary> = {};
  for (const [name, f] of Object.entries(totals.flows)) {
    out[name] = {
      firstStep: meta.flows?.find((x) => x.name === name)?.steps[0] ?? null,
      arrivals: f.arrivals,
      dropped: f.dropped,
      completed: f.completed,
      succeeded: f.succeeded,
      goodputPerS: durationS > 0 ? round3(f.succeeded / durationS) : 0,
    };
  }
  return out;
}

/** The `Summary` of a run (see summary.schema.json). */
export function summarize(input: SummarizeInput): Summary {
  const { meta, totals, series, end } = input;
  const intervalS = meta.intervalMs / 1000;
  const last = series[series.length - 1];
  const durationS = input.durationS ?? (last === undefined ? 0 : last.tS + intervalS);
  const dropped = droppedByFirstStep(meta, totals);
  const steps: Record<string, StepSummary> = {};
  let targetErrorCount = 0;
  meta.steps.forEach((name, i) => {
    const t = totals.steps[i];
    if (t === undefined) return;
    const st = stepSummary(t, durationS, dropped === null ? null : (dropped.get(name) ?? 0));
    targetErrorCount += st.targetErrors;
    steps[name] = st;
  });
  const analysis = analyzeRun(
    { t0Ms: meta.t0Ms, intervalS, steps: meta.steps, rows: series, outages: meta.outages },
    input.analysisOptions ?? {},
  );
  const latenessMs = totals.lateness.totalCount > 0 ? latencyStats(totals.lateness) : null;
  const validity = judgeValidity({
    targetErrorMessages: totals.targetErrors,
    targetErrorCount,
    workersLost: end.workersLost ?? [],
    lateness: latenessMs,
    maxLatenessMs: usToMs(totals.maxLatenessUs),
    loopDelayP99UsMax: totals.loopDelayP99UsMax,
    busyMax: totals.busyMax,
    rows: series,
  });
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    profile: { ...meta.profile },
    target: meta.target,
    engine: meta.engine,
    latencyModel: meta.latencyModel,
    startedAt: meta.startedAt,
    durationS: round3(durationS),
    intervalS,
    aborted: end.aborted,
    abortReason: end.abortReason,
    degraded: [...end.degraded],
    shard: meta.shard ? { ...meta.shard } : null,
    validity,
    arrivals: totals.arrivals,
    started: totals.started,
    dropped: totals.dropped,
    completed: totals.completed,
    succeeded: totals.succeeded,
    maxLatenessMs: usToMs(totals.maxLatenessUs),
    latenessMs,
    steps,
    flows: flowSummaries(meta, totals, durationS),
    backlog: analysis.backlog,
    takedowns: analysis.takedowns,
    fellBehind: analysis.fellBehind,
    metastable: analysis.metastable,
    gates: input.gates ?? null,
    settings: { ...meta.settings },
    ...(end.mail ? { mail: end.mail } : {}),
  };
}
