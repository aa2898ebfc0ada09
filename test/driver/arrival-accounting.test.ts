/**
 * Every arrival is accounted for: the server counts what the profile offered (within 2 %), a
 * sessions-in-flight cap turns arrivals away and each one is counted as dropped, retries follow
 * the policy and stop at the maximum, and worker count does not change what is sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnTestServer, type TestServer } from '../support/spawn-test-server.js';
import { runTestSurge, tempDir, writeGetTarget } from '../support/surge-fixture.js';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

const steady = (rate: number, seconds: number, extra = ''): string => `
name: steady
population: { accounts: 1000000, seed: 11 }
client: { maxInFlight: 10000, connections: 32, requestTimeout: 5s }
${extra}
flows:
  login-only:
    weight: 1
    steps: [login]
phases:
  - { constant: ${rate}, duration: ${seconds}s, process: uniform }
`;

describe('arrival accounting', () => {
  it('delivers the offered rate to the server within 2 %', async () => {
    server = await spawnTestServer('ok');
    const target = writeGetTarget(tempDir(), server.origin);
    const { summary } = await runTestSurge({ profileYaml: steady(400, 5), target });
    const { count } = await server.stats();
    expect(summary.arrivals).toBe(2000);
    expect(Math.abs(count - 2000) / 2000).toBeLessThan(0.02);
    expect(summary.steps['login']!.ok).toBe(count);
  });

  it('counts every arrival the in-flight cap turns away as dropped', async () => {
    server = await spawnTestServer('slow', 1000);
    const target = writeGetTarget(tempDir(), server.origin);
    const profile = steady(200, 3).replace('maxInFlight: 10000', 'maxInFlight: 50');
    const { summary } = await runTestSurge({ profileYaml: profile, target });
    const { count } = await server.stats();
    expect(summary.dropped).toBeGreaterThan(0);
    expect(summary.dropped).toBe(summary.arrivals - summary.started);
    // Each started session sent exactly one request, and nothing else reached the server.
    expect(count).toBe(summary.started);
    expect(summary.arrivals).toBe(600);
  });

  it('retries on 503 per the policy and stops at the maximum', async () => {
    server = await spawnTestServer('unavailable');
    const target = writeGetTarget(tempDir(), server.origin);
    const retry =
      'defaults: { retry: { maxAttempts: 3, backoff: exponential, base: 10ms, max: 50ms, jitter: full, on: [503] } }';
    const profile = steady(50, 2, retry).replace('steps: [login]', 'steps: [{ step: login, expect: [200] }]');
    const { summary } = await runTestSurge({ profileYaml: profile, target });
    const { count } = await server.stats();
    const login = summary.steps['login']!;
    expect(summary.arrivals).toBe(100);
    expect(count).toBe(300);
    expect(login.count).toBe(300);
    expect(login.retries).toBe(200);
    expect(login.errors['503']).toBe(300);
    expect(login.ok).toBe(0);
  });

  it('sends the same requests per step with 2 workers as with 1', async () => {
    server = await spawnTestServer('ok');
    const target = writeGetTarget(tempDir(), server.origin);
    const two = steady(300, 2).replace(
      'steps: [login]',
      'steps: [login, { step: login, name: login-again }]',
    );
    const a = await runTestSurge({ profileYaml: two, target, workers: 1 });
    const b = await runTestSurge({ profileYaml: two, target, workers: 2 });
    expect(b.summary.arrivals).toBe(a.summary.arrivals);
    for (const step of ['login', 'login-again']) {
      expect(b.summary.steps[step]!.offered).toBe(a.summary.steps[step]!.offered);
      expect(b.summary.steps[step]!.count).toBe(a.summary.steps[step]!.count);
    }
    expect(b.summary.degraded).toEqual([]);
  });
});
