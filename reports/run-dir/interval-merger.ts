/**
 * Exact merge of the snapshots that several shards (worker threads) send for the same interval:
 * histograms are added bucket by bucket (HDR addition loses nothing), counts are summed, the
 * worst lateness is kept. The merger holds open intervals until the writer closes them.
 */
import type { Histogram } from 'hdr-histogram-js';
import { OUTCOME_CLASSES } from '../../harness/vocabulary/outcome.js';
import { aggregateHistogram, decodeHistogram } from '../recorder/histogram-factory.js';
import type { IntervalSnapshot } from '../recorder/interval-snapshot.js';

/** One step's merged figures over one interval (histograms of µs). */
export interface MergedStep {
  readonly latency: Histogram;
  readonly service: Histogram;
  readonly outcomes: number[];
  offered: number;
  retries: number;
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
  inFlight: number;
  maxLatenessUs: number;
  /** Send lateness of the interval's arrivals (µs), or null when no shard had a schedule. */
  lateness: Histogram | null;
  /** Snapshots merged so far (one per shard that delivered). */
  shards: number;
  /** Sparse: only steps with activity, keyed by step index. */
  readonly steps: Map<number, MergedStep>;
}

/** A fresh, empty step accumulator on the run's common histogram range. */
export function emptyMergedStep(): MergedStep {
  return {
    latency: aggregateHistogram(),
    service: aggregateHistogram(),
    outcomes: new Array<number>(OUTCOME_CLASSES.length).fill(0),
    offered: 0,
    retries: 0,
  };
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
  into.inFlight += s.inFlight;
  if (s.maxLatenessUs > into.maxLatenessUs) into.maxLatenessUs = s.maxLatenessUs;
  if (s.lateness !== undefined) {
    into.lateness ??= aggregateHistogram();
    into.lateness.add(decodeHistogram(s.lateness));
  }
  for (const st of s.steps) {
    let m = into.steps.get(st.step);
    if (m === undefined) {
      m = emptyMergedStep();
      into.steps.set(st.step, m);
    }
    m.latency.add(decodeHistogram(st.latency));
    m.service.add(decodeHistogram(st.service));
    // v2 snapshots carry classes by name; a v1 producer still sends an array by index.
    const named = !Array.isArray(st.outcomes);
    for (let k = 0; k < m.outcomes.length; k++)
      m.outcomes[k]! += (named ? st.outcomes[OUTCOME_CLASSES[k]!] : st.outcomes[k]) ?? 0;
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
      m = {
        index: s.index,
        startMs: s.startMs,
        endMs: s.endMs,
        arrivals: 0,
        started: 0,
        dropped: 0,
        completed: 0,
        inFlight: 0,
        maxLatenessUs: 0,
        lateness: null,
        shards: 0,
        steps: new Map(),
      };
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
