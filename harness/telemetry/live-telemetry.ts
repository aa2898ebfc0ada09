/**
 * Live telemetry of a run: the coordinator feeds it on the main thread (each shard's snapshot as
 * it arrives, each interval once it is complete across shards, the run's state, the target's
 * scraped metrics) and it keeps the Prometheus series of `TelemetrySeries` current. Worker
 * threads never see it: their figures reach it through the coordinator, so there is one endpoint
 * per process and nothing on the send path.
 *
 * Counters move as snapshots arrive (so their final values equal summary.json's, late snapshots
 * included); gauges and last-interval quantiles move when an interval closes, from the shards'
 * histograms added exactly. A figure a snapshot does not carry (no user wait, no backlog, no
 * health) leaves its series absent rather than zero.
 *
 * Called from one thread, never concurrently; nothing here throws on snapshot content.
 */
import type { Histogram } from 'hdr-histogram-js';
import { type Counter, Gauge } from 'prom-client';
import type { IntervalSnapshot } from '../../reports/recorder/interval-snapshot.js';
import { countsByName } from '../vocabulary/outcome.js';
import { type ClosedInterval, OpenIntervals } from './open-intervals.js';
import { type PushSeries, registrySeries } from './push-series.js';
import { TargetExposition } from './target-exposition.js';
import { QUANTILES, RUN_STATES, type RunLabels, type RunState, TelemetrySeries } from './telemetry-series.js';

/** What the telemetry needs to know of the run before the first snapshot. */
export interface LiveTelemetryOptions {
  readonly labels: RunLabels;
  /** Step names, the index space of `StepInterval.step` (`RunMeta.steps`). */
  readonly steps: readonly string[];
}

/** The run's live series, fed by the coordinator; read by the endpoint and the pusher. */
export class LiveTelemetry {
  readonly #series: TelemetrySeries;
  readonly #steps: readonly string[];
  readonly #open = new OpenIntervals();
  readonly #target: TargetExposition;
  /** Optional series (see TelemetrySeries) registered so far. */
  readonly #registered = new Set<object>();
  #state: RunState | null = null;

  constructor(opts: LiveTelemetryOptions) {
    this.#series = new TelemetrySeries(opts.labels);
    this.#steps = opts.steps;
    this.#target = new TargetExposition({ ...opts.labels });
    const s = this.#series;
    // Per-step counters exist from the start at 0, so rate() has a first point before the load.
    for (const step of opts.steps) {
      s.offered.inc({ step }, 0);
      s.retries.inc({ step }, 0);
      s.answered.inc({ step }, 0);
    }
  }

  /** The state the run-state gauge shows (null before `setState`). */
  get state(): RunState | null {
    return this.#state;
  }

  /** One shard's snapshot, as it arrives: counters move at once, gauges wait for the close. */
  observe(_shard: number, snap: IntervalSnapshot): void {
    const s = this.#series;
    s.arrivals.inc(snap.arrivals);
    s.dropped.inc(snap.dropped);
    s.completed.inc(snap.completed);
    if (snap.succeeded !== undefined) this.#register(s.succeeded).inc(snap.succeeded);
    for (const st of snap.steps) {
      const step = this.#stepName(st.step);
      s.offered.inc({ step }, st.offered);
      s.retries.inc({ step }, st.retries);
      for (const [cls, n] of Object.entries(outcomesByName(st.outcomes))) {
        if (n <= 0) continue;
        if (cls === 'ok') s.answered.inc({ step }, n);
        else s.errors.inc({ step, class: cls }, n);
      }
    }
    this.#open.add(snap);
  }

  /** Every shard has delivered intervals up to `index` (or is gone): the gauges move to it. */
  intervalClosed(index: number): void {
    for (const c of this.#open.close(index)) this.#apply(c);
  }

  /** Sets the run-state gauge: 1 for `state`, 0 for the others. */
  setState(state: RunState): void {
    this.#state = state;
    for (const st of RUN_STATES) this.#series.runState.set({ state: st }, st === state ? 1 : 0);
  }

  /** The target's latest scraped exposition, re-exported with the `stampede_target_` prefix. */
  targetMetrics(text: string): void {
    this.#target.update(text);
  }

  /** Counts one failed push to the remote-write receiver. */
  remoteWriteFailed(): void {
    this.#series.remoteWriteFailures.inc();
  }

  /** Content type of `exposition()`. */
  get contentType(): string {
    return this.#series.registry.contentType;
  }

  /**
   * The endpoint's body: stampede's series, then the target's, in the text format. Optional
   * families nobody shipped yet are declared (HELP and TYPE, no sample), as prom-client does for
   * a labelled family without values: a dashboard finds every family, a figure never shows as 0.
   */
  async exposition(): Promise<string> {
    let declared = '';
    for (const m of this.#series.optional) {
      if (this.#registered.has(m)) continue;
      const { name, help } = m as unknown as { name: string; help: string };
      declared += `# HELP ${name} ${help}\n# TYPE ${name} ${m instanceof Gauge ? 'gauge' : 'counter'}\n\n`;
    }
    return (await this.#series.registry.metrics()) + declared + this.#target.render();
  }

  /** The same series, flat, for a remote-write push. */
  async series(): Promise<PushSeries[]> {
    return [...(await registrySeries(this.#series.registry)), ...this.#target.series()];
  }

  /** Drops every series (the registry is not shared, so nothing outside holds them). */
  close(): void {
    this.#series.registry.clear();
  }

  #apply(c: ClosedInterval): void {
    const s = this.#series;
    this.#register(s.intervalIndex).set(c.index);
    s.inFlight.set(c.inFlight);
    if (c.backlog !== null) {
      this.#register(s.backlogAtTarget).set(c.backlog.atTarget);
      this.#register(s.backlogInClient).set(c.backlog.inClient);
      this.#register(s.inBackoff).set(c.backlog.inBackoff);
    }
    if (c.busy !== null) this.#register(s.busy).set(c.busy);
    if (c.loopDelayP99Us !== null) this.#register(s.loopDelay).set(c.loopDelayP99Us / 1e6);
    setQuantiles(s.lateness, {}, c.lateness);
    // The worst lateness is known even without a lateness histogram (every engine tracks it).
    s.lateness.set({ quantile: '1' }, c.maxLatenessUs / 1e6);
    const seen = new Set<string>();
    for (const st of c.steps) {
      const step = this.#stepName(st.step);
      seen.add(step);
      setQuantiles(s.latency, { step }, st.latency);
      setQuantiles(s.service, { step }, st.service);
      setQuantiles(s.userWait, { step }, st.userWait);
    }
    // A step idle in the interval has no last-interval quantile: its series go absent.
    for (const step of this.#steps) {
      if (seen.has(step)) continue;
      for (const g of [s.latency, s.service, s.userWait]) setQuantiles(g, { step }, null);
    }
  }

  #register<T extends Counter | Gauge>(metric: T): T {
    if (!this.#registered.has(metric)) {
      this.#registered.add(metric);
      this.#series.registry.registerMetric(metric);
    }
    return metric;
  }

  #stepName(index: number): string {
    return this.#steps[index] ?? `step-${index}`;
  }
}

/**
 * Counts by class name. Version-1 producers (today's recorder, until it ships v2) send an array
 * indexed as OUTCOME_CLASSES; it is read by position once, here, and never leaves as an index.
 */
function outcomesByName(outcomes: unknown): Readonly<Record<string, number>> {
  if (Array.isArray(outcomes)) return countsByName(outcomes as number[]);
  return (outcomes ?? {}) as Readonly<Record<string, number>>;
}

/** Sets p50/p90/p99/max from `h` (µs) in seconds, or removes them when `h` is null or empty. */
function setQuantiles<L extends string>(
  g: Gauge<L>,
  labels: Partial<Record<L, string>>,
  h: Histogram | null,
): void {
  for (const q of QUANTILES) {
    const l = { ...labels, quantile: q.label } as Partial<Record<L, string>>;
    if (h === null || h.totalCount === 0) {
      g.remove(l);
      continue;
    }
    const us = q.percentile === 100 ? h.maxValue : h.getValueAtPercentile(q.percentile);
    g.set(l, us / 1e6);
  }
}
