/**
 * The default `stampede capacity` search timed (issue 16): the compiled CLI, every option at its
 * default (probes of 20 s, settle up to 10 s, --min 10, precision 5 %), against a loopback
 * token-bucket limiter in its own process (R tokens/s, burst B, 429 when empty) with the SLO
 * "login error-rate < e". Over a probe of T seconds at r arrivals/s the bucket lets B + R·T
 * through, so the SLO holds up to r* = (R + B/T)/(1 − e) (test/capacity/capacity-token-bucket
 * proves the same search on short probes). Prints the wall time, the answer against r*, and the
 * probe list as JSON.
 *
 *   npm run build && node --import tsx bench/capacity-search.ts [--rate 100] [--burst 20] [--e 0.05]
 *
 * Load goes only to 127.0.0.1; the search is bounded by its own bracket (a few probes).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGetTarget } from '../test/support/surge-fixture.js';
import { BIN, numberArg } from './support/cli-bench.js';

const R = numberArg('rate', 100);
const B = numberArg('burst', 20);
const E = numberArg('e', 0.05);
/** The default probe length of `stampede capacity`. */
const PROBE_S = 20;
const TRUTH = (R + B / PROBE_S) / (1 - E);

/** The limiter in a child process, so the generator's CPU does not delay its refills. */
const SERVER = `
const http = require('node:http');
const R = ${R}, B = ${B};
let tokens = B, last = performance.now();
const s = http.createServer((req, res) => {
  const now = performance.now();
  tokens = Math.min(B, tokens + ((now - last) / 1000) * R);
  last = now;
  req.resume();
  if (tokens >= 1) { tokens -= 1; res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'); }
  else res.writeHead(429, { 'content-type': 'text/plain' }).end('slow down');
});
s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
`;

async function startServer(): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, origin: `http://127.0.0.1:${chunk.toString().trim()}` };
}

const dir = mkdtempSync(join(tmpdir(), 'stampede-capacity-bench-'));
const { child, origin } = await startServer();
try {
  const target = writeGetTarget(dir, origin);
  writeFileSync(
    join(dir, 'profile.yaml'),
    [
      'name: bucket',
      'population: { accounts: 100000, seed: 3 }',
      'client: { maxInFlight: 2000, connections: 16, requestTimeout: 2s, interval: 500ms }',
      'flows:',
      '  login-only: { weight: 1, steps: [login] }',
      'phases:',
      '  - { constant: 50, duration: 10s, process: uniform }',
      '',
    ].join('\n'),
  );
  const out = join(dir, 'search');
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [BIN, 'capacity', join(dir, 'profile.yaml'), '--target', target].concat([
      '--slo',
      `login error-rate < ${E * 100}%`,
      '--out',
      out,
    ]),
    { encoding: 'utf8', env: { ...process.env, CI: 'true' } },
  );
  const wallS = (performance.now() - t0) / 1000;
  process.stderr.write(r.stdout);
  const report = JSON.parse(readFileSync(join(out, 'capacity.json'), 'utf8')) as {
    capacityPerS: number | null;
    bracket: [number, number];
    generatorBound: boolean;
    probes: {
      ratePerS: number;
      valid: boolean;
      pass: boolean | null;
      wallS: number;
      settle: { tookS: number } | null;
      slos: { actual: number | null }[];
    }[];
  };
  const got = report.capacityPerS;
  console.log(
    JSON.stringify(
      {
        command: 'stampede capacity (defaults: --probe 20s --settle 10s --min 10 --precision 5%)',
        exitCode: r.status,
        wallS: Math.round(wallS),
        truthPerS: Number(TRUTH.toFixed(1)),
        capacityPerS: got,
        errorVsTruth: got === null ? null : `${(((got - TRUTH) / TRUTH) * 100).toFixed(1)} %`,
        bracket: report.bracket,
        generatorBound: report.generatorBound,
        probes: report.probes.map((p) => ({
          ratePerS: p.ratePerS,
          valid: p.valid,
          pass: p.pass,
          errorRate: p.slos[0]?.actual ?? null,
          wallS: p.wallS,
          settleS: p.settle?.tookS ?? null,
        })),
        machine: spawnSync('uptime', { encoding: 'utf8' }).stdout.trim(),
      },
      null,
      2,
    ),
  );
} finally {
  child.kill();
  rmSync(dir, { recursive: true, force: true });
}
