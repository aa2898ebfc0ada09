/**
 * Every arrival is accounted for: the server counts what the profile offered (within 2 %), a
 * sessions-in-flight cap turns arrivals away and each one is counted as dropped, retries follow
 * the policy and stop at the maximum, and worker count does not change what is sent. Every figure
 * is a count, none a time: the surges run side by side, each against its own server.
 */
import { describe, expect, it, type TestContext } from 'vitest';
import { spawnTestServer, type TestServer } from '../support/spawn-test-server.js';
import { runTestSurge, tempDir, writeGetTarget } from '../support/surge-fixture.js';

/** A loopback server of `mode`, stopped when the test ends. */
async function serverFor(ctx: TestContext, ...args: Parameters<typeof spawnTestServer>): Promise<TestServer> {
  const server = await spawnTestServer(...args);
  ctx.onTestFinished(() => server.stop());
  return server;
}

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

describe.concurrent('arrival accounting', () => {
  it('delivers the offered rate to the server within 2 %', async (ctx) => {
    const server = await serverFor(ctx, 'ok');
    const target = writeGetTarget(tempDir(), server.origin);
    const { summary } = await runTestSurge({ profileYaml: steady(500, 2), target });
    const { count } = await server.stats();
    // 500/s x 2 s.
    expect(summary.arrivals).toBe(1000);
    expect(Math.abs(count - 1000) / 1000).toBeLessThan(0.02);
    expect(summary.steps['login']!.ok).toBe(count);
  });

  it('counts every arrival the in-flight cap turns away as dropped', async (ctx) => {
    const server = await serverFor(ctx, 'slow', 1000);
    const target = writeGetTarget(tempDir(), server.origin);
    // 50 sessions of 1 s each in flight at most: 50/s of the 200/s offered start, the rest drop.
    const profile = steady(200, 2).replace('maxInFlight: 10000', 'maxInFlight: 50');
    const { summary } = await runTestSurge({ profileYaml: profile, target });
    const { count } = await server.stats();
    expect(summary.dropped).toBeGreaterThan(0);
    expect(summary.dropped).toBe(summary.arrivals - summary.started);
    // Each started session sent exactly one request, and nothing else reached the server.
    expect(count).toBe(summary.started);
    // 200/s x 2 s.
    expect(summary.arrivals).toBe(400);
  });

  it('retries on 503 per the policy and stops at the maximum', async (ctx) => {
    const server = await serverFor(ctx, 'unavailable');
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

  it('sends the same requests per step with 2 workers as with 1', async (ctx) => {
    const server = await serverFor(ctx, 'ok');
    const target = writeGetTarget(tempDir(), server.origin);
    const two = steady(300, 2).replace(
      'steps: [login]',
      'steps: [login, { step: login, name: login-again }]',
    );
    const [a, b] = await Promise.all([
      runTestSurge({ profileYaml: two, target, workers: 1 }),
      runTestSurge({ profileYaml: two, target, workers: 2 }),
    ]);
    expect(b.summary.arrivals).toBe(a.summary.arrivals);
    for (const step of ['login', 'login-again']) {
      expect(b.summary.steps[step]!.offered).toBe(a.summary.steps[step]!.offered);
      expect(b.summary.steps[step]!.count).toBe(a.summary.steps[step]!.count);
    }
    expect(b.summary.degraded).toEqual([]);
  });
});
