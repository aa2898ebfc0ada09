/**
 * Faults of the stampede process itself, through the compiled CLI: SIGTERM, a second Ctrl-C, a
 * worker thread crashing on a user target's bug, the run directory replaced mid-run, a full disk.
 * Each keeps what was recorded before the fault, marks the run, says why in one line, and exits
 * with the contract's code. Runs are cut into 250 ms intervals, so a fault comes a second in; the
 * tests run side by side, each with its own server, directory and mount.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { spawnTestServer, type TestServer } from '../support/spawn-test-server.js';
import { tempDir, writeGetTarget } from '../support/surge-fixture.js';
import { constantProfile, intervalsWritten, startCli } from './cli-process.js';

/** The recording interval of these runs (s). */
const DT = 0.25;

/** A fresh loopback server, stopped when the test ends. */
async function testServer(ctx: TestContext): Promise<TestServer> {
  const server = await spawnTestServer('ok');
  ctx.onTestFinished(() => server.stop());
  return server;
}

/** A profile file (`DT` intervals) and an http target file against a fresh loopback server. */
async function setup(
  ctx: TestContext,
  rate: number,
  seconds: number,
): Promise<{ dir: string; profile: string; target: string }> {
  const server = await testServer(ctx);
  const dir = tempDir();
  const profile = join(dir, 'profile.yaml');
  writeFileSync(profile, constantProfile(rate, seconds, '2s', `${DT * 1000}ms`));
  return { dir, profile, target: writeGetTarget(dir, server.origin) };
}

const NO_STACK = /^\s+at /m;

/** Mounts a tmpfs of `kb` KiB at `dir`; false where mounting is not allowed (not root). */
function tmpfs(dir: string, kb: number): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return false;
  }
  return true;
}
const canMount = ((): boolean => {
  const probe = join(tempDir(), 'probe');
  if (!tmpfs(probe, 64)) return false;
  execFileSync('umount', [probe]);
  return true;
})();

/** Waits for 4 intervals: 4 x DT = 1 s of a 200/s run, so at least 4 x DT x 200 = 200 arrivals. */
const SEEN = 4;
const SEEN_ARRIVALS = SEEN * DT * 200;

describe.concurrent('process faults', () => {
  it('SIGTERM: exit 130, run dir marked aborted "interrupted" with the intervals so far', async (ctx) => {
    const { dir, profile, target } = await setup(ctx, 200, 20);
    const out = join(dir, 'run');
    const cli = startCli(['run', profile, '--target', target, '--out', out, '--workers', '1']);
    await intervalsWritten(out, SEEN);
    cli.child.kill('SIGTERM');
    expect(await cli.exited()).toBe(130);
    const run = await readRunDir(out);
    expect(run.summary.aborted).toBe(true);
    expect(run.summary.abortReason).toBe('interrupted');
    expect(run.series.length).toBeGreaterThanOrEqual(SEEN);
    expect(run.summary.arrivals).toBeGreaterThanOrEqual(SEEN_ARRIVALS);
    // Stopped long before the profile's 200/s x 20 s = 4000.
    expect(run.summary.arrivals).toBeLessThan(4000);
    expect(run.summary.started + run.summary.dropped).toBe(run.summary.arrivals);
    expect(cli.stderr()).toContain('stampede: SIGTERM: stopping');
    expect(cli.stderr()).not.toMatch(NO_STACK);
  });

  it('a second Ctrl-C quits at once: exit 130, the directory readable, marked aborted', async (ctx) => {
    const { dir, profile, target } = await setup(ctx, 200, 20);
    const out = join(dir, 'run');
    const cli = startCli(['run', profile, '--target', target, '--out', out, '--workers', '1']);
    await intervalsWritten(out, SEEN);
    cli.child.kill('SIGINT');
    cli.child.kill('SIGINT');
    expect(await cli.exited()).toBe(130);
    // Whichever moment the second signal caught, the directory holds what was closed before it.
    const run = await readRunDir(out);
    expect(run.summary.aborted).toBe(true);
    expect(run.series.length).toBeGreaterThanOrEqual(SEEN);
    expect(run.summary.arrivals).toBeGreaterThanOrEqual(SEEN_ARRIVALS);
    expect(cli.stderr()).not.toMatch(NO_STACK);
  });

  it('a worker that dies of its own (an uncaught error in its thread): exit 1, the undriven share in summary.json', async (ctx) => {
    const server = await testServer(ctx);
    const dir = tempDir();
    const profile = join(dir, 'profile.yaml');
    // 200 arrivals/s for 3 s over 2 workers: 300 each.
    writeFileSync(profile, constantProfile(200, 3));
    const module = join(dir, 'dying-target.mjs');
    // A real user module whose first worker thread dies at its 150th request: not a throw inside
    // target code (that is a target-error), but an uncaught exception on the thread's own loop.
    writeFileSync(
      module,
      `import { threadId } from 'node:worker_threads';
const origin = ${JSON.stringify(server.origin)};
const file = new URL(import.meta.url).pathname;
export default function create() {
  let calls = 0;
  return {
    name: 'module:dying',
    origin: () => origin,
    spec: () => ({ kind: 'module', module: file }),
    credentials: (i) => ({ account: 'user-' + i, password: 'pw' }),
    buildRequest(kind, s) {
      if (threadId === 1 && ++calls === 150) setImmediate(() => { throw new Error('native crash in worker'); });
      return { method: 'GET', path: '/login/' + s.account, headers: {} };
    },
    needsBody: () => false,
    interpret: () => ({ verdict: 'ok' }),
  };
}
`,
    );
    const out = join(dir, 'run');
    const cli = startCli(['run', profile, '--target', module, '--out', out, '--workers', '2']);
    // A run that lost part of its load never exits 0.
    expect(await cli.exited()).toBe(1);
    const run = await readRunDir(out);
    expect(run.summary.aborted).toBe(false);
    expect(run.summary.degraded).toHaveLength(1);
    expect(run.summary.degraded[0]).toMatch(/worker 0 .*native crash in worker/);
    expect(run.summary.validity.valid).toBe(false);
    const lost = run.summary.validity.problems.find((p) => p.kind === 'worker-lost');
    expect(lost, JSON.stringify(run.summary.validity)).toBeDefined();
    // Worker 0 died at about 0.75 s of 3 s (150 of its 300): it left undriven its half of the
    // arrivals after its last shipped interval, between 1/2 x (3 - 1.5) / 3 = 25 % and 50 %.
    if (lost?.kind === 'worker-lost') {
      expect(lost.lostShare).toBeGreaterThan(0.2);
      expect(lost.lostShare).toBeLessThanOrEqual(0.5);
    }
    const login = run.summary.steps['login']!;
    // Worker 1 ran its whole half (300); nothing it measured was lost.
    expect(login.ok).toBeGreaterThanOrEqual(300);
    expect(login.ok).toBeLessThan(600);
    expect(cli.stderr()).toContain('native crash in worker');
    expect(cli.stderr()).not.toMatch(NO_STACK);
  });

  it('the run directory replaced by a file mid-run: exit 2, one line, what was written kept', async (ctx) => {
    const { dir, profile, target } = await setup(ctx, 200, 20);
    const out = join(dir, 'run');
    const cli = startCli(['run', profile, '--target', target, '--out', out, '--workers', '1']);
    await intervalsWritten(out, SEEN);
    renameSync(out, join(dir, 'moved'));
    writeFileSync(out, 'not a directory');
    expect(await cli.exited()).toBe(2);
    const last = cli.stderr().trim().split('\n').at(-1)!;
    expect(last).toMatch(/^stampede: cannot write the run directory .*run: ENOTDIR: not a directory;/);
    expect(cli.stderr()).not.toMatch(NO_STACK);
    // The open hlog followed the directory: its intervals up to the fault are there, readable.
    const run = await readRunDir(join(dir, 'moved'));
    expect(run.summary.aborted).toBe(true);
    expect(run.series.length).toBeGreaterThanOrEqual(SEEN);
    expect(run.summary.arrivals).toBeLessThan(4000);
  });

  it.skipIf(!canMount)(
    'a full disk mid-run: exit 2, one line naming ENOSPC, the directory readable',
    async (ctx) => {
      const { dir, profile, target } = await setup(ctx, 400, 20);
      const disk = join(dir, 'disk');
      expect(tmpfs(disk, 24)).toBe(true);
      ctx.onTestFinished(() => {
        execFileSync('umount', ['-l', disk]);
      });
      const out = join(disk, 'run');
      const cli = startCli(['run', profile, '--target', target, '--out', out, '--workers', '1']);
      expect(await cli.exited()).toBe(2);
      const last = cli.stderr().trim().split('\n').at(-1)!;
      expect(last).toMatch(/^stampede: cannot write the run directory .*: ENOSPC: no space left on device;/);
      expect(cli.stderr()).not.toMatch(NO_STACK);
      const run = await readRunDir(out);
      expect(run.summary.aborted).toBe(true);
      expect(run.series.length).toBeGreaterThanOrEqual(1);
      // Stopped at the fault, long before the profile's 8000 arrivals.
      expect(run.summary.arrivals).toBeLessThan(8000);
    },
  );
});
