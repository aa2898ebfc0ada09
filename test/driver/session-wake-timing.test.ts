/**
 * A session's own wake-ups (think time, request deadline) are kept even when the shard's loop has
 * nothing else to do soon: at 2 arrivals/s, a 50 ms think time must not turn into a wait for the
 * next arrival (which the latency, measured from the intended time, would then show as the
 * target's fault), and a 300 ms deadline must fire at 300 ms, not at the next interval cut.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnTestServer, type TestServer } from '../support/spawn-test-server.js';
import { runTestSurge, tempDir, writeGetTarget } from '../support/surge-fixture.js';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

const profile = (timeout: string): string => `
name: sparse
population: { accounts: 1000, seed: 4 }
client: { maxInFlight: 100, connections: 4, requestTimeout: ${timeout} }
flows:
  two-steps:
    weight: 1
    steps: [login, { step: login, name: login-again, think: 50ms }]
phases:
  - { constant: 2, duration: 3s, process: uniform }
`;

describe('session wake-ups at a low arrival rate', () => {
  it('sends the next step after its think time, not at the next arrival', async () => {
    server = await spawnTestServer('ok');
    const target = writeGetTarget(tempDir(), server.origin);
    const { summary } = await runTestSurge({ profileYaml: profile('5s'), target });
    const again = summary.steps['login-again']!;
    expect(again.ok).toBe(6);
    // From the intended time (completion + 50 ms): a healthy loopback answer, not ~450 ms.
    expect(again.latencyMs.max).toBeLessThan(100);
  });

  it('fires a request deadline on time when nothing else wakes the loop', async () => {
    server = await spawnTestServer('slow', 5000);
    const target = writeGetTarget(tempDir(), server.origin);
    const { summary } = await runTestSurge({ profileYaml: profile('300ms'), target });
    const login = summary.steps['login']!;
    expect(login.errors['timeout']).toBe(6);
    expect(login.latencyMs.max).toBeLessThan(400);
    expect(login.latencyMs.p50).toBeGreaterThanOrEqual(299);
  });
});
