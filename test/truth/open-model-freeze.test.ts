/**
 * The driver is open-model: a target that freezes its event loop for 1 s every 5 s, driven at a
 * fixed 500 arrivals/s for 12 s, shows the stall in the latency (measured from the intended send
 * time), while a closed loop over the same server hides it.
 */
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateHistogram } from '../../reports/recorder/histogram-factory.js';
import { spawnTestServer, type TestServer } from '../support/spawn-test-server.js';
import { runTestSurge, tempDir, writeGetTarget } from '../support/surge-fixture.js';

const PROFILE = `
name: freeze
population: { accounts: 1000000, seed: 7 }
client: { maxInFlight: 20000, connections: 64, requestTimeout: 5s }
flows:
  login-only: { weight: 1, steps: [login] }
phases:
  - { constant: 500, duration: 12s, process: uniform }
`;

describe('open model against a freezing server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await spawnTestServer('freeze');
  });
  afterAll(async () => {
    await server.stop();
  });

  it('reports the stall in p99 while service-time p50 stays small, and a closed loop hides it', async () => {
    const target = writeGetTarget(tempDir(), server.origin);
    const { summary } = await runTestSurge({ profileYaml: PROFILE, target });
    const login = summary.steps['login']!;
    expect(summary.arrivals).toBe(6000);
    expect(login.count).toBe(6000);
    // Two 1 s freezes in 12 s: ~1/6 of arrivals land in a stall, so p99 is far above 300 ms.
    expect(login.latencyMs.p99).toBeGreaterThanOrEqual(300);
    expect(login.serviceMs.p50).toBeLessThan(50);

    // The same server measured by a closed loop: 16 connections, each waiting for its answer.
    const pool = new Pool(server.origin, { connections: 16 });
    const closed = aggregateHistogram();
    const until = performance.now() + 6000;
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
