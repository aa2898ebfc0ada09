/**
 * Builds version-2 interval snapshots from plain numbers, for analysis tests whose truth is
 * computed by hand: every attempt, final outcome, gauge and flow count is given explicitly, so
 * the test states the truth and the formula next to its assertion. The snapshots go through the
 * real `RunWriter` (merge, hlog, CSV, summary) exactly as a run's would.
 */
import type { Histogram } from 'hdr-histogram-js';
import { aggregateHistogram, clampUs, encodeHistogram } from '../../reports/recorder/histogram-factory.js';
import type {
  BacklogGauges,
  FlowInterval,
  GeneratorHealth,
  IntervalSnapshot,
  StepInterval,
} from '../../reports/recorder/interval-snapshot.js';
import type { RunEnd, RunMeta } from '../../reports/run-dir/run-meta.js';
import { RunWriter } from '../../reports/run-dir/run-writer.js';
import type { Summary } from '../../reports/run-dir/summary.js';

/** `n` attempts of class `cls`, each taking `latencyMs` (intended send -> last byte). */
export interface Attempts {
  readonly cls: string;
  readonly n: number;
  readonly latencyMs: number;
  /** Written -> last byte; default: the latency. */
  readonly serviceMs?: number;
}

/** `n` steps that ended with class `cls` after a user wait of `waitMs`. */
export interface Finals {
  readonly cls: string;
  readonly n: number;
  readonly waitMs: number;
}

/** One step's figures over one interval. */
export interface StepSpec {
  readonly step: number;
  readonly offered: number;
  readonly retries?: number;
  readonly attempts: readonly Attempts[];
  /** Default: one final per attempt, same class, user wait = latency (no retries). */
  readonly finals?: readonly Finals[];
}

/** One interval. Counts not given default to what the steps imply (no drops). */
export interface IntervalSpec {
  readonly steps: readonly StepSpec[];
  readonly arrivals?: number;
  readonly dropped?: number;
  readonly completed?: number;
  readonly succeeded?: number;
  readonly backlog?: BacklogGauges;
  readonly flows?: Readonly<Record<string, FlowInterval>>;
  readonly health?: GeneratorHealth;
  /** Send lateness of each send, ms. */
  readonly latenessMs?: readonly number[];
  readonly targetErrors?: Readonly<Record<string, number>>;
}

const NOT_BACKEND = ['cancelled', 'target-error'];

function record(h: Histogram, ms: number, n: number): void {
  if (n > 0) h.recordValueWithCount(clampUs(ms * 1000), n);
}

function add(into: Record<string, number>, cls: string, n: number): void {
  if (n > 0) into[cls] = (into[cls] ?? 0) + n;
}

function stepInterval(s: StepSpec): StepInterval {
  const latency = aggregateHistogram();
  const latencyOk = aggregateHistogram();
  const service = aggregateHistogram();
  const userWait = aggregateHistogram();
  const outcomes: Record<string, number> = {};
  const finals: Record<string, number> = {};
  for (const a of s.attempts) {
    add(outcomes, a.cls, a.n);
    if (NOT_BACKEND.includes(a.cls)) continue;
    record(latency, a.latencyMs, a.n);
    record(service, a.serviceMs ?? a.latencyMs, a.n);
    if (a.cls === 'ok') record(latencyOk, a.latencyMs, a.n);
  }
  const fs = s.finals ?? s.attempts.map((a) => ({ cls: a.cls, n: a.n, waitMs: a.latencyMs }));
  for (const f of fs) {
    add(finals, f.cls, f.n);
    record(userWait, f.waitMs, f.n);
  }
  return {
    step: s.step,
    latency: encodeHistogram(latency),
    latencyOk: encodeHistogram(latencyOk),
    service: encodeHistogram(service),
    userWait: encodeHistogram(userWait),
    outcomes,
    finals,
    offered: s.offered,
    retries: s.retries ?? 0,
  };
}

/** The snapshot of interval `index` of a run starting at `t0Ms`. */
export function snapshotOf(
  index: number,
  t0Ms: number,
  intervalMs: number,
  spec: IntervalSpec,
): IntervalSnapshot {
  const startMs = t0Ms + index * intervalMs;
  const lateness = aggregateHistogram();
  for (const ms of spec.latenessMs ?? []) record(lateness, ms, 1);
  const firstSteps = spec.steps.reduce((n, s) => n + s.offered - (s.retries ?? 0), 0);
  const arrivals = spec.arrivals ?? firstSteps;
  const dropped = spec.dropped ?? 0;
  return {
    index,
    startMs,
    endMs: startMs + intervalMs,
    arrivals,
    started: arrivals - dropped,
    dropped,
    completed: spec.completed ?? 0,
    ...(spec.succeeded !== undefined ? { succeeded: spec.succeeded } : {}),
    inFlight: 0,
    ...(spec.backlog ? { backlog: spec.backlog } : {}),
    maxLatenessUs: Math.round(Math.max(0, ...(spec.latenessMs ?? [0])) * 1000),
    ...(lateness.totalCount > 0 ? { lateness: encodeHistogram(lateness) } : {}),
    ...(spec.health ? { health: spec.health } : {}),
    ...(spec.flows ? { flows: spec.flows } : {}),
    ...(spec.targetErrors ? { targetErrors: spec.targetErrors } : {}),
    steps: spec.steps.map(stepInterval),
  };
}

/** A meta for a hand-built run. */
export function handMeta(over: Partial<RunMeta> & Pick<RunMeta, 'steps'>): RunMeta {
  const t0Ms = over.t0Ms ?? Date.UTC(2025, 5, 1, 8, 0, 0);
  return {
    profile: { name: 'hand-built', file: 'profiles/hand.yaml', hash: 'hash-hand' },
    target: 'reference',
    engine: 'undici',
    latencyModel: 'intended-time',
    startedAt: new Date(t0Ms).toISOString(),
    t0Ms,
    intervalMs: 1000,
    plannedDurationS: 0,
    workers: 1,
    outages: [],
    plannedRatePerS: [],
    settings: {},
    ...over,
  };
}

/** Writes a run directory from interval specs (one snapshot each, or several shards' lists). */
export async function writeHandRun(
  dir: string,
  meta: RunMeta,
  intervals: readonly (IntervalSpec | readonly IntervalSpec[])[],
  end: RunEnd = { aborted: false, abortReason: null, degraded: [] },
): Promise<Summary> {
  const w = await RunWriter.create(dir, meta);
  intervals.forEach((spec, i) => {
    const shards: readonly IntervalSpec[] = Array.isArray(spec) ? spec : [spec as IntervalSpec];
    for (const s of shards) w.addSnapshot(snapshotOf(i, meta.t0Ms, meta.intervalMs, s));
    w.closeThrough(i);
  });
  return w.finish(end);
}

/** `n` ok attempts of `latencyMs` on `step`, offered in the same interval. */
export function okStep(step: number, n: number, latencyMs: number): StepSpec {
  return { step, offered: n, attempts: [{ cls: 'ok', n, latencyMs }] };
}
