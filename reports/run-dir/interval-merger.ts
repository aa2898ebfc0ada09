/**
 * Exact merge of the snapshots that several shards (worker threads) send for the same interval:
 * histograms are added bucket by bucket (HDR addition loses nothing), counts are summed by
 * outcome class *name* (a class this build does not know is kept under its name), gauges are
 * summed (each shard owns its own requests), the worst lateness and the worst generator health
 * are kept. The merger holds open intervals until the writer closes them.
 */
import type { Histogram } from 'hdr-histogram-js';
import { addCounts } from '../../harness/vocabulary/outcome.js';
import {
  aggregateHistogram,
  decodeIntervalHistogram,
  emptyIntervalHistogram,
} from '../recorder/histogram-factory.js';
import { addHistogram } from '../recorder/histogram-walk.js';
import type { FlowInterval, IntervalSnapshot } from '../recorder/interval-snapshot.js';

/** One step's merged figures over one interval (histograms of µs). */
export interface MergedStep {
  readonly latency: Histogram;
  readonly latencyOk: Histogram;
  readonly service: Histogram;
  readonly userWait: Histogram;
  /** Attempts by class name. */
  readonly outcomes: Record<string, number>;
  /** Final outcomes by class name; stays null while no shard sent finals (version-1 data). */
  finals: Record<string, number> | null;
  offered: number;
  retries: number;
}

/** Flow counts, mutable while merging. */
export interface MergedFlow {
  arrivals: number;
  dropped: number;
  completed: number;
  succeeded: number;
}

/** Every shard's contribution to one interval, added up. */
export interface MergedInterval {
  readonly index: number;
  startMs: number;
  endMs: number;
  arrivals: number;
  started: number;
  dropped: number;
  completed: number;
  /** Null until a shard reports `succeeded`. */
  succeeded: number | null;
  inFlight: number;
  maxLatenessUs: number;
  /** Send lateness of the interval's sends (µs), or null when no shard had a schedule. */
  lateness: Histogram | null;
  /** Summed gauges, or null when no shard could see them. */
  backlog: { atTarget: number; inClient: number; inBackoff: number } | null;
  /** Worst shard's loop delay and busy share, or null when none reported. */
  health: { loopDelayP99Us: number; busy: number } | null;
  /** Per flow name, or null when no shard reported flows. */
  flows: Record<string, MergedFlow> | null;
  /** Target-code error messages with their counts. */
  readonly targetErrors: Record<string, number>;
  /** Snapshots merged so far (one per shard that delivered). */
  shards: number;
  /** Sparse: only steps with activity, keyed by step index. */
  readonly steps: Map<number, MergedStep>;
}

/** A fresh, empty step accumulator on the run's common histogram range. */
export function emptyMergedStep(): MergedStep {
  return {
    ...emptyCounts(),
    latency: aggregateHistogram(),
    latencyOk: aggregateHistogram(),
    service: aggregateHistogram(),
    userWait: aggregateHistogram(),
  };
}

function emptyCounts(): Pick<MergedStep, 'outcomes' | 'finals' | 'offered' | 'retries'> {
  return { outcomes: {}, finals: null, offered: 0, retries: 0 };
}

/** An empty merged interval. */
export function emptyMergedInterval(index: number, startMs: number, endMs: number): MergedInterval {
  return {
    index,
    startMs,
    endMs,
    arrivals: 0,
    started: 0,
    dropped: 0,
    completed: 0,
    succeeded: null,
    inFlight: 0,
    maxLatenessUs: 0,
    lateness: null,
    backlog: null,
    health: null,
    flows: null,
    targetErrors: {},
    shards: 0,
    steps: new Map(),
  };
}

function addFlows(into: MergedInterval, flows: Readonly<Record<string, FlowInterval>>): void {
  into.flows ??= {};
  for (const name in flows) {
    const f = flows[name]!;
    into.flows[name] ??= { arrivals: 0, dropped: 0, completed: 0, succeeded: 0 };
    const m = into.flows[name];
    m.arrivals += f.arrivals;
    m.dropped += f.dropped;
    m.completed += f.completed;
    m.succeeded += f.succeeded;
  }
}

/** Adds one encoded snapshot into a merged interval (exact). */
export function mergeSnapshotInto(into: MergedInterval, s: IntervalSnapshot): void {
  if (into.shards === 0) {
    into.startMs = s.startMs;
    into.endMs = s.endMs;
  } else {
    // Shards cut on their own clocks; the interval spans the union of what they saw.
    if (s.startMs < into.startMs) into.startMs = s.startMs;
    if (s.endMs > into.endMs) into.endMs = s.endMs;
  }
  into.shards++;
  into.arrivals += s.arrivals;
  into.started += s.started;
  into.dropped += s.dropped;
  into.completed += s.completed;
  if (s.succeeded !== undefined) into.succeeded = (into.succeeded ?? 0) + s.succeeded;
  into.inFlight += s.inFlight;
  if (s.maxLatenessUs > into.maxLatenessUs) into.maxLatenessUs = s.maxLatenessUs;
  if (s.lateness !== undefined) {
    const lateness = decodeIntervalHistogram(s.lateness);
    if (into.lateness === null) into.lateness = lateness;
    else addHistogram(into.lateness, lateness);
  }
  if (s.backlog !== undefined) {
    into.backlog ??= { atTarget: 0, inClient: 0, inBackoff: 0 };
    const b = into.backlog;
    b.atTarget += s.backlog.atTarget;
    b.inClient += s.backlog.inClient;
    b.inBackoff += s.backlog.inBackoff;
  }
  if (s.health !== undefined) {
    // The generator is as late as its slowest thread: keep the worst, not an average.
    into.health ??= { loopDelayP99Us: 0, busy: 0 };
    const h = into.health;
    h.loopDelayP99Us = Math.max(h.loopDelayP99Us, s.health.loopDelayP99Us);
    h.busy = Math.max(h.busy, s.health.busy);
  }
  if (s.flows !== undefined) addFlows(into, s.flows);
  if (s.targetErrors !== undefined) addCounts(into.targetErrors, s.targetErrors);
  for (const st of s.steps) {
    let m = into.steps.get(st.step);
    if (m === undefined) {
      // The first shard's decoded histograms are the merged ones (most runs have one shard).
      m = {
        ...emptyCounts(),
        latency: decodeIntervalHistogram(st.latency),
        latencyOk:
          st.latencyOk === undefined ? emptyIntervalHistogram() : decodeIntervalHistogram(st.latencyOk),
        service: decodeIntervalHistogram(st.service),
        userWait: st.userWait === undefined ? emptyIntervalHistogram() : decodeIntervalHistogram(st.userWait),
      };
      into.steps.set(st.step, m);
    } else {
      addHistogram(m.latency, decodeIntervalHistogram(st.latency));
      if (st.latencyOk !== undefined) addHistogram(m.latencyOk, decodeIntervalHistogram(st.latencyOk));
      addHistogram(m.service, decodeIntervalHistogram(st.service));
      if (st.userWait !== undefined) addHistogram(m.userWait, decodeIntervalHistogram(st.userWait));
    }
    addCounts(m.outcomes, st.outcomes);
    if (st.finals !== undefined) {
      m.finals ??= {};
      addCounts(m.finals, st.finals);
    }
    m.offered += st.offered;
    m.retries += st.retries;
  }
}

/** Holds the intervals that are still open, keyed by index. */
export class IntervalMerger {
  readonly #open = new Map<number, MergedInterval>();

  /** Merges a shard's snapshot into its (possibly new) open interval. */
  add(s: IntervalSnapshot): void {
    let m = this.#open.get(s.index);
    if (m === undefined) {
      m = emptyMergedInterval(s.index, s.startMs, s.endMs);
      this.#open.set(s.index, m);
    }
    mergeSnapshotInto(m, s);
  }

  /** Removes and returns the open intervals with index <= `index`, in index order. */
  takeThrough(index: number): MergedInterval[] {
    const out: MergedInterval[] = [];
    for (const [i, m] of this.#open) {
      if (i <= index) out.push(m);
    }
    for (const m of out) this.#open.delete(m.index);
    out.sort((a, b) => a.index - b.index);
    return out;
  }

  /** Highest open index, or -1 when nothing is open. */
  maxOpenIndex(): number {
    let max = -1;
    for (const i of this.#open.keys()) if (i > max) max = i;
    return max;
  }
}
