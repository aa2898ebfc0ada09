/**
 * The telemetry flags of `stampede run` through the real CLI: bad values are one line and exit 2
 * before any load; a remote-write receiver that is down costs counted, reported failures (an
 * event in the run directory, a line in the report) and never the run; the endpoint keeps
 * serving after the run until it is scraped once more.
 */
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constantProfile, runCli, startCli } from '../reliability/cli-process.js';
import { freePort } from '../support/prometheus-process.js';

let dir = '';
let profile = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stampede-telemetry-flags-'));
  profile = join(dir, 'profile.yaml');
  writeFileSync(profile, constantProfile(20, 2));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Each test runs its own CLI process (its own reference target, directory and ports): side by side.
describe.concurrent('stampede run telemetry flags', () => {
  const bad: Array<[string, string[], RegExp]> = [
    [
      'a non-loopback listen address',
      ['--metrics-listen', '0.0.0.0:9464'],
      /--metrics-listen: "0\.0\.0\.0" is not loopback; pass --allow-remote/,
    ],
    [
      'a listen value without a port',
      ['--metrics-listen', '127.0.0.1'],
      /--metrics-listen: "127\.0\.0\.1" is not HOST:PORT/,
    ],
    ['a port past 65535', ['--metrics-listen', '127.0.0.1:70000'], /--metrics-listen: .* port 0-65535/],
    [
      'a remote-write URL that is not http',
      ['--remote-write', 'ftp://127.0.0.1/x'],
      /--remote-write: "ftp:\/\/127\.0\.0\.1\/x" is not an http\(s\) URL/,
    ],
    [
      'a remote-write value that is no URL',
      ['--remote-write', 'nowhere'],
      /--remote-write: "nowhere" is not a URL/,
    ],
  ];
  for (const [what, flags, message] of bad) {
    it(`refuses ${what}: one line, exit 2, nothing written`, async () => {
      const out = join(dir, `bad-${flags.join('').replace(/\W/g, '')}`);
      const r = await runCli(['run', profile, '--out', out, ...flags]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('refuses a port already taken: exit 2 before any load', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as { port: number }).port;
    const out = join(dir, 'taken');
    const r = await runCli(['run', profile, '--out', out, '--metrics-listen', `127.0.0.1:${port}`]);
    blocker.close();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`--metrics-listen: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`),
    );
    expect(existsSync(out)).toBe(false);
  });

  it('counts and reports every failed push to a receiver that is down; the run is whole', async () => {
    const closed = await freePort();
    const out = join(dir, 'down');
    const r = await runCli([
      'run',
      profile,
      '--out',
      out,
      '--remote-write',
      `http://127.0.0.1:${closed}/api/v1/write`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const events = JSON.parse(readFileSync(join(out, 'events.json'), 'utf8')) as Array<{
      kind: string;
      detail: string;
    }>;
    const failed = events.filter((e) => e.kind === 'remote-write-failed');
    // The first failure at once, then the count at the end: every push (one per interval, plus
    // the final one) was refused, so failed = attempted.
    expect(failed).toHaveLength(2);
    const m = /^(\d+) of (\d+) push\(es\) to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write failed/.exec(
      failed[1]!.detail,
    );
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(Number(m![2]));
    expect(Number(m![1])).toBeGreaterThanOrEqual(2);
    expect(r.stdout).toMatch(/remote-write-failed: \d+ of \d+ push\(es\)/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      aborted: boolean;
      degraded: string[];
    };
    expect(summary.aborted).toBe(false);
    expect(summary.degraded).toEqual([]);
  });

  it('keeps serving the final values after the run until one more scrape', async () => {
    const out = join(dir, 'linger');
    const p = startCli(['run', profile, '--out', out, '--metrics-listen', '127.0.0.1:0']);
    const killer = setTimeout(() => p.child.kill('SIGKILL'), 60_000);
    try {
      // The run is over once the CLI says it serves the final values; the process still runs.
      const until = Date.now() + 50_000;
      while (!p.stderr().includes('serving the final metrics') && Date.now() < until) {
        await new Promise((res) => setTimeout(res, 50));
      }
      const url = /metrics at (http:\/\/\S+)/.exec(p.stderr())?.[1];
      expect(url).toBeDefined();
      const text = await (await fetch(url!)).text();
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
        steps: Record<string, { ok: number }>;
      };
      expect(text).toMatch(/^stampede_run_state\{state="finished",[^}]*\} 1$/m);
      const answered = /^stampede_answered_total\{step="login",[^}]*\} (\d+)$/m.exec(text)?.[1];
      expect(Number(answered)).toBe(summary.steps['login']!.ok);
      // That scrape was the one awaited: the CLI ends then, not at the 15 s bound (10 s of slack
      // for a loaded machine to let a process exit).
      const ended = await Promise.race([
        p.exited(),
        new Promise((res) => setTimeout(() => res('running'), 10_000)),
      ]);
      expect(ended).toBe(0);
    } finally {
      clearTimeout(killer);
    }
  });
});
