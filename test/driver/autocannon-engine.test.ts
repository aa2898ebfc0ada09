/**
 * The autocannon engine: a closed-model flood or paced run whose measurements land in the same
 * run-directory format, marked with the service-time latency model.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { autocannonEngine, timelineSegments } from '../../harness/engines/autocannon-engine.js';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { spawnTestServer, type TestServer } from '../support/spawn-test-server.js';
import { runTestSurge, tempDir, writeGetTarget } from '../support/surge-fixture.js';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

const PROFILE = `
name: ac
population: { accounts: 1000, seed: 3, mustResetShare: 0 }
client: { connections: 4, requestTimeout: 2s }
flows:
  login-only: { weight: 1, steps: [login] }
phases:
  - { constant: 100, duration: 2s }
  - { constant: 200, duration: 1s }
`;

describe('autocannon engine', () => {
  it('splits the timeline at phase boundaries with each segment mean rate', async () => {
    const dir = tempDir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dir}/p.yaml`, PROFILE);
    const segs = timelineSegments(await loadProfile(`${dir}/p.yaml`));
    expect(segs.map((s) => [s.startS, s.durationS])).toEqual([
      [0, 2],
      [2, 1],
    ]);
    expect(segs[0]!.arrivalsPerS).toBeCloseTo(100, 6);
    expect(segs[1]!.arrivalsPerS).toBeCloseTo(200, 6);
  });

  it('records every response the server saw, as service time, in the standard run directory', async () => {
    server = await spawnTestServer('ok');
    const target = writeGetTarget(tempDir(), server.origin);
    const { summary } = await runTestSurge({ profileYaml: PROFILE, target, engine: autocannonEngine });
    const { count } = await server.stats();
    const login = summary.steps['login']!;
    expect(summary.engine).toBe('autocannon');
    expect(summary.latencyModel).toBe('service-time');
    expect(count).toBeGreaterThan(300);
    // Every request the server answered was recorded, as ok (autocannon may stop with a few in flight).
    expect(login.ok).toBeGreaterThanOrEqual(count - 8);
    expect(login.ok).toBeLessThanOrEqual(count);
    // Paced by overallRate: 2 s at 100/s + 1 s at 200/s, far below what a flood would send.
    expect(count).toBeLessThan(800);
  });

  it('floods without a rate: as fast as the connections answer, every response recorded', async () => {
    server = await spawnTestServer('ok');
    const target = writeGetTarget(tempDir(), server.origin);
    const { summary } = await runTestSurge({
      profileYaml: PROFILE,
      target,
      engine: autocannonEngine,
      engineOptions: { flood: true, duration: 1 },
    });
    const { count } = await server.stats();
    const login = summary.steps['login']!;
    // Two 1 s segments (capped by duration): paced, they would send at most 1 s x 100/s + 1 s x
    // 200/s = 300. Unpaced, the connections send back to back: more than that on any machine
    // that answers one loopback request in under 6 ms (2 s x 10 connections / 300 x ... ).
    expect(count).toBeGreaterThan(300);
    expect(login.ok).toBeGreaterThanOrEqual(count - 8);
    expect(login.ok).toBeLessThanOrEqual(count);
  });
});
