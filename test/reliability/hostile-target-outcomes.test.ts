/**
 * A hostile target is data, not a crash: for each way a server can misbehave (reset mid-response,
 * never answer, stall the body, speak garbage, go away after N requests, send 20 MB, trickle a byte
 * every 100 ms, die mid-run) a short surge lands every request in the right outcome class,
 * accounts for every arrival, ends within its bound, and leaves a readable, non-aborted run
 * directory. Each surge has its own server process, and the surges run side by side (but the
 * 20 MB bodies, which need the loopback's throughput, after them).
 */
import { describe, expect, it, type TestContext } from 'vitest';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import type { Summary } from '../../reports/run-dir/summary.js';
import { type FaultMode, type FaultServer, spawnFaultServer } from '../support/spawn-fault-server.js';
import { runTestSurge, tempDir, writeGetTarget } from '../support/surge-fixture.js';

const profile = (rate: number, seconds: number, timeout = '500ms'): string => `
name: hostile
population: { accounts: 100000, seed: 5 }
client: { maxInFlight: 10000, connections: 8, requestTimeout: ${timeout}, connectTimeout: 500ms }
flows:
  login-only: { weight: 1, steps: [login] }
phases:
  - { constant: ${rate}, duration: ${seconds}s, process: uniform }
`;

interface Surge {
  readonly summary: Summary;
  readonly login: Summary['steps'][string];
  readonly elapsedMs: number;
  readonly server: FaultServer;
}

async function surge(
  ctx: TestContext,
  mode: FaultMode,
  arg: number,
  yaml: string,
  expectedArrivals: number,
): Promise<Surge> {
  const server = await spawnFaultServer(mode, arg);
  ctx.onTestFinished(() => server.stop());
  const target = writeGetTarget(tempDir(), server.origin);
  const t0 = Date.now();
  const { summary, dir } = await runTestSurge({ profileYaml: yaml, target, drainS: 1 });
  const elapsedMs = Date.now() - t0;
  const login = summary.steps['login']!;
  // Every arrival accounted for, every offered request has exactly one outcome.
  expect(summary.arrivals).toBe(expectedArrivals);
  expect(summary.started + summary.dropped).toBe(summary.arrivals);
  const outcomes = login.ok + Object.values(login.errors).reduce((a, b) => a + b, 0);
  expect(outcomes).toBe(login.count);
  expect(login.count).toBe(login.offered);
  expect(login.offered).toBe(summary.started);
  // The target failing is data: the run finished normally and its directory reads back.
  expect(summary.aborted).toBe(false);
  expect(summary.degraded).toEqual([]);
  const back = await readRunDir(dir);
  expect(back.summary.steps['login']!.count).toBe(login.count);
  // 1 s of arrivals + 1 s drain + the stop grace: generous, it only catches a run that hangs.
  expect(elapsedMs).toBeLessThan(20_000);
  return { summary, login, elapsedMs, server };
}

describe.concurrent('hostile targets', () => {
  it('reset mid-response: every request is a reset', async (ctx) => {
    const { login } = await surge(ctx, 'reset', 0, profile(60, 1), 60);
    expect(login.errors['reset']).toBe(60);
  });

  it('accept and never answer: every request is a timeout at the request deadline', async (ctx) => {
    const { login } = await surge(ctx, 'hang', 0, profile(60, 1), 60);
    expect(login.errors['timeout']).toBe(60);
    // Timed out at the deadline (500 ms from intended send), not at undici's 300 s default.
    expect(login.latencyMs.max).toBeLessThan(5_000);
  });

  it('headers then a stalled body: every request is a timeout', async (ctx) => {
    const { login } = await surge(ctx, 'stall-body', 0, profile(60, 1), 60);
    expect(login.errors['timeout']).toBe(60);
  });

  it('garbage bytes instead of HTTP: every request is invalid', async (ctx) => {
    const { login } = await surge(ctx, 'garbage', 0, profile(60, 1), 60);
    expect(login.errors['invalid']).toBe(60);
  });

  it('stops accepting after 20 requests: 20 ok, the rest refused or reset', async (ctx) => {
    const { login } = await surge(ctx, 'close-after', 20, profile(60, 1), 60);
    expect(login.ok).toBe(20);
    expect(login.errors['connect']).toBeGreaterThan(0);
    expect((login.errors['connect'] ?? 0) + (login.errors['reset'] ?? 0)).toBe(40);
  });

  it('a byte every 100 ms: every request is a timeout', async (ctx) => {
    const { login } = await surge(ctx, 'trickle', 0, profile(60, 1), 60);
    expect(login.errors['timeout']).toBe(60);
  });

  it('the server process dies after 20 requests: at most 20 ok, the rest refused or reset', async (ctx) => {
    const { login, server } = await surge(ctx, 'die-after', 20, profile(60, 1), 60);
    expect(server.exitCode()).toBe(1);
    expect(login.ok).toBeLessThanOrEqual(20);
    expect(login.ok).toBeGreaterThan(0);
    expect(login.errors['connect']).toBeGreaterThan(0);
    expect(login.ok + (login.errors['connect'] ?? 0) + (login.errors['reset'] ?? 0)).toBe(60);
  });
});

// 200 MB through loopback within a 10 s deadline: run alone, not beside the other surges.
describe('hostile targets, one at a time', () => {
  it('20 MB bodies: every request completes ok, bodies discarded unread', async (ctx) => {
    const { login } = await surge(ctx, 'huge', 20, profile(10, 1, '10s'), 10);
    expect(login.ok).toBe(10);
  });
});
