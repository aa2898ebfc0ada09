/**
 * The search against a loopback server of known capacity: a token-bucket limiter (R tokens/s,
 * burst B, 429 when empty) written here. Over a probe of T seconds at r arrivals/s (uniform
 * arrivals, one request each), the bucket lets through its burst plus what it refills:
 * accepted = B + R*T, offered = r*T, so error rate = 1 - (B + R*T)/(r*T), and the SLO
 * "error-rate < e" holds up to r* = (R + B/T)/(1 - e).
 */

import { writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapacityReport } from '../../harness/capacity/capacity-report.js';
import { runCapacitySearch } from '../../harness/capacity/capacity-run.js';
import { discardStream, realProbeRunner } from '../../harness/capacity/probe-runner.js';
import { engineByName } from '../../harness/engines/engine-registry.js';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { parseGates } from '../../reports/gates/gate-parser.js';
import { resolveTarget } from '../../targets/registry.js';
import { tempDir, writeGetTarget } from '../support/surge-fixture.js';
import { searchAllowingOneStall } from './stall-retry.js';

const R = 100;
const B = 20;
/**
 * Probe seconds: 180 arrivals at the first probe's 90/s, enough that a cold start's first late
 * sends stay out of the lateness p99.
 */
const T = 2;
const E = 0.05;
/** (R + B/T)/(1 - e) = (100 + 10)/0.95 = 115.8 arrivals/s. */
const TRUTH_PER_S = (R + B / T) / (1 - E);

/** A token bucket on the event loop: refills continuously, answers 429 when empty. */
function tokenBucketServer(ratePerS: number, burst: number): Server {
  let tokens = burst;
  let last = performance.now();
  return createServer((req, res) => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * ratePerS);
    last = now;
    req.resume();
    if (tokens >= 1) {
      tokens -= 1;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } else {
      res.writeHead(429, { 'content-type': 'text/plain' }).end('slow down');
    }
  });
}

let server: Server;
let origin: string;
beforeAll(async () => {
  server = tokenBucketServer(R, B);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterAll(() => (dir === '' ? undefined : rm(dir, { recursive: true, force: true })));

const PROFILE = `
name: bucket
population: { accounts: 100000, seed: 3 }
client: { maxInFlight: 2000, connections: 16, requestTimeout: 2s, interval: 500ms }
flows:
  login-only: { weight: 1, steps: [login] }
phases:
  - { constant: 50, duration: 10s, process: uniform }
`;

let dir = '';
let outDir = '';

describe('capacity against a token-bucket limiter', () => {
  let report: CapacityReport;
  let wallS = 0;
  const lines: string[] = [];

  it(`finds (R + B/T)/(1 - e) = ${TRUTH_PER_S.toFixed(1)}/s within 5 %, in under 3 minutes`, async () => {
    dir = tempDir('stampede-capacity-');
    const target = await resolveTarget(writeGetTarget(dir, origin), dir);
    writeFileSync(join(dir, 'profile.yaml'), PROFILE);
    const profile = await loadProfile(join(dir, 'profile.yaml'));
    let t0 = 0;
    ({ report } = await searchAllowingOneStall('token-bucket capacity test', (attempt) => {
      t0 = performance.now();
      lines.length = 0;
      outDir = join(dir, `out-${attempt}`);
      return runCapacitySearch({
        profile,
        slos: parseGates([`* error-rate < ${E * 100}%`], '--slo'),
        bounds: { minPerS: 90, maxPerS: 1000, precision: 0.02 },
        probeS: T,
        settleS: 1,
        outDir,
        step: 'login',
        workers: 1,
        runner: realProbeRunner({
          target,
          engine: engineByName('undici'),
          workers: 1,
          drainS: 2,
          capacity: {},
          notes: discardStream(),
        }),
        progress: (l) => lines.push(l),
        signal: new AbortController().signal,
      });
    }));
    wallS = (performance.now() - t0) / 1000;
    console.log(`${lines.join('\n')}\nwall ${wallS.toFixed(1)} s`);
    expect(report.verdict, lines.join('\n')).toBe('found');
    expect(report.generatorBound).toBe(false);
    // Within 5 % of the truth; the 2 % bracket keeps the search's own error inside that.
    expect(Math.abs(report.capacityPerS! - TRUTH_PER_S) / TRUTH_PER_S).toBeLessThanOrEqual(0.05);
    expect(report.bracket[0]).toBe(report.capacityPerS);
    expect((report.bracket[1]! - report.bracket[0]!) / report.bracket[0]!).toBeLessThanOrEqual(0.02);
    expect(report.limitingStep).toBe('login');
    expect(report.limitingSlo?.expr).toBe('* error-rate < 5%');
    expect(report.limitingSlo!.actual!).toBeGreaterThanOrEqual(5);
    expect(wallS).toBeLessThan(180);
  }, 240_000);

  it('writes every probe as a run directory, capacity.json, the text and one progress line per probe', async () => {
    expect(report).toBeDefined();
    expect(lines.filter((l) => l.startsWith('capacity: probe '))).toHaveLength(report.probes.length);
    expect(lines.at(-1)).toMatch(/done$/);
    report.probes.forEach((p, i) => {
      expect(p.index).toBe(i + 1);
      expect(p.runDir).toBe(`probe-${String(i + 1).padStart(2, '0')}-${p.ratePerS}`);
      expect(p.valid, p.problems.join('; ')).toBe(true);
      // One request per arrival: the step's rate is the probe's rate.
      expect(p.stepRatesPerS['login']).toBeCloseTo(p.ratePerS, 6);
      if (i > 0) expect(p.settle?.method).toBe('latency');
    });
    const first = report.probes[0]!;
    const summary = JSON.parse(await readFile(join(outDir, first.runDir, 'summary.json'), 'utf8')) as {
      arrivals: number;
    };
    expect(summary.arrivals).toBe(Math.round(first.ratePerS * T));
    const json = JSON.parse(await readFile(join(outDir, 'capacity.json'), 'utf8')) as CapacityReport;
    expect(json.capacityPerS).toBe(report.capacityPerS);
    expect(json.mode).toBe('real');
    expect(json.step).toEqual({ name: 'login', capacityPerS: report.capacityPerS });
    const text = await readFile(join(outDir, 'capacity.txt'), 'utf8');
    expect(text).toContain(`capacity: ${report.capacityPerS}/s`);
  });
});
