/**
 * Builds real run directories for tests: a ShardRecorder records seeded latencies, RunWriter
 * writes the directory exactly as a run would.
 */
import { Outcome } from '../../harness/vocabulary/outcome.js';
import { ShardRecorder } from '../../reports/recorder/shard-recorder.js';
import type { RunMeta } from '../../reports/run-dir/run-meta.js';
import { RunWriter } from '../../reports/run-dir/run-writer.js';
import type { Summary } from '../../reports/run-dir/summary.js';

/** mulberry32, seeded. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const STEPS = ['login', 'reset-confirm'] as const;

/** One recorded request: interval, step index, outcome, latency µs. */
export interface FixtureRequest {
  readonly interval: number;
  readonly step: number;
  readonly ok: boolean;
  readonly latencyUs: number;
}

export interface FixtureRun {
  readonly dir: string;
  readonly t0Ms: number;
  readonly intervalMs?: number;
  readonly shard?: { readonly index: number; readonly count: number };
  readonly profileHash?: string;
  readonly intervals: number;
  readonly requests: readonly FixtureRequest[];
  readonly dropped?: number;
  readonly aborted?: boolean;
}

/** Seeded requests: `perInterval` per step and interval, log-normal around `medianMs[step]`. */
export function seededRequests(
  seed: number,
  intervals: number,
  perInterval: number,
  medianMs: readonly number[],
): FixtureRequest[] {
  const next = rng(seed);
  const out: FixtureRequest[] = [];
  for (let interval = 0; interval < intervals; interval++) {
    for (let step = 0; step < medianMs.length; step++) {
      for (let k = 0; k < perInterval; k++) {
        const z = Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
        const ok = next() > 0.02;
        out.push({ interval, step, ok, latencyUs: Math.round(medianMs[step]! * 1000 * Math.exp(0.4 * z)) });
      }
    }
  }
  return out;
}

/** Writes one run directory and returns its summary. */
export async function writeFixtureRun(f: FixtureRun): Promise<Summary> {
  const intervalMs = f.intervalMs ?? 1000;
  const meta: RunMeta = {
    profile: { name: 'fixture', file: 'profiles/fixture.yaml', hash: f.profileHash ?? 'hash-a' },
    target: 'reference',
    engine: 'undici',
    latencyModel: 'intended-time',
    startedAt: new Date(f.t0Ms).toISOString(),
    t0Ms: f.t0Ms,
    intervalMs,
    steps: [...STEPS],
    flows: [{ name: 'fixture', steps: [...STEPS] }],
    plannedDurationS: (f.intervals * intervalMs) / 1000,
    ...(f.shard ? { shard: f.shard } : {}),
    workers: 1,
    outages: [],
    plannedRatePerS: new Array(f.intervals).fill(10),
    settings: {},
  };
  const writer = await RunWriter.create(f.dir, meta);
  const rec = new ShardRecorder(STEPS.length, ['fixture']);
  try {
    for (let i = 0; i < f.intervals; i++) {
      for (const r of f.requests) {
        if (r.interval !== i) continue;
        const outcome = r.ok ? Outcome.ok : Outcome.c503;
        rec.arrival(0, true);
        rec.offered(r.step, false);
        rec.attempt(r.step, outcome, r.latencyUs, r.latencyUs / 2);
        rec.final(r.step, outcome, r.latencyUs);
        rec.sessionDone(0, r.ok);
      }
      if (i === 0) for (let d = 0; d < (f.dropped ?? 0); d++) rec.arrival(0, false);
      const start = f.t0Ms + i * intervalMs;
      rec.cut(i, start, start + intervalMs, 0);
      writer.addSnapshot(rec.seal()!);
      writer.closeThrough(i);
    }
  } finally {
    rec.destroy();
  }
  return writer.finish({
    aborted: f.aborted ?? false,
    abortReason: f.aborted ? 'interrupted' : null,
    degraded: [],
  });
}
