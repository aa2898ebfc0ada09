/**
 * Builds seeded, synthetic run directories for the reports tests: a real `ShardRecorder` per
 * "shard" fed seeded latencies from a small queue model, its snapshots fed to a real `RunWriter`.
 * Everything (t0, timestamps, values) is fixed by the options, so two builds are byte-identical.
 */
import { Outcome, type OutcomeIndex } from '../../harness/vocabulary/outcome.js';
import { ShardRecorder } from '../../reports/recorder/shard-recorder.js';
import type { RunMeta } from '../../reports/run-dir/run-meta.js';
import { RunWriter } from '../../reports/run-dir/run-writer.js';

/** mulberry32: a tiny seeded PRNG, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of a synthetic run. */
export interface SyntheticOptions {
  readonly seed: number;
  /** Number of recorders whose snapshots are merged (worker threads). */
  readonly shards: number;
  readonly intervals: number;
  /** Epoch ms of t0. */
  readonly t0Ms: number;
  /** Reset admin capacity, requests/s (503 beyond it). */
  readonly resetCapacity: number;
  /** Mail outbox delivery rate, mails/s (latency grows beyond it). */
  readonly mailRate: number;
  /** Login answers 503 while an outage runs. */
  readonly outage: { readonly startS: number; readonly durationS: number } | null;
  /** Stop before finish() (a crash): the writer is left open. */
  readonly crash?: boolean;
}

/** The defaults: 40 s, a ramp that crosses the reset capacity, an outage at +30 s for 4 s. */
export const SYNTHETIC_DEFAULTS: SyntheticOptions = {
  seed: 42,
  shards: 2,
  intervals: 40,
  t0Ms: Date.UTC(2025, 0, 15, 12, 0, 0),
  resetCapacity: 40,
  mailRate: 30,
  outage: { startS: 30, durationS: 4 },
};

/** Step names of the synthetic runs. */
export const SYNTHETIC_STEPS = ['login', 'reset-request', 'await-mail'] as const;

/** The meta of a synthetic run. */
export function syntheticMeta(o: SyntheticOptions): RunMeta {
  return {
    profile: { name: 'synthetic-surge', file: 'profiles/synthetic-surge.yaml', hash: 'sha256:0123abcd' },
    target: 'reference',
    engine: 'undici',
    latencyModel: 'intended-time',
    startedAt: new Date(o.t0Ms).toISOString(),
    t0Ms: o.t0Ms,
    intervalMs: 1000,
    steps: [...SYNTHETIC_STEPS],
    flows: [{ name: 'surge', steps: [...SYNTHETIC_STEPS] }],
    plannedDurationS: o.intervals,
    workers: o.shards,
    outages: o.outage
      ? [{ name: 'maintenance', startS: o.outage.startS, durationS: o.outage.durationS, regions: [] }]
      : [],
    plannedRatePerS: Array.from({ length: o.intervals }, (_, i) => 20 + 3 * i),
    settings: { adminWorkers: 4, resetCapacityPerS: o.resetCapacity, mailRatePerS: o.mailRate },
  };
}

/** One attempt that is also its step's final outcome (no retries here): user wait = latency. */
function record(
  r: ShardRecorder,
  step: number,
  outcome: OutcomeIndex,
  latencyUs: number,
  serviceUs: number,
): void {
  r.attempt(step, outcome, latencyUs, serviceUs);
  r.final(step, outcome, latencyUs);
}

/** Lognormal-ish positive latency around `medianUs`. */
function jitter(rnd: () => number, medianUs: number): number {
  const u = Math.max(1e-9, rnd());
  const v = rnd();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(1, Math.round(medianUs * Math.exp(0.35 * z)));
}

/**
 * Writes a synthetic run into `dir`; returns the writer (finished unless `crash`). Also returns the
 * raw values each step recorded, so tests can compare against a single reference recorder.
 */
export async function buildSyntheticRun(
  dir: string,
  options: Partial<SyntheticOptions> = {},
): Promise<{ writer: RunWriter; meta: RunMeta }> {
  const o: SyntheticOptions = { ...SYNTHETIC_DEFAULTS, ...options };
  const meta = syntheticMeta(o);
  const writer = await RunWriter.create(dir, meta);
  const recorders = Array.from(
    { length: o.shards },
    () => new ShardRecorder(SYNTHETIC_STEPS.length, ['surge']),
  );
  const rnd = prng(o.seed);
  let mailQueue = 0;
  let mailsOffered = 0;
  let n = 0;
  const shardOf = (): ShardRecorder => recorders[n++ % o.shards]!;
  for (let i = 0; i < o.intervals; i++) {
    const arrivals = meta.plannedRatePerS[i]!;
    const down = o.outage !== null && i >= o.outage.startS && i < o.outage.startS + o.outage.durationS;
    if (o.outage !== null && i === o.outage.startS) {
      writer.addEvent({ atMs: o.t0Ms + i * 1000, kind: 'outage-start', detail: 'maintenance window' });
    }
    if (o.outage !== null && i === o.outage.startS + o.outage.durationS) {
      writer.addEvent({ atMs: o.t0Ms + i * 1000, kind: 'outage-end', detail: 'maintenance window' });
    }
    let resetOk = 0;
    for (let a = 0; a < arrivals; a++) {
      const r = shardOf();
      r.arrival(0, true);
      r.offered(0, false);
      if (down) record(r, 0, Outcome.c503, jitter(rnd, 800), jitter(rnd, 800));
      else record(r, 0, Outcome.ok, jitter(rnd, 4000), jitter(rnd, 3500));
      r.lateness(Math.round(rnd() * 500));
      if (down || a % 2 === 1) {
        r.sessionDone(0, !down);
        continue;
      }
      r.offered(1, false);
      if (resetOk < o.resetCapacity) {
        resetOk++;
        record(r, 1, Outcome.ok, jitter(rnd, 12_000), jitter(rnd, 11_000));
      } else {
        record(r, 1, Outcome.c503, jitter(rnd, 1500), jitter(rnd, 1500));
        r.sessionDone(0, false);
      }
    }
    // The outbox delivers `mailRate` mails a second; waiting mails make await-mail slow.
    mailsOffered = resetOk;
    mailQueue += mailsOffered;
    const delivered = Math.min(mailQueue, o.mailRate);
    const waitUs = ((mailQueue - delivered) / o.mailRate) * 1_000_000;
    for (let k = 0; k < delivered; k++) {
      const r = shardOf();
      r.offered(2, false);
      record(r, 2, Outcome.ok, jitter(rnd, 150_000) + waitUs, jitter(rnd, 150_000) + waitUs);
      r.sessionDone(0, true);
    }
    mailQueue -= delivered;
    for (const [s, r] of recorders.entries()) {
      const startMs = o.t0Ms + i * 1000;
      r.cut(i, startMs, startMs + 1000, s === 0 ? mailQueue : 0);
      writer.addSnapshot(r.seal()!);
    }
    writer.addTargetMetrics({
      atMs: o.t0Ms + (i + 1) * 1000,
      values: {
        reference_mail_outbox_depth: mailQueue,
        reference_admin_queue_depth: Math.max(0, resetOk - 50),
        http_requests_total: n,
      },
    });
    writer.closeThrough(i);
  }
  for (const r of recorders) r.destroy();
  if (!o.crash) await writer.finish({ aborted: false, abortReason: null, degraded: [] });
  return { writer, meta };
}
