/**
 * Whole-run totals: what the run writer adds each closed interval into, and what `summarize`
 * turns into summary.json. Counts travel by outcome class name; histograms are µs on the run's
 * common range, so totals of shards, merges and rebuilt directories add exactly.
 */
import type { Histogram } from 'hdr-histogram-js';
import { addCounts } from '../../harness/vocabulary/outcome.js';
import { aggregateHistogram } from '../recorder/histogram-factory.js';
import { addHistogram } from '../recorder/histogram-walk.js';
import type { MergedFlow, MergedInterval, MergedStep } from './interval-merger.js';
import type { SeriesRow } from './series-row.js';

/** Whole-run totals of one step. */
export interface StepTotals {
  readonly latency: Histogram;
  readonly latencyOk: Histogram;
  readonly service: Histogram;
  readonly userWait: Histogram;
  /** Attempts by class name. */
  readonly outcomes: Record<string, number>;
  /** Final outcomes by class name; null while nothing reported finals (version 1). */
  finals: Record<string, number> | null;
  offered: number;
  retries: number;
}

/** The four histograms of one step (what the hlog holds per step). */
export interface StepHistogramSet {
  readonly latency: Histogram;
  readonly latencyOk: Histogram;
  readonly service: Histogram;
  readonly userWait: Histogram;
}

/** Whole-run totals, steps indexed as `RunMeta.steps`. */
export interface RunTotals {
  arrivals: number;
  started: number;
  dropped: number;
  completed: number;
  /** Null while nothing reported it (version 1). */
  succeeded: number | null;
  maxLatenessUs: number;
  /** Send lateness of every send (µs); empty when the engine had no schedule. */
  readonly lateness: Histogram;
  /** Per flow name; null while nothing reported flows. */
  flows: Record<string, MergedFlow> | null;
  /** Target-code error messages with their counts. */
  readonly targetErrors: Record<string, number>;
  /** Worst interval event-loop delay p99 of any shard (µs), or null when not measured. */
  loopDelayP99UsMax: number | null;
  /** Worst interval busy share of any shard, or null when not measured. */
  busyMax: number | null;
  readonly steps: StepTotals[];
}

function emptyStepTotals(): StepTotals {
  return {
    latency: aggregateHistogram(),
    latencyOk: aggregateHistogram(),
    service: aggregateHistogram(),
    userWait: aggregateHistogram(),
    outcomes: {},
    finals: null,
    offered: 0,
    retries: 0,
  };
}

/** Empty totals for a run with `stepCount` steps. */
export function emptyTotals(stepCount: number): RunTotals {
  return {
    arrivals: 0,
    started: 0,
    dropped: 0,
    completed: 0,
    succeeded: null,
    maxLatenessUs: 0,
    lateness: aggregateHistogram(),
    flows: null,
    targetErrors: {},
    loopDelayP99UsMax: null,
    busyMax: null,
    steps: Array.from({ length: stepCount }, emptyStepTotals),
  };
}

function addFlowCounts(t: RunTotals, flows: Readonly<Record<string, MergedFlow>>): void {
  t.flows ??= {};
  for (const name in flows) {
    const f = flows[name]!;
    t.flows[name] ??= { arrivals: 0, dropped: 0, completed: 0, succeeded: 0 };
    const into = t.flows[name];
    into.arrivals += f.arrivals;
    into.dropped += f.dropped;
    into.completed += f.completed;
    into.succeeded += f.succeeded;
  }
}

function addStepCounts(
  tot: StepTotals,
  st: { outcomes: Readonly<Record<string, number>>; finals: Readonly<Record<string, number>> | null },
  offered: number,
  retries: number,
): void {
  addCounts(tot.outcomes, st.outcomes);
  if (st.finals !== null) {
    tot.finals ??= {};
    addCounts(tot.finals, st.finals);
  }
  tot.offered += offered;
  tot.retries += retries;
}

/** Adds one merged interval's run-level figures (not its steps) into the totals. */
export function addIntervalCounts(t: RunTotals, m: MergedInterval): void {
  t.arrivals += m.arrivals;
  t.started += m.started;
  t.dropped += m.dropped;
  t.completed += m.completed;
  if (m.succeeded !== null) t.succeeded = (t.succeeded ?? 0) + m.succeeded;
  if (m.maxLatenessUs > t.maxLatenessUs) t.maxLatenessUs = m.maxLatenessUs;
  if (m.flows !== null) addFlowCounts(t, m.flows);
  addCounts(t.targetErrors, m.targetErrors);
  if (m.health !== null) {
    t.loopDelayP99UsMax = Math.max(t.loopDelayP99UsMax ?? 0, m.health.loopDelayP99Us);
    t.busyMax = Math.max(t.busyMax ?? 0, m.health.busy);
  }
}

/** Adds one merged step into its totals (histograms and counts). */
export function addStep(tot: StepTotals, st: MergedStep): void {
  addHistogram(tot.latency, st.latency);
  addHistogram(tot.latencyOk, st.latencyOk);
  addHistogram(tot.service, st.service);
  addHistogram(tot.userWait, st.userWait);
  addStepCounts(tot, st, st.offered, st.retries);
}

/**
 * Totals rebuilt from a run's series (counts) and whole-run histograms (as read from the hlog):
 * what `readRunDir` uses when the writer died before its last summary, and for version-1 runs.
 * Target-error messages are not in the series: only their counts (class `target-error`) are.
 */
export function totalsFromSeries(
  series: readonly SeriesRow[],
  histograms: readonly StepHistogramSet[],
  lateness?: Histogram,
): RunTotals {
  const t = emptyTotals(histograms.length);
  if (lateness !== undefined) t.lateness.add(lateness);
  histograms.forEach((h, i) => {
    const tot = t.steps[i]!;
    tot.latency.add(h.latency);
    tot.latencyOk.add(h.latencyOk);
    tot.service.add(h.service);
    tot.userWait.add(h.userWait);
  });
  for (const r of series) {
    t.arrivals += r.arrivals;
    t.started += r.started;
    t.dropped += r.dropped;
    t.completed += r.completed;
    if (r.succeeded !== null) t.succeeded = (t.succeeded ?? 0) + r.succeeded;
    t.maxLatenessUs = Math.max(t.maxLatenessUs, Math.round(r.maxLatenessMs * 1000));
    if (r.flows !== null) addFlowCounts(t, r.flows);
    if (r.health !== null) {
      t.loopDelayP99UsMax = Math.max(t.loopDelayP99UsMax ?? 0, r.health.loopDelayP99Us);
      t.busyMax = Math.max(t.busyMax ?? 0, r.health.busy);
    }
    r.steps.forEach((st, i) => {
      const tot = t.steps[i];
      if (tot !== undefined) addStepCounts(tot, st, st.offered, st.retries);
    });
  }
  return t;
}
