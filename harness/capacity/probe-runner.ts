/**
 * How a probe is run: the one place capacity meets the driver. Everything the search knows of a
 * run passes through `ProbeRunner`, so a change of the coordinator's signature lands here, and
 * the simulator (virtual time on the reference model) plugs in as another runner.
 *
 * The real runner starts an embedded target once for the whole search and hands the coordinator
 * a view of it without a lifecycle: the probes then meet one service whose queues carry over, as
 * a real backend's would, and the settling between probes is what empties them.
 */
import { Writable } from 'node:stream';
import type { RunData } from '../../reports/run-dir/run-data.js';
import type { Summary } from '../../reports/run-dir/summary.js';
import {
  declaresSteps,
  isMetricsSource,
  isStartable,
  type MetricsSource,
  type StepSupport,
  type Target,
} from '../../targets/target.js';
import { checkReachable } from '../driver/preflight.js';
import { ProgressDisplay } from '../driver/progress-display.js';
import { runSurge } from '../driver/run-coordinator.js';
import type { Engine } from '../engines/engine.js';
import { StampedeError } from '../errors.js';
import type { Profile } from '../profile/profile.js';

/** Whether probes ran against the real target or in virtual time on the reference model. */
export type ProbeMode = 'real' | 'simulated';

/** One probe to run. */
export interface ProbeRequest {
  /** The probe profile (constant rate, see probe-profile.ts). */
  readonly profile: Profile;
  /** The probe's run directory. */
  readonly outDir: string;
  /** Aborting it stops the probe like Ctrl-C stops a run (what was measured is written). */
  readonly signal: AbortSignal;
}

/** What a probe produced: its run directory's content. */
export interface ProbeRun {
  readonly summary: Summary;
  readonly run: RunData;
}

/**
 * Runs probes. `open` is called once before the first probe and `close` once after the last
 * (also after a failure); `run` is never called concurrently.
 */
export interface ProbeRunner {
  readonly mode: ProbeMode;
  /** The target the probes are fired at, started (settling watches it between probes). */
  readonly target: Target;
  open(profile: Profile): Promise<void>;
  run(probe: ProbeRequest): Promise<ProbeRun>;
  close(): Promise<void>;
}

/** What the real runner needs besides each probe's profile. */
export interface RealRunnerOptions {
  readonly target: Target;
  readonly engine: Engine;
  readonly workers: number;
  /** Seconds sessions may finish after a probe's last arrival. */
  readonly drainS: number;
  /** Capacity of an embedded target (the profile's `reference:`). */
  readonly capacity: Readonly<Record<string, number>>;
  readonly engineOptions?: Readonly<Record<string, number | string | boolean>>;
  /** Where a probe's notes go (a dead worker, a cancelled session); its per-interval lines do not. */
  readonly notes: Writable;
}

/** Keeps the run's notes, drops its per-interval progress: capacity prints one line per probe. */
class NotesOnly extends ProgressDisplay {
  override update(): void {}
}

/** The target without its lifecycle (started once by the runner), keeping its other abilities. */
function heldTarget(t: Target): Target {
  const view: Target = {
    name: t.name,
    origin: () => t.origin(),
    spec: () => t.spec(),
    credentials: (i) => t.credentials(i),
    buildRequest: (kind, s) => t.buildRequest(kind, s),
    needsBody: (kind) => t.needsBody(kind),
    interpret: (kind, r, s) => t.interpret(kind, r, s),
  };
  const metrics: Partial<MetricsSource> = isMetricsSource(t) ? { metricsUrl: () => t.metricsUrl() } : {};
  const steps: Partial<StepSupport> = declaresSteps(t) ? { supportedKinds: () => t.supportedKinds() } : {};
  return Object.assign(view, metrics, steps);
}

/** The runner that fires each probe for real through the run coordinator. */
export function realProbeRunner(opts: RealRunnerOptions): ProbeRunner {
  const held = heldTarget(opts.target);
  let started = false;
  return {
    mode: 'real',
    target: opts.target,
    async open(profile: Profile): Promise<void> {
      if (isStartable(opts.target)) {
        await opts.target.start({ population: profile.population, capacity: opts.capacity });
        started = true;
      }
      try {
        await checkReachable(opts.target.origin());
      } catch (err: unknown) {
        // capacity has no --no-preflight: probes at a target that is not there prove nothing.
        if (err instanceof StampedeError)
          throw new StampedeError(err.code, err.message.replace(/ \(use --no-preflight[^)]*\)$/, ''));
        throw err;
      }
    },
    async run(probe: ProbeRequest): Promise<ProbeRun> {
      const { summary, writer } = await runSurge({
        profile: probe.profile,
        target: held,
        engine: opts.engine,
        outDir: probe.outDir,
        workers: opts.workers,
        shard: null,
        drainS: opts.drainS,
        capacity: opts.capacity,
        gates: [],
        engineOptions: opts.engineOptions ?? {},
        progress: new NotesOnly(opts.notes, {}),
        signal: probe.signal,
      });
      return { summary, run: writer.runData(summary) };
    },
    async close(): Promise<void> {
      if (started && isStartable(opts.target)) await opts.target.stop().catch(() => undefined);
      started = false;
    },
  };
}

/** A stream that discards what it is given (probe notes in tests). */
export function discardStream(): Writable {
  return new Writable({
    write(_chunk, _enc, done) {
      done();
    },
  });
}
