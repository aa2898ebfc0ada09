/**
 * What recording costs: ns per value through `ShardRecorder.request` (the hot path of every
 * worker), and the cost per interval of `cut()` on each shard plus the writer's merge, hlog and
 * time-series append (`RunWriter.addSnapshot` + `closeThrough`) with 5 active steps.
 *
 *   node --import tsx bench/record-cost.ts [--values 10000000] [--intervals 200]
 *
 * Target: <= 100 ns per recorded value. Prints a table.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outcome } from '../harness/vocabulary/outcome.js';
import { ShardRecorder } from '../reports/recorder/shard-recorder.js';
import type { RunMeta } from '../reports/run-dir/run-meta.js';
import { RunWriter } from '../reports/run-dir/run-writer.js';
import { flag } from './support/flag.js';

function arg(name: string, dflt: number): number {
  const v = Number(flag(name) ?? dflt);
  return Number.isFinite(v) && v > 0 ? v : dflt;
}

const VALUES = arg('values', 10_000_000);
const INTERVALS = arg('intervals', 200);
const STEPS = 5;
const SHARDS = 2;
const PER_INTERVAL = 2_000; // values per step per shard per interval

/** Latencies spread like a real run: 0.2 ms .. ~2 s, precomputed so the loop only records. */
function latencies(n: number): Float64Array {
  const a = new Float64Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    a[i] = 200 * Math.exp((x / 2147483648) * 9);
  }
  return a;
}

function benchRecord(): { nsPerValue: number; values: number } {
  const r = new ShardRecorder(STEPS, ['f']);
  const lat = latencies(1 << 16);
  const mask = (1 << 16) - 1;
  // Warm up the JIT on the same path.
  for (let i = 0; i < 200_000; i++) r.attempt(i % STEPS, Outcome.ok, lat[i & mask]!, lat[(i + 7) & mask]!);
  r.cut(0, 0, 1000, 0);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < VALUES; i++) r.attempt(i % STEPS, Outcome.ok, lat[i & mask]!, lat[(i + 7) & mask]!);
  const ns = Number(process.hrtime.bigint() - t0);
  r.destroy();
  return { nsPerValue: ns / VALUES, values: VALUES };
}

async function benchInterval(): Promise<{ cutUs: number; closeUs: number; addUs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'stampede-bench-'));
  const t0Ms = Date.now();
  const meta: RunMeta = {
    profile: { name: 'bench', file: 'bench', hash: 'bench' },
    target: 'bench',
    engine: 'bench',
    latencyModel: 'intended-time',
    startedAt: new Date(t0Ms).toISOString(),
    t0Ms,
    intervalMs: 1000,
    steps: Array.from({ length: STEPS }, (_, i) => `step-${i}`),
    plannedDurationS: INTERVALS,
    workers: SHARDS,
    outages: [],
    plannedRatePerS: [],
    settings: {},
  };
  const writer = await RunWriter.create(dir, meta);
  const shards = Array.from({ length: SHARDS }, () => new ShardRecorder(STEPS, ['f']));
  const lat = latencies(1 << 16);
  let cutNs = 0;
  let addNs = 0;
  let closeNs = 0;
  let k = 0;
  for (let i = 0; i < INTERVALS; i++) {
    for (const r of shards) {
      for (let s = 0; s < STEPS; s++) {
        for (let j = 0; j < PER_INTERVAL; j++) {
          r.offered(s, false);
          r.attempt(s, Outcome.ok, lat[k++ & 0xffff]!, lat[k++ & 0xffff]!);
        }
      }
    }
    const startMs = t0Ms + i * 1000;
    for (const r of shards) {
      const a = process.hrtime.bigint();
      // The cut is the swap on the send path; the seal (encoding) runs off it: both timed.
      r.cut(i, startMs, startMs + 1000, 0);
      const snap = r.seal()!;
      const b = process.hrtime.bigint();
      writer.addSnapshot(snap);
      const c = process.hrtime.bigint();
      cutNs += Number(b - a);
      addNs += Number(c - b);
    }
    const a = process.hrtime.bigint();
    writer.closeThrough(i);
    closeNs += Number(process.hrtime.bigint() - a);
  }
  await writer.finish({ aborted: false, abortReason: null, degraded: [] });
  for (const r of shards) r.destroy();
  await rm(dir, { recursive: true, force: true });
  return {
    cutUs: cutNs / 1000 / (INTERVALS * SHARDS),
    addUs: addNs / 1000 / INTERVALS,
    closeUs: closeNs / 1000 / INTERVALS,
  };
}

const rec = benchRecord();
const iv = await benchInterval();
const rows: [string, string, string][] = [
  [
    'ShardRecorder.request (latency + service)',
    `${rec.nsPerValue.toFixed(1)} ns/value`,
    rec.nsPerValue <= 100 ? 'ok (<= 100)' : 'OVER 100 ns',
  ],
  [`cut() per shard, ${STEPS} steps`, `${iv.cutUs.toFixed(0)} µs/interval`, 'worker thread'],
  [`addSnapshot x${SHARDS} (decode + exact add)`, `${iv.addUs.toFixed(0)} µs/interval`, 'main thread'],
  ['closeThrough (hlog + csv append, totals)', `${iv.closeUs.toFixed(0)} µs/interval`, 'main thread'],
  [
    'merge per interval, main thread total',
    `${((iv.addUs + iv.closeUs) / 1000).toFixed(2)} ms/interval`,
    `${(((iv.addUs + iv.closeUs) / 1000 / 1000) * 100).toFixed(2)} % of a 1 s interval`,
  ],
];
const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
console.log(
  `record-cost: ${rec.values.toLocaleString('en-US')} values; ${INTERVALS} intervals x ${SHARDS} shards x ${STEPS} steps x ${PER_INTERVAL} values`,
);
console.log(`${'measure'.padEnd(w0)}  ${'cost'.padStart(w1)}  note`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
