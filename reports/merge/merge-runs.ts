/**
 * `stampede merge`: shard runs of one profile become one run directory, exactly. Every input
 * interval is turned back into an `IntervalSnapshot` (counts by outcome class name, gauges and
 * flows from timeseries.csv, histograms re-encoded from histograms.hlog) and fed to a
 * `RunWriter`, which adds them as it adds the snapshots of worker threads; so the merged
 * directory is written the same way as any run. Version-1 inputs give version-1 snapshots (no
 * finals, no ok latency, no gauges): the merge holds what they recorded, no more.
 *
 * Intervals are aligned by absolute time: the shards' t0 may differ slightly, so interval i of a
 * run lands at round((t0 + i * interval - earliest t0) / interval) of the merged run.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Histogram } from 'hdr-histogram-js';
import { errorMessage, StampedeError } from '../../harness/errors.js';
import { addCounts } from '../../harness/vocabulary/outcome.js';
import { aggregateHistogram, encodeHistogram } from '../recorder/histogram-factory.js';
import type { IntervalSnapshot, StepInterval } from '../recorder/interval-snapshot.js';
import {
  HLOG_KINDS,
  type HlogKind,
  hlogKindOf,
  hlogTag,
  LATENESS_TAG,
  parseHlog,
} from '../run-dir/hlog-file.js';
import { RUN_FILES } from '../run-dir/run-data.js';
import type { RunMeta } from '../run-dir/run-meta.js';
import { RunWriter } from '../run-dir/run-writer.js';
import type { LostWorker, Summary } from '../run-dir/summary.js';
import { checkMergeable, type MergeInput, type ShardCoverage } from './merge-checks.js';

interface StepAccumulator {
  readonly histograms: Partial<Record<HlogKind, Histogram>>;
  readonly outcomes: Record<string, number>;
  finals: Record<string, number> | null;
  offered: number;
  retries: number;
}

/** Refuses an output directory that is an input or already holds files. */
async function checkOut(out: string, inputs: readonly MergeInput[]): Promise<void> {
  for (const { dir } of inputs) {
    if (resolve(dir) === resolve(out))
      throw new StampedeError('E_USAGE', `--out ${out}: is one of the inputs`);
  }
  const entries = await readdir(out).catch(() => []);
  if (entries.length > 0) throw new StampedeError('E_USAGE', `--out ${out}: exists and is not empty`);
}

/** The merged run's meta: the earliest t0, every step, summed planned rates and workers. */
function mergedMeta(inputs: readonly MergeInput[], t0Ms: number, coverage: ShardCoverage): RunMeta {
  const first = inputs.reduce((a, b) => (b.run.meta.t0Ms < a.run.meta.t0Ms ? b : a)).run.meta;
  const steps: string[] = [];
  const planned: number[] = [];
  let workers = 0;
  let plannedDurationS = 0;
  for (const { run } of inputs) {
    const m = run.meta;
    for (const s of m.steps) if (!steps.includes(s)) steps.push(s);
    const offset = Math.round((m.t0Ms - t0Ms) / m.intervalMs);
    // Each shard plans its own slice of the arrivals; the whole is their sum.
    m.plannedRatePerS.forEach((r, i) => {
      planned[i + offset] = (planned[i + offset] ?? 0) + r;
    });
    workers += m.workers;
    plannedDurationS = Math.max(plannedDurationS, m.plannedDurationS);
  }
  const { shard: _whole, ...rest } = first;
  const merged: RunMeta = {
    ...rest,
    t0Ms,
    steps,
    workers,
    plannedDurationS,
    plannedRatePerS: Array.from(planned, (r) => r ?? 0),
    settings: {
      ...first.settings,
      mergedShards: `${coverage.indices.map((i) => i + 1).join(',')} of ${coverage.count}`,
    },
  };
  return merged;
}

/** Interval snapshots of one input, on the merged run's interval grid and step indices. */
async function snapshotsOf(
  input: MergeInput,
  t0Ms: number,
  intervalMs: number,
  stepIndex: ReadonlyMap<string, number>,
): Promise<IntervalSnapshot[]> {
  const { dir, run } = input;
  const hlogPath = join(dir, RUN_FILES.hlog);
  let text: string;
  try {
    text = await readFile(hlogPath, 'utf8');
  } catch (err: unknown) {
    throw new StampedeError('E_RUN_DIR', `${hlogPath}: cannot read (${errorMessage(err)})`);
  }
  const at = (absMs: number): number => Math.round((absMs - t0Ms) / intervalMs);
  const own = (row: number): number => at(run.meta.t0Ms + row * intervalMs);
  const byIndex = new Map<
    number,
    {
      row: (typeof run.series)[number] | null;
      steps: Map<number, StepAccumulator>;
      lateness: Histogram | null;
    }
  >();
  const slot = (index: number) => {
    let s = byIndex.get(index);
    if (s === undefined) {
      s = { row: null, steps: new Map(), lateness: null };
      byIndex.set(index, s);
    }
    return s;
  };
  const acc = (index: number, step: number): StepAccumulator => {
    const steps = slot(index).steps;
    let a = steps.get(step);
    if (a === undefined) {
      a = { histograms: {}, outcomes: {}, finals: null, offered: 0, retries: 0 };
      steps.set(step, a);
    }
    return a;
  };
  for (const row of run.series) {
    const index = own(row.index);
    slot(index).row = row;
    row.steps.forEach((sr, i) => {
      const idle =
        sr.offered === 0 &&
        sr.retries === 0 &&
        Object.values(sr.outcomes).every((c) => c === 0) &&
        (sr.finals === null || Object.values(sr.finals).every((c) => c === 0));
      if (idle) return;
      const a = acc(index, stepIndex.get(run.meta.steps[i]!)!);
      addCounts(a.outcomes, sr.outcomes);
      if (sr.finals !== null) {
        a.finals ??= {};
        addCounts(a.finals, sr.finals);
      }
      a.offered += sr.offered;
      a.retries += sr.retries;
    });
  }
  const tags = new Map<string, { step: number; kind: HlogKind }>();
  for (const name of run.meta.steps) {
    for (const kind of HLOG_KINDS) tags.set(hlogTag(name, kind), { step: stepIndex.get(name)!, kind });
  }
  let lines: ReturnType<typeof parseHlog>;
  try {
    lines = parseHlog(text, run.summary.aborted);
  } catch (err: unknown) {
    throw new StampedeError('E_RUN_DIR', `${hlogPath}: ${errorMessage(err)}`);
  }
  for (const line of lines) {
    if (line.tag === LATENESS_TAG) {
      const s = slot(at(line.startMs));
      s.lateness ??= aggregateHistogram();
      s.lateness.add(line.histogram);
      continue;
    }
    const tag = tags.get(line.tag);
    if (tag === undefined) {
      // A later version's kind of histogram: not ours to merge.
      if (hlogKindOf(line.tag) === null) continue;
      throw new StampedeError('E_RUN_DIR', `${hlogPath}: tag "${line.tag}" names no step of meta.json`);
    }
    const a = acc(at(line.startMs), tag.step);
    const h = a.histograms[tag.kind] ?? aggregateHistogram();
    a.histograms[tag.kind] = h;
    h.add(line.histogram);
  }
  // Target-error messages live in the summary only (not in the series): carry them over once.
  let targetErrors: Record<string, number> | null = null;
  for (const p of run.summary.validity.problems)
    if (p.kind === 'target-errors') targetErrors = { ...p.messages };
  const out: IntervalSnapshot[] = [];
  for (const [index, { row, steps, lateness }] of byIndex) {
    const stepIntervals: StepInterval[] = [];
    for (const [step, a] of steps) {
      const h = a.histograms;
      stepIntervals.push({
        step,
        latency: encodeHistogram(h.latency ?? aggregateHistogram()),
        ...(h['latency-ok'] ? { latencyOk: encodeHistogram(h['latency-ok']) } : {}),
        service: encodeHistogram(h.service ?? aggregateHistogram()),
        ...(h['user-wait'] ? { userWait: encodeHistogram(h['user-wait']) } : {}),
        outcomes: a.outcomes,
        ...(a.finals !== null ? { finals: a.finals } : {}),
        offered: a.offered,
        retries: a.retries,
      });
    }
    const startMs = t0Ms + index * intervalMs;
    const snapshotErrors = targetErrors;
    targetErrors = null;
    out.push({
      index,
      startMs,
      endMs: startMs + intervalMs,
      arrivals: row?.arrivals ?? 0,
      started: row?.started ?? 0,
      dropped: row?.dropped ?? 0,
      completed: row?.completed ?? 0,
      ...(row?.succeeded != null ? { succeeded: row.succeeded } : {}),
      inFlight: row?.inFlight ?? 0,
      ...(row?.backlog ? { backlog: row.backlog } : {}),
      maxLatenessUs: Math.round((row?.maxLatenessMs ?? 0) * 1000),
      ...(lateness !== null ? { lateness: encodeHistogram(lateness) } : {}),
      ...(row?.health ? { health: row.health } : {}),
      ...(row?.flows ? { flows: row.flows } : {}),
      ...(snapshotErrors !== null ? { targetErrors: snapshotErrors } : {}),
      steps: stepIntervals,
    });
  }
  return out;
}

/**
 * Merges the shard runs in `inputs` into a new run directory `out` (which must not exist or be
 * empty) and returns its summary. Throws `E_USAGE`/`E_RUN_DIR` when the inputs cannot be merged
 * exactly (see `checkMergeable`). The merged run is `aborted` when any input was.
 */
export async function mergeRuns(inputs: readonly MergeInput[], out: string): Promise<Summary> {
  const coverage = checkMergeable(inputs);
  await checkOut(out, inputs);
  const t0Ms = Math.min(...inputs.map((i) => i.run.meta.t0Ms));
  const meta = mergedMeta(inputs, t0Ms, coverage);
  const stepIndex = new Map(meta.steps.map((s, i) => [s, i] as const));
  const snapshots: IntervalSnapshot[] = [];
  for (const input of inputs) snapshots.push(...(await snapshotsOf(input, t0Ms, meta.intervalMs, stepIndex)));
  snapshots.sort((a, b) => a.index - b.index);

  const writer = await RunWriter.create(out, meta);
  for (let k = 0; k < snapshots.length; k++) {
    const s = snapshots[k]!;
    writer.addSnapshot(s);
    // Close an interval once every input's snapshot of it is in, so memory stays one interval.
    const next = snapshots[k + 1];
    if (next === undefined || next.index !== s.index) writer.closeThrough(s.index);
  }
  for (const { run } of inputs) for (const sample of run.targetMetrics) writer.addTargetMetrics(sample);
  const events = inputs.flatMap(({ run }) => run.events).sort((a, b) => a.atMs - b.atMs);
  for (const e of events) writer.addEvent(e);

  const aborted = inputs.filter(({ run }) => run.summary.aborted);
  const degraded = inputs.flatMap(({ dir, run }) => run.summary.degraded.map((d) => `${dir}: ${d}`));
  if (!coverage.complete) {
    degraded.push(
      `merged shards ${coverage.indices.map((i) => i + 1).join(',')} of ${coverage.count}: part of the arrival stream is missing`,
    );
  }
  // Each shard's lost share is of its own slice of the stream, 1/count of the whole.
  const workersLost: LostWorker[] = [];
  for (const { run } of inputs) {
    for (const p of run.summary.validity.problems) {
      if (p.kind !== 'worker-lost') continue;
      for (const w of p.workers) workersLost.push({ ...w, lostShare: w.lostShare / coverage.count });
    }
  }
  return writer.finish({
    ...(workersLost.length > 0 ? { workersLost } : {}),
    aborted: aborted.length > 0,
    abortReason:
      aborted.length > 0
        ? aborted.map(({ dir, run }) => `${dir}: ${run.summary.abortReason ?? 'aborted'}`).join('; ')
        : null,
    degraded,
  });
}
