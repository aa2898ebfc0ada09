/**
 * Runs one surge end to end in the main thread: starts the target, hands the engine a sink,
 * merges what the shards ship into the run directory as it arrives, drives the profile's outage
 * windows and the target scrape, shows progress, and finishes the directory whatever happens:
 * on completion, on Ctrl-C or SIGTERM (marked aborted), on a dead worker (marked degraded) and
 * on an abort-on-fail gate. Nothing already measured is lost.
 */

import type { Gate } from '../../reports/gates/gate.js';
import { gateFiguresOfRun } from '../../reports/gates/gate-figures.js';
import { GateMonitor } from '../../reports/gates/gate-monitor.js';
import { mailSummary } from '../../reports/run-dir/mail-summary.js';
import type { RunMeta } from '../../reports/run-dir/run-meta.js';
import { RunWriter } from '../../reports/run-dir/run-writer.js';
import type { Summary } from '../../reports/run-dir/summary.js';
import {
  hasMaintenanceControl,
  isMailSource,
  isMetricsSource,
  isStartable,
  type Target,
} from '../../targets/target.js';
import type { Shard } from '../arrivals/arrival.js';
import { profileDurationS } from '../arrivals/profile-rate.js';
import type { Engine, SnapshotSink } from '../engines/engine.js';
import { errorMessage, StampedeError } from '../errors.js';
import type { Profile } from '../profile/profile.js';
import { buildStepIndex } from '../profile/step-index.js';
import type { Alarm, Clock } from './clock.js';
import { scrapeMetrics } from './metrics-scraper.js';
import type { ProgressDisplay } from './progress-display.js';
import { RealClock, takeT0 } from './real-clock.js';
import type { RunObserver } from './run-observer.js';
import { phaseAt, runMeta, undrivenShare } from './run-plan.js';

export interface SurgeOptions {
  readonly profile: Profile;
  readonly target: Target;
  readonly engine: Engine;
  readonly outDir: string;
  readonly workers: number;
  readonly shard: Shard | null;
  readonly drainS: number;
  /** Capacity for embedded targets: the profile's `reference:` with CLI overrides applied. */
  readonly capacity: Readonly<Record<string, number>>;
  readonly gates: readonly Gate[];
  readonly engineOptions: Readonly<Record<string, number | string | boolean>>;
  readonly progress: ProgressDisplay;
  /** Aborting it stops the run like Ctrl-C does (the CLI wires SIGINT/SIGTERM to it). */
  readonly signal: AbortSignal;
  /**
   * Runs after the target is started and before the first arrival (e.g. a reachability check);
   * a rejection stops the target and fails the run before anything is fired or written.
   */
  readonly preflight?: (target: Target) => Promise<void>;
  /** Watches the run live (telemetry); called as `RunObserver` documents. */
  readonly observer?: RunObserver;
}

export interface SurgeResult {
  readonly summary: Summary;
  readonly writer: RunWriter;
}

/** Runs the surge; resolves once the run directory is complete (possibly aborted/degraded). */
export async function runSurge(opts: SurgeOptions): Promise<SurgeResult> {
  const { profile, target, engine, progress } = opts;
  const intervalMs = Math.round(profile.client.intervalS * 1000);
  const steps = buildStepIndex(profile);
  const durationS = profileDurationS(profile);

  if (isStartable(target)) {
    // No signal: an interrupt must not kill an embedded target while the run drains and writes.
    await target.start({ population: profile.population, capacity: opts.capacity });
  }
  if (opts.preflight) {
    try {
      await opts.preflight(target);
    } catch (err: unknown) {
      if (isStartable(target)) await target.stop().catch(() => undefined);
      throw err;
    }
  }

  const shards = engine.shardCount({ workers: opts.workers });
  const delivered = new Array<number>(shards).fill(-1);
  const finished = new Array<boolean>(shards).fill(false);
  const degraded: string[] = [];
  const alarms: Alarm[] = [];
  const lost: { worker: number; reason: string; lastInterval: number }[] = [];
  const stop = new AbortController();
  let abortReason: string | null = null;
  let writer: RunWriter | null = null;
  let t0Ms = 0;
  let meta: RunMeta | null = null;
  let pending: Promise<RunWriter | null> | null = null;
  // The first failure to write the run directory (full disk, directory gone): stops the run.
  let ioError: unknown = null;
  const early: Array<() => void> = [];
  const monitor = new GateMonitor(opts.gates);

  const abort = (reason: string): void => {
    if (abortReason !== null) return;
    abortReason = reason;
    try {
      writer?.addEvent({ atMs: Date.now(), kind: 'abort', detail: reason });
    } catch {
      // The directory cannot take the event (the reason we abort, perhaps); the summary says it.
    }
    stop.abort();
  };
  // A run directory that cannot be written stops the run: load with nowhere to record it is noise.
  const ioFailed = (err: unknown): void => {
    if (ioError === null) ioError = err;
    abort(`run directory not writable: ${errorMessage(err)}`);
  };
  const onSignal = (): void => abort('interrupted');
  if (opts.signal.aborted) onSignal();
  else opts.signal.addEventListener('abort', onSignal, { once: true });

  const closeReady = (): void => {
    if (!writer) return;
    let through = Number.POSITIVE_INFINITY;
    for (let i = 0; i < shards; i++) if (!finished[i]) through = Math.min(through, delivered[i]!);
    if (!Number.isFinite(through)) through = Math.max(...delivered);
    writer.closeThrough(through);
    opts.observer?.intervalClosed(through);
    const last = writer.lastInterval();
    if (last) {
      const elapsedS = ((last.index + 1) * intervalMs) / 1000;
      progress.update({ ...last, phase: phaseAt(profile, elapsedS), elapsedS, totalS: durationS });
      if (monitor.active) {
        const breach = monitor.observe(gateFiguresOfRun(writer.runData()), elapsedS);
        if (breach) abort(breach.reason);
      }
    }
  };

  const sink: SnapshotSink = {
    started: () => {
      const t0 = takeT0();
      t0Ms = t0.epochMs;
      const clock = new RealClock(t0);
      meta = runMeta(opts, steps.names, t0Ms, intervalMs, durationS);
      pending = RunWriter.create(opts.outDir, meta).then(
        (w) => {
          writer = w;
          for (const f of early.splice(0)) f();
          return w;
        },
        (err: unknown) => {
          ioFailed(err);
          return null;
        },
      );
      opts.observer?.started({
        meta,
        outDir: opts.outDir,
        metricsUrl: isMetricsSource(target) ? target.metricsUrl() : null,
        event: (kind, detail) => withWriter((w) => w.addEvent({ atMs: Date.now(), kind, detail })),
      });
      scheduleOutages(opts, clock, alarms, (kind, detail) =>
        withWriter((w) => w.addEvent({ atMs: Date.now(), kind, detail })),
      );
      if (isMetricsSource(target)) {
        const url = target.metricsUrl();
        // The scrape is a Clock event too: once per interval, from t0.
        const scrape = clock.alarm((now) => {
          scrape.set(now + intervalMs * 1e6);
          void scrapeMetrics(url, Math.min(intervalMs, 2000)).then(
            (s) => s && withWriter((w) => w.addTargetMetrics(s)),
          );
        });
        scrape.set(0);
        alarms.push(scrape);
      }
      return t0;
    },
    snapshot: (shard, s) => {
      opts.observer?.snapshot(shard, s);
      withWriter((w) => {
        w.addSnapshot(s);
        delivered[shard] = Math.max(delivered[shard]!, s.index);
        closeReady();
      });
    },
    shardDone: (shard, cancelled) =>
      withWriter((w) => {
        finished[shard] = true;
        if (cancelled > 0)
          w.addEvent({
            atMs: Date.now(),
            kind: 'sessions-cancelled',
            detail: `shard ${shard}: ${cancelled} session(s) still running at the end were cancelled`,
          });
        closeReady();
      }),
    shardFailed: (shard, reason) => {
      degraded.push(reason);
      lost.push({ worker: shard, reason, lastInterval: delivered[shard]! });
      progress.note(`stampede: ${reason}; the run continues without it (marked degraded, exit 1)`);
      withWriter((w) => {
        finished[shard] = true;
        w.addEvent({ atMs: Date.now(), kind: 'worker-crash', detail: reason });
        closeReady();
      });
    },
  };
  // Snapshots can arrive before the directory exists (it is created asynchronously at t0).
  function withWriter(f: (w: RunWriter) => void): void {
    // A write error must not escape into a worker's message handler (it would kill the process).
    const guarded = (w: RunWriter): void => {
      try {
        f(w);
      } catch (err: unknown) {
        ioFailed(err);
      }
    };
    if (writer) guarded(writer);
    else early.push(() => guarded(writer!));
  }

  let engineError: unknown = null;
  try {
    await engine.run({
      profile,
      target,
      intervalMs,
      workers: opts.workers,
      shard: opts.shard,
      drainMs: opts.drainS * 1000,
      options: opts.engineOptions,
      sink,
      signal: stop.signal,
    });
  } catch (err: unknown) {
    engineError = err;
  } finally {
    for (const a of alarms) a.clear();
    opts.signal.removeEventListener('abort', onSignal);
  }
  // Assigned in the sink's callbacks, which TypeScript's flow analysis does not follow.
  const created = writer as RunWriter | null;
  const w = created ?? (pending ? await (pending as Promise<RunWriter | null>) : null);
  if (isStartable(target)) await target.stop().catch(() => undefined);
  // The sink's figures are final once the target has stopped (its mail has been delivered or given up).
  const mail = isMailSource(target) ? await target.mailStats().then(mailSummary, () => undefined) : undefined;
  if (!w && ioError !== null) throw notWritable(opts.outDir, ioError);
  if (!w) {
    if (engineError) throw engineError;
    throw new Error(
      `the run never started: ${degraded.join('; ') || 'the engine ended before its shards were ready'}`,
    );
  }
  if (engineError) abort(`engine failed: ${errorMessage(engineError)}`);
  await opts.observer?.finished({ aborted: abortReason !== null });
  progress.clear();
  let summary: Summary | null = null;
  try {
    summary = await w.finish({
      aborted: abortReason !== null,
      abortReason,
      degraded,
      ...(mail ? { mail } : {}),
      workersLost: lost.map((l) => ({
        worker: l.worker,
        reason: l.reason,
        lostShare: undrivenShare((meta as RunMeta | null)?.plannedRatePerS ?? [], l.lastInterval, shards),
      })),
    });
  } catch (err: unknown) {
    ioFailed(err);
  }
  if (ioError !== null || summary === null) throw notWritable(opts.outDir, ioError);
  return { summary, writer: w };
}

/** One line for a run directory that could not be written; what was written before stays. */
function notWritable(dir: string, err: unknown): StampedeError {
  const code = (err as { code?: unknown } | null)?.code;
  const why = typeof code === 'string' ? `${errorMessage(err).split(',')[0]}` : errorMessage(err);
  return new StampedeError(
    'E_IO',
    `cannot write the run directory ${dir}: ${why}; the run was stopped, files written before the fault are kept (marked aborted)`,
  );
}

/** Takes the service down at each outage window, through the target's maintenance ability. */
function scheduleOutages(
  opts: SurgeOptions,
  clock: Clock,
  alarms: Alarm[],
  event: (kind: string, detail: string) => void,
): void {
  const { target, profile } = opts;
  for (const o of profile.outages) {
    const where = o.regions.length > 0 ? o.regions.join(',') : 'all regions';
    const down = clock.alarm(() => {
      if (!hasMaintenanceControl(target)) {
        event('outage-skipped', `${o.name}: target ${target.name} has no maintenance control`);
        return;
      }
      event('outage-start', `${o.name}: ${where} down for ${o.durationS}s`);
      target.maintenance(o.durationS, o.regions).catch((err: unknown) => {
        event('outage-failed', `${o.name}: ${errorMessage(err)}`);
      });
    });
    const up = clock.alarm(() => event('outage-end', `${o.name}: ${where} back`));
    down.set(o.startS * 1e9);
    up.set((o.startS + o.durationS) * 1e9);
    alarms.push(down, up);
  }
}
