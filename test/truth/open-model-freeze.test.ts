/**
 * The driver is open-model: a target that freezes its event loop for F = 500 ms every P = 2 s
 * (freeze-server.ts, its own process, freezes on absolute times and logs them), driven at a fixed
 * 500 arrivals/s for T = 4 s, shows the stall in the latency (measured from the intended send
 * time), while a closed loop over the same server hides it. Any 4 s window holds at least one
 * whole freeze (one starts in its first P = 2 s and ends F later), so at least F / T = 1/8 of the
 * arrivals land in a stall, and (F - 300 ms) / T = 5 % of them wait 300 ms or more: p99 >= 300 ms.
 */
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateHistogram } from '../../reports/recorder/histogram-factory.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { runTestSurge, tempDir, writeGetTarget } from '../support/surge-fixture.js';
import { spawnTruthServer, type TruthServer } from './spawn-truth-server.js';

const PROFILE = `
name: freeze
population: { accounts: 1000000, seed: 7 }
client: { maxInFlight: 20000, connections: 64, requestTimeout: 5s }
flows:
  login-only: { weight: 1, steps: [login] }
phases:
  - { constant: 500, duration: 4s, process: uniform }
`;

describe('open model against a freezing server', () => {
  let server: TruthServer;
  beforeAll(async () => {
    // serviceMs 0: answers at once when not frozen, so every latency above that is the stall.
    server = await spawnTruthServer('./freeze-server.ts', { freezeMs: 500, periodMs: 2000, serviceMs: 0 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('reports the stall in p99 while service-time p50 stays small, and a closed loop hides it', async () => {
    const target = writeGetTarget(tempDir(), server.origin);
    const { summary, dir } = await runTestSurge({ profileYaml: PROFILE, target });
    const { meta } = await readRunDir(dir);
    const login = summary.steps['login']!;
    // 500/s x 4 s.
    expect(summary.arrivals).toBe(2000);
    expect(login.count).toBe(2000);
    // At least one whole 500 ms freeze inside the 4 s run: >= 5 % of arrivals wait >= 300 ms.
    const { freezes } = await server.truth<{ freezes: [number, number][] }>();
    const inside = freezes.filter(([a, b]) => a >= meta.t0Ms && b - a >= 500 && b <= meta.t0Ms + 4000);
    expect(inside.length, JSON.stringify({ t0: meta.t0Ms, freezes })).toBeGreaterThanOrEqual(1);
    expect(login.latencyMs.p99).toBeGreaterThanOrEqual(300);
    expect(login.serviceMs.p50).toBeLessThan(50);

    // The same server measured by a closed loop: 16 connections, each waiting for its answer.
    const pool = new Pool(server.origin, { connections: 16 });
    const closed = aggregateHistogram();
    // 3 s: at least one freeze (P = 2 s) falls in it, and it still barely shows.
    const until = performance.now() + 3000;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (performance.now() < until) {
          const t = performance.now();
          const res = await pool.request({ path: '/closed', method: 'GET' });
          await res.body.dump();
          closed.recordValue(Math.max(1, Math.round((performance.now() - t) * 1000)));
        }
      }),
    );
    await pool.close();
    const closedP99Ms = closed.getValueAtPercentile(99) / 1000;
    // The closed loop sent nothing while the server was frozen, so its p99 misses the stall.
    expect(closedP99Ms).toBeLessThan(login.latencyMs.p99 / 3);
  });
});
