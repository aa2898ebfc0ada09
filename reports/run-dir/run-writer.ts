/**
 * Writes a run directory while the run goes. The driver feeds it shard snapshots; it merges them
 * exactly per interval, appends each closed interval to `histograms.hlog` and `timeseries.csv`
 * at once, and keeps `summary.json` honest at every moment: marked aborted ("run did not finish")
 * until `finish` says otherwise, so a crash leaves a valid directory holding what was measured.
 *
 * Called from the driver's main thread only, never concurrently. `closeThrough` is the only
 * per-interval call and does synchronous, small appends; whole-file rewrites are rate-limited.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Histogram } from 'hdr-histogram-js';
import { aggregateHistogram } from '../recorder/histogram-factory.js';
import { addHistogram } from '../recorder/histogram-walk.js';
import type { IntervalSnapshot } from '../recorder/interval-snapshot.js';
import { renderHtml } from '../render/render-html.js';
import { jsonText, writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';
import { HlogFormatter, type HlogKind, hlogTag, LATENESS_TAG } from './hlog-file.js';
import { IntervalMerger, type MergedInterval, type MergedStep } from './interval-merger.js';
import { RUN_FILES, type RunData, type RunEvent, UNFINISHED_REASON } from './run-data.js';
import type { RunEnd, RunMeta, TargetMetricsSample } from './run-meta.js';
import { addIntervalCounts, addStep, emptyTotals, type RunTotals } from './run-totals.js';
import {
  countSum,
  emptyStepRow,
  intervalLatency,
  type SeriesRow,
  type StepRow,
  usToMs,
} from './series-row.js';
import { summarize } from './summarize.js';
import type { Summary } from './summary.js';
import { TimeseriesLayout } from './timeseries-csv.js';

/** The run's state until `finish`: what a crash would leave behind. */
const UNFINISHED: RunEnd = { aborted: true, abortReason: UNFINISHED_REASON, degraded: [] };

/** How often, at most, `closeThrough` rewrites summary.json (and target-metrics.json). */
export const CHECKPOINT_EVERY_MS = 5000;

/** Figures of the latest closed interval, for the live progress line. */
export interface IntervalFigures {
  readonly index: number;
  /** Requests offered per second, all steps. */
  readonly offeredPerS: number;
  /** Ok responses per second, all steps. */
  readonly achievedPerS: number;
  /** p99 latency of every step's requests together, or null when none completed. */
  readonly p99Ms: number | null;
  readonly inFlight: number;
  /** Non-ok outcomes, all steps. */
  readonly errors: number;
  readonly dropped: number;
}

/** Writes one run directory as the run goes (see the file comment). */
export class RunWriter {
  readonly #dir: string;
  readonly #meta: RunMeta;
  readonly #merger = new IntervalMerger();
  readonly #totals: RunTotals;
  readonly #series: SeriesRow[] = [];
  readonly #events: RunEvent[] = [];
  readonly #targetMetrics: TargetMetricsSample[] = [];
  readonly #hlog: HlogFormatter;
  readonly #csv: TimeseriesLayout;
  readonly #allSteps: Histogram = aggregateHistogram();
  #hlogFd: number;
  #csvFd: number;
  #lastClosed = -1;
  #lateSnapshots = 0;
  #last: IntervalFigures | null = null;
  #lastCheckpointMs = Date.now();
  #metricsDirty = false;
  #finished: Summary | null = null;

  private constructor(dir: string, meta: RunMeta, hlogFd: number, csvFd: number) {
    this.#dir = dir;
    this.#meta = meta;
    this.#totals = emptyTotals(meta.steps.length);
    this.#hlog = new HlogFormatter(meta.t0Ms);
    this.#csv = new TimeseriesLayout(
      meta.steps,
      (meta.flows ?? []).map((f) => f.name),
    );
    this.#hlogFd = hlogFd;
    this.#csvFd = csvFd;
  }

  /**
   * Creates the directory, writes meta.json, opens histograms.hlog (StartTime and BaseTime = t0)
   * and timeseries.csv, and writes an initial summary.json marked aborted ("run did not finish").
   */
  static async create(dir: string, meta: RunMeta): Promise<RunWriter> {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(join(dir, RUN_FILES.meta), jsonText(meta));
    const hlogFd = openSync(join(dir, RUN_FILES.hlog), 'w');
    const csvFd = openSync(join(dir, RUN_FILES.timeseries), 'w');
    const w = new RunWriter(dir, meta, hlogFd, csvFd);
    writeSync(
      hlogFd,
      w.#hlog.header(meta.t0Ms, `stampede ${meta.profile.name} on ${meta.target}; values in µs`),
    );
    writeSync(csvFd, w.#csv.header());
    await writeFileAtomic(join(dir, RUN_FILES.events), jsonText([]));
    await writeFileAtomic(join(dir, RUN_FILES.targetMetrics), jsonText([]));
    await writeFileAtomic(join(dir, RUN_FILES.summary), jsonText(w.#summary(UNFINISHED)));
    return w;
  }

  /** The directory being written. */
  get dir(): string {
    return this.#dir;
  }

  /**
   * One shard's snapshot of interval `s.index`; several shards send the same index and are merged
   * exactly. A snapshot of an interval already closed still goes into the totals and the hlog
   * (never lost), though not into the time series row already written. Ignored after `finish`.
   */
  addSnapshot(s: IntervalSnapshot): void {
    if (this.#finished !== null) return;
    this.#merger.add(s);
  }

  /**
   * Every shard has delivered intervals up to and including `index` (or is dead): merges them,
   * appends them to histograms.hlog and timeseries.csv, updates the totals, and rewrites
   * summary.json at most every `CHECKPOINT_EVERY_MS`.
   */
  closeThrough(index: number): void {
    if (this.#finished !== null) return;
    const closing = this.#merger.takeThrough(index);
    if (closing.length === 0) return;
    let csv = '';
    for (const m of closing) {
      const row = this.#close(m);
      if (row !== null) csv += this.#csv.line(row);
    }
    writeSync(this.#hlogFd, this.#hlog.take());
    if (csv !== '') writeSync(this.#csvFd, csv);
    const now = Date.now();
    if (now - this.#lastCheckpointMs >= CHECKPOINT_EVERY_MS) {
      this.#lastCheckpointMs = now;
      this.#checkpoint();
    }
  }

  /** A server-side metrics sample, kept in target-metrics.json. */
  addTargetMetrics(sample: TargetMetricsSample): void {
    this.#targetMetrics.push(sample);
    this.#metricsDirty = true;
  }

  /** Notable events for the report: outage start/end, worker crash, abort. Written at once. */
  addEvent(e: RunEvent): void {
    this.#events.push({ atMs: e.atMs, kind: e.kind, detail: e.detail });
    if (this.#finished === null)
      writeFileAtomicSync(join(this.#dir, RUN_FILES.events), jsonText(this.#events));
  }

  /** Figures of the latest closed interval for the live progress line (null before the first). */
  lastInterval(): IntervalFigures | null {
    return this.#last;
  }

  /**
   * Closes everything still open, runs the fall-behind analysis and writes summary.json,
   * target-metrics.json, events.json and report.html; closes the hlog and time series. Data
   * already recorded is written before the report is rendered, so a rendering failure only costs
   * report.html (noted in `degraded`). Idempotent: a second call returns the same summary.
   */
  async finish(end: RunEnd): Promise<Summary> {
    if (this.#finished !== null) return this.#finished;
    this.closeThrough(this.#merger.maxOpenIndex());
    this.#closeFiles();
    const degraded = [...end.degraded];
    if (this.#lateSnapshots > 0) {
      degraded.push(
        `${this.#lateSnapshots} snapshot(s) arrived after their interval closed: in the totals and histograms.hlog, not in timeseries.csv`,
      );
    }
    let summary = this.#summary({ ...end, degraded });
    this.#finished = summary;
    const dir = this.#dir;
    await writeFileAtomic(join(dir, RUN_FILES.targetMetrics), jsonText(this.#targetMetrics));
    await writeFileAtomic(join(dir, RUN_FILES.events), jsonText(this.#events));
    await writeFileAtomic(join(dir, RUN_FILES.summary), jsonText(summary));
    try {
      await writeFileAtomic(join(dir, RUN_FILES.report), renderHtml(this.runData(summary)));
    } catch (err: unknown) {
      const why = err instanceof Error ? err.message : String(err);
      summary = { ...summary, degraded: [...summary.degraded, `report.html not written: ${why}`] };
      this.#finished = summary;
      await writeFileAtomic(join(dir, RUN_FILES.summary), jsonText(summary));
    }
    return summary;
  }

  /** The run's data as it stands (what `readRunDir` would read back), for renderers. */
  runData(summary: Summary = this.#finished ?? this.#summary(UNFINISHED)): RunData {
    return {
      meta: this.#meta,
      summary,
      series: this.#series,
      histograms: this.#meta.steps.map((step, i) => ({
        step,
        latency: this.#totals.steps[i]!.latency,
        latencyOk: this.#totals.steps[i]!.latencyOk,
        service: this.#totals.steps[i]!.service,
        userWait: this.#totals.steps[i]!.userWait,
      })),
      lateness: this.#totals.lateness,
      targetMetrics: this.#targetMetrics,
      events: this.#events,
    };
  }

  #summary(end: RunEnd): Summary {
    return summarize({ meta: this.#meta, totals: this.#totals, series: this.#series, end });
  }

  /** Appends a merged step's histograms to the hlog (interval lines, empty ones left out). */
  #logStep(name: string, st: MergedStep, m: MergedInterval): void {
    const kinds: [Histogram, HlogKind][] = [
      [st.latency, 'latency'],
      [st.latencyOk, 'latency-ok'],
      [st.service, 'service'],
      [st.userWait, 'user-wait'],
    ];
    for (const [h, kind] of kinds) {
      if (h.totalCount === 0) continue;
      h.startTimeStampMsec = m.startMs;
      h.endTimeStampMsec = m.endMs;
      this.#hlog.interval(h, hlogTag(name, kind));
    }
  }

  /** Adds a merged interval to the hlog and totals; returns its series row (null if late). */
  #close(m: MergedInterval): SeriesRow | null {
    const t = this.#totals;
    addIntervalCounts(t, m);
    let latenessP99Ms: number | null = null;
    if (m.lateness !== null && m.lateness.totalCount > 0) {
      m.lateness.startTimeStampMsec = m.startMs;
      m.lateness.endTimeStampMsec = m.endMs;
      this.#hlog.interval(m.lateness, LATENESS_TAG);
      addHistogram(t.lateness, m.lateness);
      latenessP99Ms = usToMs(m.lateness.getValueAtPercentile(99));
    }
    const late = m.index <= this.#lastClosed;
    if (late) this.#lateSnapshots += m.shards;
    const all = this.#allSteps;
    all.reset();
    let offered = 0;
    let ok = 0;
    let errors = 0;
    const steps: StepRow[] = this.#meta.steps.map((name, i) => {
      const st = m.steps.get(i);
      if (st === undefined) return emptyStepRow();
      this.#logStep(name, st, m);
      addStep(t.steps[i]!, st);
      addHistogram(all, st.latency);
      offered += st.offered;
      const stepOk = st.outcomes['ok'] ?? 0;
      ok += stepOk;
      errors += countSum(st.outcomes) - stepOk;
      return {
        offered: st.offered,
        retries: st.retries,
        outcomes: st.outcomes,
        finals: st.finals,
        latencyMs: intervalLatency(st.latency),
        latencyOkMs: intervalLatency(st.latencyOk),
        serviceMs: intervalLatency(st.service),
        userWaitMs: intervalLatency(st.userWait),
      };
    });
    if (late) return null;
    this.#lastClosed = m.index;
    const intervalS = this.#meta.intervalMs / 1000;
    const row: SeriesRow = {
      index: m.index,
      tS: Math.round(m.index * this.#meta.intervalMs) / 1000,
      plannedPerS: this.#meta.plannedRatePerS[m.index] ?? 0,
      arrivals: m.arrivals,
      started: m.started,
      dropped: m.dropped,
      completed: m.completed,
      succeeded: m.succeeded,
      inFlight: m.inFlight,
      maxLatenessMs: usToMs(m.maxLatenessUs),
      latenessP99Ms,
      backlog: m.backlog === null ? null : { ...m.backlog },
      health: m.health === null ? null : { ...m.health },
      flows: m.flows === null ? null : structuredClone(m.flows),
      steps,
    };
    this.#series.push(row);
    this.#last = {
      index: m.index,
      offeredPerS: offered / intervalS,
      achievedPerS: ok / intervalS,
      p99Ms: all.totalCount === 0 ? null : usToMs(all.getValueAtPercentile(99)),
      inFlight: m.inFlight,
      errors,
      dropped: m.dropped,
    };
    return row;
  }

  #checkpoint(): void {
    writeFileAtomicSync(join(this.#dir, RUN_FILES.summary), jsonText(this.#summary(UNFINISHED)));
    if (this.#metricsDirty) {
      this.#metricsDirty = false;
      writeFileAtomicSync(join(this.#dir, RUN_FILES.targetMetrics), jsonText(this.#targetMetrics, false));
    }
  }

  #closeFiles(): void {
    for (const fd of [this.#hlogFd, this.#csvFd]) {
      if (fd < 0) continue;
      fsyncSync(fd);
      closeSync(fd);
    }
    this.#hlogFd = -1;
    this.#csvFd = -1;
  }
}
