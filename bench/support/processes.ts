/**
 * Child processes for the benchmark suite: pinning to a core with `taskset`, running a generator
 * under `/usr/bin/time` for its own CPU and peak RSS, and the bench server. Every child is bounded:
 * it gets a kill timer, and the caller stops servers it started.
 */

import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTestServer, type TestServer } from '../../test/support/spawn-test-server.js';

/** Read once, before anything pins this process. */
export const CORES = availableParallelism();

function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** True when targets and generators can get a core each. */
export const CAN_PIN = CORES >= 2 && has('taskset');
const HAS_TIME = existsSync('/usr/bin/time');

/** `taskset -c <cpu>` prefix, or nothing when pinning is impossible. */
export function pinned(cpu: number, cmd: string, args: readonly string[]): [string, string[]] {
  return CAN_PIN ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, [...args]];
}

export interface Measured {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  /** user+system CPU of the whole process (all threads, waited children), µs; null without /usr/bin/time. */
  readonly cpuUs: number | null;
  /** Peak RSS of the process, MB; null without /usr/bin/time. */
  readonly maxRssMb: number | null;
  readonly timedOut: boolean;
}

/** Runs `cmd` on core `cpu` under `/usr/bin/time`, killed after `timeoutMs`. */
export async function runMeasured(
  cmd: string,
  args: readonly string[],
  opts: { cpu: number; timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-bench-time-'));
  const timeFile = join(dir, 'time');
  const inner: [string, string[]] = HAS_TIME
    ? ['/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, cmd, ...args]]
    : [cmd, [...args]];
  const [c, a] = pinned(opts.cpu, inner[0], inner[1]);
  const t0 = performance.now();
  const child = spawn(c, a, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(killer);
  const wallMs = performance.now() - t0;
  let cpuUs: number | null = null;
  let maxRssMb: number | null = null;
  if (HAS_TIME && existsSync(timeFile)) {
    // The last line: GNU time prepends "Command exited with non-zero status" lines on failure.
    const line = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) ?? '';
    const [u, s, m] = line.split(/\s+/).map(Number);
    if (Number.isFinite(u) && Number.isFinite(s)) cpuUs = (u! + s!) * 1e6;
    if (Number.isFinite(m)) maxRssMb = m! / 1024;
  }
  rmSync(dir, { recursive: true, force: true });
  return { code, stdout, stderr, wallMs, cpuUs, maxRssMb, timedOut };
}

export type { ServerStats } from '../../test/support/spawn-test-server.js';
export type BenchServer = TestServer;

/** Starts the loopback test server (`ok` or `freeze`; test/support/load-test-server.ts) on core 1. */
export function startBenchServer(mode: 'ok' | 'freeze'): Promise<BenchServer> {
  return spawnTestServer(mode, 0, (cmd, args) => pinned(1, cmd, args));
}

/** A free loopback port (bound and released; good enough for a child started right after). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const addr = s.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  s.close();
  await once(s, 'close');
  return port;
}

/** Sleeps `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
