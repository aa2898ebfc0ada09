/**
 * Runs the compiled CLI (`bin/stampede.js`, built by `npm test` before vitest) in a subprocess for
 * reliability tests: whole runs, signals, and bad-input invocations.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/stampede.js', import.meta.url));

/** A CLI process with its output collected as it comes. */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (signal deaths as 128 + n are reported by Node as null: -1). */
  exited(): Promise<number>;
}

export function startCli(args: readonly string[], cwd?: string): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true', STAMPEDE_DEBUG: '' },
    ...(cwd ? { cwd } : {}),
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exit = once(child, 'exit').then(([code]) => (code as number | null) ?? -1);
  return { child, stdout: () => out, stderr: () => err, exited: () => exit };
}

/** Runs the CLI to its end; kills it after `limitMs` (a hang fails the test instead of the suite). */
export async function runCli(
  args: readonly string[],
  limitMs = 30_000,
  cwd?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = startCli(args, cwd);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), limitMs);
  const code = await p.exited();
  clearTimeout(timer);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** Resolves once the run directory's hlog holds at least `n` interval lines (polls every 50 ms). */
export async function intervalsWritten(dir: string, n: number, limitMs = 20_000): Promise<void> {
  const file = join(dir, 'histograms.hlog');
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (existsSync(file)) {
      const lines = readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => /^Tag=[^,]*\.latency,/.test(l));
      if (lines.length >= n) return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${file}: fewer than ${n} intervals after ${limitMs} ms`);
}

/** A constant-rate, one-step profile text, cut into `interval`s (the profile default: 1s). */
export function constantProfile(rate: number, seconds: number, timeout = '2s', interval = '1s'): string {
  return `name: reliability
population: { accounts: 100000, seed: 9 }
client: { maxInFlight: 5000, connections: 16, requestTimeout: ${timeout}, connectTimeout: 500ms, interval: ${interval} }
flows:
  login-only: { weight: 1, steps: [login] }
phases:
  - { constant: ${rate}, duration: ${seconds}s, process: uniform }
`;
}
