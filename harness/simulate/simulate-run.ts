/**
 * One simulation: the profile's arrival stream, the very scheduler, sessions, retry policies and
 * recorder of a real run, on the VirtualClock against the reference model (a Transport), writing
 * a normal run directory through RunWriter (engine `simulate`, latency model `simulated`), so
 * report, gate and merge read it unchanged. Interval bounds in the files are a start epoch plus
 * virtual time. Outage windows take the model's regions down as alarms on the same clock.
 *
 * The clock runs in slices of virtual time with a turn of the event loop between them, so Ctrl-C
 * (the `signal`) still stops a day-long simulation: the sessions then end as cancelled and the
 * directory is written, marked aborted.
 */
import type { RunData } from '../../reports/run-dir/run-data.js';
import type { RunMeta } from '../../reports/run-dir/run-meta.js';
import { RunWriter } from '../../reports/run-dir/run-writer.js';
import type { Summary } from '../../reports/run-dir/summary.js';
import { sinkDomains } from '../../targets/mail-sink/sink-options.js';
import { ModelTarget } from '../../targets/reference/model/model-target.js';
import { ReferenceModel } from '../../targets/reference/model/reference-model.js';
import { type ReferenceConfig, resolveReferenceConfig } from '../../targets/reference/reference-config.js';
import { REGION_HEADER } from '../../targets/reference/server.js';
import { accountDomainPicker } from '../arrivals/account-domain.js';
import { profileDurationS } from '../arrivals/profile-rate.js';
import { profileRunMeta } from '../driver/run-plan.js';
import { Scheduler } from '../driver/scheduler.js';
import { VirtualClock } from '../driver/virtual-clock.js';
import type { Profile } from '../profile/profile.js';
import { buildStepIndex } from '../profile/step-index.js';
import { modelGauges } from './model-gauges.js';
import { RegionProbe, type RegionTally } from './region-probe.js';
import { SimulateProgress } from './simulate-progress.js';

/** Origin the model answers for (never contacted: no socket is opened). */
const MODEL_ORIGIN = 'http://reference-model.invalid';
/** Virtual time run between two turns of the event loop. */
const SLICE_NS = 60e9;

/** What to simulate and where to write it. */
export interface SimulationOptions {
  /** The profile, what-ifs already applied (harness/simulate/what-if.ts). */
  readonly profile: Profile;
  /** Reference capacity: the profile's `reference:` with `--capacity` overrides. */
  readonly capacity: Readonly<Record<string, number>>;
  readonly outDir: string;
  /** Seconds sessions may finish after the last arrival. */
  readonly drainS: number;
  /** Epoch ms the virtual t0 is written as (default: now). */
  readonly t0EpochMs?: number;
  /** Seconds of one core per PBKDF2 iteration (default: the model's measured figure). */
  readonly secondsPerIteration?: number;
  /** CPU seconds of the server's core every request costs besides hashing (default 0). */
  readonly requestOverheadS?: number;
  /** Plain progress lines (virtual time); absent = silent. */
  readonly progress?: (line: string) => void;
  /** Virtual seconds between progress lines (default 600). */
  readonly progressEveryS?: number;
  /** Extra settings recorded in meta.json/summary.json (what-ifs, sweep value). */
  readonly settings?: Readonly<Record<string, string | number | boolean>>;
  readonly signal?: AbortSignal;
}

/** A finished simulation: its run data plus what only a simulation sees. */
export interface SimulationResult {
  readonly summary: Summary;
  readonly data: RunData;
  /** Reset-request tallies per region (harness/simulate/region-probe.ts). */
  readonly regions: ReadonlyMap<string, RegionTally>;
  /** The model's configuration the run used. */
  readonly config: ReferenceConfig;
  /** Events the virtual clock fired (the event economy). */
  readonly alarmsFired: number;
  readonly wallS: number;
}

/** Runs the simulation to the end (or to an abort) and writes the run directory. */
export async function simulate(opts: SimulationOptions): Promise<SimulationResult> {
  const wall0 = performance.now();
  const { profile } = opts;
  const { domains, ...population } = profile.population;
  const config = resolveReferenceConfig({ ...opts.capacity, ...population }, (k) =>
    k in opts.capacity ? `reference.${k}` : `population.${k}`,
  );
  const clock = new VirtualClock();
  const model = new ReferenceModel(clock, {
    config,
    // A day confirms ~27 M resets: mail is forgotten once used, so memory follows the sessions in flight.
    forgetConsumedMail: true,
    // Mail nobody can still be waiting for (past every await-mail timeout) is dropped too.
    forgetUnreadMailAfterS: longestMailWaitS(profile) + 60,
    // Nobody scrapes the model's /metrics: its gauges are read directly (model-gauges.ts).
    serverMetrics: false,
    // The recipients' providers, by the mail sink's rules: the same domain per account as the server.
    domainOf: accountDomainPicker(domains, config.seed),
    ...(domains.length > 0 ? { ispLimits: sinkDomains(domains) } : {}),
    ...(opts.secondsPerIteration !== undefined ? { secondsPerIteration: opts.secondsPerIteration } : {}),
    ...(opts.requestOverheadS !== undefined ? { requestOverheadS: opts.requestOverheadS } : {}),
  });
  const target = new ModelTarget({ origin: MODEL_ORIGIN, seed: config.seed, accounts: config.accounts });
  const intervalMs = Math.round(profile.client.intervalS * 1000);
  const intervalNs = intervalMs * 1e6;
  const probe = new RegionProbe(model, {
    path: '/v1/password-reset',
    regionHeader: REGION_HEADER,
    okStatuses: [202],
    intervalNs,
    now: () => clock.now(),
  });
  const t0Ms = opts.t0EpochMs ?? Date.now();
  const meta = runMeta(opts, config, t0Ms, intervalMs);
  const writer = await RunWriter.create(opts.outDir, meta);
  const progress = new SimulateProgress(opts.progress, opts.progressEveryS ?? 600);

  // The model's gauges at every interval boundary, like the real run's scrape.
  const gauges = clock.alarm((now) => {
    writer.addTargetMetrics(modelGauges(model, now, t0Ms));
    gauges.set(now + intervalNs);
  });
  gauges.set(0);
  for (const o of profile.outages) {
    const where = o.regions.length > 0 ? o.regions.join(',') : 'all regions';
    const event = (kind: string, detail: string) =>
      writer.addEvent({ atMs: t0Ms + clock.now() / 1e6, kind, detail });
    clock
      .alarm(() => {
        event('outage-start', `${o.name}: ${where} down for ${o.durationS}s`);
        model.beginMaintenance(o.durationS, o.regions);
      })
      .set(o.startS * 1e9);
    clock.alarm(() => event('outage-end', `${o.name}: ${where} back`)).set((o.startS + o.durationS) * 1e9);
  }

  const scheduler = new Scheduler(
    {
      profile,
      shard: { index: 0, count: 1 },
      intervalMs,
      maxInFlight: profile.client.maxInFlight,
      requestTimeoutMs: profile.client.requestTimeoutS * 1000,
      drainMs: opts.drainS * 1000,
      t0EpochMs: t0Ms,
    },
    {
      clock,
      target,
      transportFor: () => probe,
      onSnapshot: (s) => {
        writer.addSnapshot(s);
        writer.closeThrough(s.index);
        progress.snapshot(s, writer.lastInterval());
      },
    },
  );
  let over = false;
  const done = scheduler.run().then((r) => {
    over = true;
    gauges.clear();
    return r;
  });
  let aborted = false;
  const onAbort = (): void => {
    aborted = true;
    scheduler.stop(0);
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  while (!over) {
    clock.runUntil(clock.now() + SLICE_NS);
    await new Promise<void>((r) => setImmediate(r));
  }
  const result = await done;
  opts.signal?.removeEventListener('abort', onAbort);
  if (result.cancelled > 0) {
    writer.addEvent({
      atMs: t0Ms + clock.now() / 1e6,
      kind: 'sessions-cancelled',
      detail: `${result.cancelled} session(s) still running at the end were cancelled`,
    });
  }
  const summary = await writer.finish({
    aborted,
    abortReason: aborted ? 'interrupted' : null,
    degraded: [],
  });
  progress.done();
  return {
    summary,
    data: writer.runData(summary),
    regions: probe.regions,
    config,
    alarmsFired: clock.fired,
    wallS: (performance.now() - wall0) / 1000,
  };
}

/** The longest await-mail timeout of the profile's flows (0 without one). */
function longestMailWaitS(profile: Profile): number {
  let s = 0;
  for (const f of profile.flows)
    for (const st of f.steps) if (st.kind === 'await-mail') s = Math.max(s, st.timeoutS);
  return s;
}

function runMeta(
  opts: SimulationOptions,
  config: ReferenceConfig,
  t0Ms: number,
  intervalMs: number,
): RunMeta {
  const { profile } = opts;
  const settings: Record<string, string | number | boolean> = { 'simulate.model': 'reference-model' };
  for (const k of [
    'adminWorkers',
    'resetServiceMs',
    'resetQueue',
    'mailPerS',
    'hashCost',
    'tokenTtlS',
  ] as const)
    settings[`target.${k}`] = config[k];
  for (const [k, v] of Object.entries(opts.settings ?? {})) settings[`simulate.${k}`] = v;
  // No cap (Infinity) would be written as null: say so in words.
  if (!Number.isFinite(profile.client.maxInFlight)) settings['maxInFlight'] = 'none';
  const source = {
    target: 'reference',
    engine: 'simulate',
    latencyModel: 'simulated',
    workers: 1,
    settings,
  } as const;
  const names = buildStepIndex(profile).names;
  return profileRunMeta(profile, source, names, t0Ms, intervalMs, profileDurationS(profile));
}
