/**
 * An error storm (every connection refused) through the CLI with `--no-preflight`: the run goes on
 * and counts every request as a connect error, its output stays a few lines (errors aggregated with
 * counts, not one line each), and its memory stays bounded. bench/error-storm.ts measures the same
 * at 10k/s for 30 s.
 */
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { tempDir } from '../support/surge-fixture.js';
import { constantProfile, startCli } from './cli-process.js';

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as { port: number };
  s.close();
  await once(s, 'close');
  return port;
}

describe('error storm', () => {
  it('100 % connection refused at 2000/s: every request counted, a few lines of output, RSS < 300 MB', async () => {
    const dir = tempDir();
    const port = await closedPort();
    writeFileSync(join(dir, 'profile.yaml'), constantProfile(2000, 2));
    writeFileSync(
      join(dir, 'target.yaml'),
      `baseUrl: http://127.0.0.1:${port}\naccounts: { name: "u{{index}}", password: "pw" }\nsteps:\n  login: { method: GET, path: /l, expect: [200] }\n`,
    );
    const out = join(dir, 'run');
    const cli = startCli([
      'run',
      join(dir, 'profile.yaml'),
      '--target',
      join(dir, 'target.yaml'),
      '--no-preflight',
      '--out',
      out,
      '--workers',
      '1',
      '--drain',
      '1',
    ]);
    let peakMb = 0;
    const sampler = setInterval(() => {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${cli.child.pid}/status`, 'utf8'));
        if (m) peakMb = Math.max(peakMb, Number(m[1]) / 1024);
      } catch {
        // The process has exited between two samples.
      }
    }, 100);
    const code = await cli.exited();
    clearInterval(sampler);
    expect(code).toBe(0);
    const run = await readRunDir(out);
    const login = run.summary.steps['login']!;
    expect(run.summary.arrivals).toBe(4000);
    expect(run.summary.aborted).toBe(false);
    expect(login.count).toBe(run.summary.started);
    expect(login.errors['connect']).toBe(login.count);
    // The text summary and a progress line or two, not thousands of error lines.
    expect(
      cli
        .stderr()
        .split('\n')
        .filter((l) => l !== '').length,
    ).toBeLessThanOrEqual(3);
    expect(
      cli
        .stdout()
        .split('\n')
        .filter((l) => l !== '').length,
    ).toBeLessThanOrEqual(25);
    expect(cli.stdout()).toMatch(/connect/);
    expect(peakMb).toBeGreaterThan(0);
    expect(peakMb).toBeLessThan(300);
  });
});
