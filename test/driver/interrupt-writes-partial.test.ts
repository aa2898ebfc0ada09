/**
 * Ctrl-C mid-run: the CLI stops firing, writes everything recorded so far into a run directory
 * marked aborted, and exits 130. Runs the compiled CLI (npm test builds it first).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/surge-fixture.js';

const BIN = fileURLToPath(new URL('../../bin/stampede.js', import.meta.url));
const PROFILE = fileURLToPath(new URL('../../profiles/login-steady.yaml', import.meta.url));

describe('SIGINT during a run', () => {
  it('leaves a run directory marked aborted with the data recorded so far, exit 130', async () => {
    const out = join(tempDir(), 'run');
    const child = spawn(process.execPath, [BIN, 'run', PROFILE, '--out', out, '--workers', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true' },
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout!.resume();
    // Plain progress lines come every 5 s of run (the first after 1 s): wait for the one past 5 s.
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (/\[00:0[5-9]/.test(stderr)) resolve();
        else setTimeout(check, 100);
      };
      check();
    });
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(130);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      aborted: boolean;
      abortReason: string;
      arrivals: number;
      steps: Record<string, { count: number }>;
    };
    expect(summary.aborted).toBe(true);
    expect(summary.abortReason).toBe('interrupted');
    // login-steady offers 500/s for 30 s: interrupted after ~5 s, so some but not all arrivals.
    expect(summary.arrivals).toBeGreaterThan(1000);
    expect(summary.arrivals).toBeLessThan(15000);
    expect(summary.steps['login']!.count).toBeGreaterThan(1000);
    const hlog = readFileSync(join(out, 'histograms.hlog'), 'utf8');
    expect(hlog.split('\n').filter((l) => l.startsWith('Tag=login.latency')).length).toBeGreaterThan(3);
  });
});
