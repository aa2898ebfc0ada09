/**
 * Benchmark: logins/s of the reference service, pinned to one core (`taskset -c 1` when the
 * machine has it), driven by a closed-loop undici Pool (64 connections) on the other core, for
 * ~5 s at hashCost 0 (the HTTP path alone; target >= 20k/s) and at the default cost.
 *
 *   node --import tsx bench/reference-logins.ts [--seconds 5] [--connections 64]
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { Pool } from 'undici';
import { ReferenceTarget } from '../targets/reference/reference-target.js';

const args = process.argv.slice(2);
const flag = (name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const SECONDS = flag('seconds', 5);
const CONNECTIONS = flag('connections', 64);
const ACCOUNTS = 1_000_000;

// Read once: after this process pins itself, availableParallelism() reports 1.
const CORES = availableParallelism();

/** Pins `pid` to `cpu`; false when taskset is missing or the machine has one core. */
function pin(pid: number, cpu: number): boolean {
  if (CORES < 2) return false;
  try {
    execFileSync('taskset', ['-cp', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Result {
  readonly hashCost: number;
  readonly logins: number;
  readonly perS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non200: number;
  readonly pinned: boolean;
}

async function measure(hashCost: number): Promise<Result> {
  const target = new ReferenceTarget();
  await target.start({
    population: { accounts: ACCOUNTS, seed: 1, mustResetShare: 0 },
    capacity: { hashCost },
  });
  const pinned = target.pid !== undefined && pin(target.pid, 1) && pin(process.pid, 0);
  const pool = new Pool(target.origin(), { connections: CONNECTIONS, pipelining: 1 });
  const latencies: number[] = [];
  let done = 0;
  let non200 = 0;
  let next = 0;
  const warmupEnd = performance.now() + 500;
  let start = 0;
  let stopAt = Number.POSITIVE_INFINITY;

  const loop = async (): Promise<void> => {
    for (;;) {
      const now = performance.now();
      if (now >= stopAt) return;
      const index = next++ % ACCOUNTS;
      const c = target.credentials(index);
      const t0 = performance.now();
      const res = await pool.request({
        method: 'POST',
        path: '/v1/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ account: c.account, password: c.password }),
      });
      await res.body.dump();
      const t1 = performance.now();
      if (t0 >= start && start > 0) {
        done++;
        if (res.statusCode !== 200) non200++;
        if ((done & 7) === 0) latencies.push(t1 - t0);
      }
    }
  };
  const loops = Array.from({ length: CONNECTIONS }, loop);
  // Bounded: a warm-up, then a fixed measuring window; every loop stops at stopAt.
  await new Promise((r) => setTimeout(r, Math.max(0, warmupEnd - performance.now())));
  start = performance.now();
  stopAt = start + SECONDS * 1000;
  await Promise.all(loops);
  const elapsedS = (performance.now() - start) / 1000;
  await pool.close();
  await target.stop();
  latencies.sort((a, b) => a - b);
  const q = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { hashCost, logins: done, perS: done / elapsedS, p50Ms: q(0.5), p99Ms: q(0.99), non200, pinned };
}

const results: Result[] = [];
for (const cost of [0, 1]) results.push(await measure(cost));

const row = (cells: readonly string[]): string =>
  cells.map((c, i) => (i === 0 ? c.padEnd(10) : c.padStart(12))).join(' ');
process.stdout.write(
  `reference logins: ${CONNECTIONS} connections, closed loop, ${SECONDS} s each (server pinned to cpu 1: ${results.every((r) => r.pinned) ? 'yes' : 'no'})\n`,
);
process.stdout.write(`${row(['hashCost', 'logins', 'logins/s', 'p50 ms', 'p99 ms', 'non-200'])}\n`);
for (const r of results) {
  process.stdout.write(
    `${row([String(r.hashCost), String(r.logins), r.perS.toFixed(0), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2), String(r.non200)])}\n`,
  );
}
const zero = results[0];
if (zero)
  process.stdout.write(
    `target >= 20000 logins/s at hashCost 0: ${zero.perS >= 20_000 ? 'met' : 'NOT met'}\n`,
  );
