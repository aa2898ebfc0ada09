/**
 * The data the HTML report's charts draw, computed from a run directory's content and embedded
 * in the page as JSON (the page computes nothing but pixel positions). Arrays are column-wise,
 * as uPlot wants them; null is a gap.
 */
import { OUTCOME_CLASSES } from '../../harness/vocabulary/outcome.js';
import { backlogSeries } from '../analysis/backlog-series.js';
import type { RunData } from '../run-dir/run-data.js';

/** One step's timeline chart: latency percentiles against offered and achieved rate. */
export interface StepChart {
  readonly name: string;
  readonly p50: (number | null)[];
  readonly p99: (number | null)[];
  readonly max: (number | null)[];
  readonly offeredPerS: number[];
  readonly achievedPerS: number[];
  /** User wait p50/p99 per interval (first attempt's intended send -> final outcome), ms. */
  readonly userWaitP50: (number | null)[];
  readonly userWaitP99: (number | null)[];
  /** Fall-behind marker (s from t0) and recovery, when the step fell behind. */
  readonly fell: { readonly atS: number; readonly recoveredAtS: number | null } | null;
}

/** Everything the page's script draws. */
export interface ReportChartData {
  /** Interval start times, s from t0 (the shared x of the timeline charts). */
  readonly t: number[];
  readonly plannedPerS: number[];
  readonly outages: { readonly name: string; readonly startS: number; readonly endS: number }[];
  readonly steps: StepChart[];
  /**
   * The backlog series (docs/measurement.md#backlog): gauges at target / in client / in backoff,
   * or the one cumulative estimate of a run without gauges.
   */
  readonly backlog: {
    readonly source: 'gauges' | 'cumulative-estimate';
    readonly series: { readonly name: string; readonly values: number[] }[];
  };
  /** Percentile distribution: x is 1/(1-p) (1 = p0 .. 1e5 = p99.999), one latency curve per step, ms. */
  readonly distribution: { readonly x: number[]; readonly steps: { name: string; latency: number[] }[] };
  /** Outcome classes that occurred, per second, all steps together. */
  readonly outcomes: { readonly name: string; readonly perS: number[] }[];
  /** Target gauges over time (queue depths first), or null when the run has no target metrics. */
  readonly metrics: {
    readonly t: number[];
    readonly series: { name: string; values: (number | null)[] }[];
  } | null;
}

/** Points per decade of the percentile plot. */
const DISTRIBUTION_POINTS_PER_DECADE = 10;
const DISTRIBUTION_DECADES = 5;
/** Queue-like gauges are what an operator watches when a target falls behind. */
const QUEUE_LIKE = /queue|depth|backlog|pending|outbox|in_?flight|waiting/i;
/** Counters and histogram parts only ever grow: useless on a gauge chart. */
const NOT_A_GAUGE = /(_total|_count|_sum|_bucket|_created)(\{|$)/;
const MAX_METRIC_SERIES = 8;

function perS(n: number, intervalS: number): number {
  return Math.round((n / intervalS) * 1000) / 1000;
}

function metricSeries(run: RunData): ReportChartData['metrics'] {
  const samples = run.targetMetrics;
  if (samples.length === 0) return null;
  const names = new Set<string>();
  for (const s of samples) for (const k of Object.keys(s.values)) names.add(k);
  const gauges = [...names].filter((n) => !NOT_A_GAUGE.test(n)).sort();
  const queues = gauges.filter((n) => QUEUE_LIKE.test(n));
  const chosen = (queues.length > 0 ? queues : gauges).slice(0, MAX_METRIC_SERIES);
  if (chosen.length === 0) return null;
  const t0 = run.meta.t0Ms;
  return {
    t: samples.map((s) => Math.round(s.atMs - t0) / 1000),
    series: chosen.map((name) => ({ name, values: samples.map((s) => s.values[name] ?? null) })),
  };
}

/** Builds the chart data of a run. */
export function reportChartData(run: RunData): ReportChartData {
  const { meta, series, summary } = run;
  const intervalS = meta.intervalMs / 1000;
  const steps: StepChart[] = meta.steps.map((name, i) => {
    const fb = summary.fellBehind?.find((f) => f.step === name) ?? null;
    return {
      name,
      p50: series.map((r) => r.steps[i]?.latencyMs?.p50 ?? null),
      p99: series.map((r) => r.steps[i]?.latencyMs?.p99 ?? null),
      max: series.map((r) => r.steps[i]?.latencyMs?.max ?? null),
      offeredPerS: series.map((r) => perS(r.steps[i]?.offered ?? 0, intervalS)),
      achievedPerS: series.map((r) => perS(r.steps[i]?.outcomes['ok'] ?? 0, intervalS)),
      userWaitP50: series.map((r) => r.steps[i]?.userWaitMs?.p50 ?? null),
      userWaitP99: series.map((r) => r.steps[i]?.userWaitMs?.p99 ?? null),
      fell: fb === null ? null : { atS: fb.atS, recoveredAtS: fb.recoveredAtS },
    };
  });

  const x: number[] = [];
  for (let k = 0; k <= DISTRIBUTION_DECADES * DISTRIBUTION_POINTS_PER_DECADE; k++) {
    x.push(10 ** (k / DISTRIBUTION_POINTS_PER_DECADE));
  }
  const distSteps = run.histograms
    .filter((h) => h.latency.totalCount > 0)
    .map((h) => ({
      name: h.step,
      latency: x.map((v) => Math.max(0.001, h.latency.getValueAtPercentile(100 * (1 - 1 / v)) / 1000)),
    }));

  // Known classes in their usual order, then any class a newer producer added, by name.
  const names: string[] = [...OUTCOME_CLASSES];
  for (const r of series)
    for (const st of r.steps) for (const k in st.outcomes) if (!names.includes(k)) names.push(k);
  const outcomes = names
    .map((name) => ({
      name,
      perS: series.map((r) =>
        perS(
          r.steps.reduce((acc, st) => acc + (st.outcomes[name] ?? 0), 0),
          intervalS,
        ),
      ),
    }))
    .filter((o) => o.perS.some((v) => v > 0));
  const b = backlogSeries(series);
  const backlog: ReportChartData['backlog'] =
    b.source === 'gauges'
      ? {
          source: b.source,
          series: [
            { name: 'at target', values: [...b.atTarget!] },
            { name: 'in client', values: [...b.inClient!] },
            { name: 'in backoff', values: [...b.inBackoff!] },
          ],
        }
      : {
          source: b.source,
          series: [{ name: 'cumulative estimate (offered − answered)', values: [...b.total] }],
        };

  return {
    t: series.map((r) => r.tS),
    plannedPerS: series.map((r) => r.plannedPerS),
    outages: meta.outages.map((o) => ({ name: o.name, startS: o.startS, endS: o.startS + o.durationS })),
    steps: steps.filter((s) => s.p99.some((v) => v !== null) || s.offeredPerS.some((v) => v > 0)),
    backlog,
    distribution: { x: x.map((v) => Math.round(v * 1000) / 1000), steps: distSteps },
    outcomes,
    metrics: metricSeries(run),
  };
}
