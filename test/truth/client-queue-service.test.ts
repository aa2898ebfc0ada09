/**
 * Truth: a server answering every request in exactly S = 100 ms (fixed-delay-server.ts, its own
 * process), behind 2 connections, at R = 30 arrivals/s (uniform) for 4 s, Δ = 200 ms.
 *
 * Two connections carry at most 2/S = 20 requests/s: the rest wait in the client's queue, FIFO.
 * Exact simulation over the intended times a_k = (k + 1/2)/R:
 *
 *   start_k = max(a_k, end of the connection that frees first);  done_k = start_k + S;
 *   latency_k = done_k − a_k;   in the client at t = #{a_k ≤ t < start_k}.
 *
 * That is the truth as planned (reported). Asserted is the same arithmetic with start_k = the
 * k-th read the server logged (as sent): a real client needs ~1 ms to hand a connection from one
 * answer to the next request, and its first requests go out cold, so the planned truth runs a few
 * % ahead of any real client; the as-sent one keeps every wait the client really imposed.
 *
 * Service time runs from the write to the socket, so it stays S while latency (from the intended
 * time) grows with the client queue: by the last arrival a_119 ≈ 3.98 s the queue holds
 * R·t − 20·t ≈ 40 requests, and the latency reaches ~2 s. Asserted: service p50 within 10 % of
 * S; latency p50/p90 within 5 % of the as-sent truth; latency p50 more than 5 × service p50; the
 * in-client backlog series non-zero and, at every on-time cut, within 3 of the simulated queue.
 * A late send does not change this truth: the queue, not the schedule, decides when each request
 * goes out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { runTestSurge, tempDir, writeGetTarget } from '../support/surge-fixture.js';
import { spawnTruthServer, type TruthServer } from './spawn-truth-server.js';
import { near, percentile, uniformConstant, versus } from './truth-math.js';

const S = 100;
const R = 30;
const SECONDS = 4;
const DT = 0.2;

const PROFILE = `
name: truth-client-queue
population: { accounts: 100000, seed: 23 }
client: { maxInFlight: 5000, connections: 2, requestTimeout: 10s, interval: ${DT * 1000}ms }
flows:
  login-only: { weight: 1, steps: [login] }
phases:
  - { constant: ${R}, duration: ${SECONDS}s, process: uniform }
`;

/** The simulation of the file comment: per request its intended time, start and end (ms). */
function simulate(): { a: number; start: number; done: number }[] {
  const free = [0, 0];
  return uniformConstant(R, SECONDS).map((t) => {
    const a = t * 1000;
    const c = free[0]! <= free[1]! ? 0 : 1;
    const start = Math.max(a, free[c]!);
    free[c] = start + S;
    return { a, start, done: start + S };
  });
}

describe('truth: fixed 100 ms server behind 2 connections', () => {
  let server: TruthServer;
  beforeAll(async () => {
    server = await spawnTruthServer('./fixed-delay-server.ts', { delayMs: S });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('keeps service at S while latency grows with the client queue', async () => {
    const target = writeGetTarget(tempDir(), server.origin);
    const { summary, dir } = await runTestSurge({ profileYaml: PROFILE, target, drainS: 'derived' });
    const { series } = await readRunDir(dir);
    const late = `driver lateness p99 ${summary.latenessMs?.p99} ms, valid ${summary.validity.valid}`;
    const login = summary.steps['login']!;
    expect(login.ok).toBe(R * SECONDS);
    const sim = simulate();
    const truth = sim.map((r) => r.done - r.a).sort((x, y) => x - y);
    const { meta } = await readRunDir(dir);
    const { reads } = await server.truth<{ reads: number[] }>();
    // As sent: each request started when the server read it (FIFO: the k-th read is the k-th
    // arrival) and ended S later. The hand-off from one answer to the next request on a connection
    // (~1 ms) and the cold start are in it; the planned simulation above has none of them.
    const started = [...reads].sort((x, y) => x - y).map((t) => t - meta.t0Ms);
    expect(started).toHaveLength(R * SECONDS);
    const sent = sim.map((r, k) => started[k]! + S - r.a).sort((x, y) => x - y);
    // |service p50 − S| <= 10 % of S
    const svc = versus('service p50 ms', login.serviceMs.p50, S);
    console.log(`truth client queue: ${svc}; ${late}`);
    expect(near(login.serviceMs.p50, S, 0.1), svc).toBe(true);
    for (const p of [50, 90] as const) {
      const m = login.latencyMs[`p${p}`];
      const line = `${versus(`latency p${p} ms vs as sent`, m, percentile(sent, p))}; ${versus('vs as planned', m, percentile(truth, p))}; ${late}`;
      console.log(`truth client queue: ${line}`);
      // |latency p − as-sent p| <= 5 %
      expect(near(m, percentile(sent, p), 0.05), line).toBe(true);
    }
    // latency >> service: p50 latency ≈ 1 s against 100 ms
    expect(login.latencyMs.p50).toBeGreaterThan(5 * login.serviceMs.p50);
    // The in-client backlog: non-zero, and at on-time cuts within 3 of the simulated queue.
    const inClient = (tMs: number): number => sim.filter((r, k) => r.a <= tMs && tMs < started[k]!).length;
    expect(Math.max(...series.map((r) => r.backlog!.inClient))).toBeGreaterThan(20);
    for (const r of series) {
      if ((r.latenessP99Ms ?? 0) > 10 || r.tS + DT > SECONDS) continue;
      const t = inClient((r.tS + DT) * 1000);
      // |in client − simulated queue| <= 3
      expect(
        Math.abs(r.backlog!.inClient - t),
        `cut +${r.tS + DT} s: in client ${r.backlog!.inClient}, simulated ${t}`,
      ).toBeLessThanOrEqual(3);
    }
  });
});
