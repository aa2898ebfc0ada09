/**
 * Target code is user code: a user module whose `buildRequest` (or `interpret`) throws on 1 call
 * in 10 does not kill its worker. Every arrival is recorded, about a tenth as `target-error`, the
 * run is marked invalid (a bug in the test, not the backend), it exits 0 with no gate and 1 with
 * any gate.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { spawnTestServer } from '../support/spawn-test-server.js';
import { tempDir } from '../support/surge-fixture.js';
import { runCli } from './cli-process.js';

/** A module target throwing in `where` on every 10th call (a counter per worker). */
function buggyModule(dir: string, origin: string, where: 'buildRequest' | 'interpret'): string {
  const file = join(dir, `buggy-${where}.mjs`);
  writeFileSync(
    file,
    `const origin = ${JSON.stringify(origin)};
const file = new URL(import.meta.url).pathname;
export default function create() {
  let calls = 0;
  const bug = () => { if (++calls % 10 === 0) throw new TypeError('bug in ${where}: call ' + (calls % 30)); };
  return {
    name: 'module:buggy',
    origin: () => origin,
    spec: () => ({ kind: 'module', module: file }),
    credentials: (i) => ({ account: 'user-' + i, password: 'pw' }),
    buildRequest(kind, s) {
      ${where === 'buildRequest' ? 'bug();' : ''}
      return { method: 'GET', path: '/login/' + s.account, headers: {} };
    },
    needsBody: () => false,
    interpret: () => { ${where === 'interpret' ? 'bug();' : ''} return { verdict: 'ok' }; },
  };
}
`,
  );
  return file;
}

// Login only, uniform 200 arrivals/s for 8 s: 1,600 arrivals.
const PROFILE = `name: buggy-module
population: { accounts: 100000, seed: 5 }
client: { maxInFlight: 2000, connections: 8, requestTimeout: 2s }
flows:
  login-only: { weight: 1, steps: [{ step: login, retry: { maxAttempts: 3, on: [target-error, 5xx] } }] }
phases:
  - { constant: 200, duration: 8s, process: uniform }
`;

// The two runs are counted, not timed: they run side by side, each against its own server.
describe.concurrent('a user module that throws', () => {
  for (const where of ['buildRequest', 'interpret'] as const) {
    it(`${where} throwing on 1 call in 10: all arrivals recorded, a tenth target-error, invalid, exit 0 / 1 with a gate`, async ({
      onTestFinished,
    }) => {
      const server = await spawnTestServer('ok');
      onTestFinished(() => server.stop());
      const dir = tempDir();
      writeFileSync(join(dir, 'profile.yaml'), PROFILE);
      const module = buggyModule(dir, server.origin, where);
      const out = join(dir, 'run');
      const r = await runCli(
        ['run', join(dir, 'profile.yaml'), '--target', module, '--out', out, '--workers', '2'],
        60_000,
      );
      expect(r.code, r.stderr).toBe(0);
      const run = await readRunDir(out);
      expect(run.summary.arrivals).toBe(1600);
      expect(run.summary.degraded).toEqual([]);
      const login = run.summary.steps['login']!;
      // Each worker throws on its own every 10th call: 1,600 / 10 = 160 (± one per worker).
      // target-error is in the retry policy's `on` on purpose: it is never retried all the same.
      expect(login.targetErrors).toBeGreaterThanOrEqual(158);
      expect(login.targetErrors).toBeLessThanOrEqual(162);
      expect(login.retries).toBe(0);
      expect(login.ok + login.targetErrors).toBe(1600);
      // A target error is no backend error and enters no latency figure.
      expect(login.errorRate).toBe(0);
      expect(run.summary.validity.valid).toBe(false);
      expect(run.summary.validity.problems.map((p) => p.kind)).toContain('target-errors');
      // Any gate fails while the run is invalid, even one the figures would pass.
      const [g, ok] = await Promise.all([
        runCli(['gate', out, '--gate', 'login error-rate < 50%'], 30_000),
        runCli(['gate', out, '--gate', 'login error-rate < 50%', '--allow-invalid'], 30_000),
      ]);
      expect(g.code, g.stdout + g.stderr).toBe(1);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    });
  }
});
