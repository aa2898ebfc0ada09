/**
 * Truth: a server that freezes F ms every P ms, driven at a uniform R arrivals/s, open model.
 *
 * The server (freeze-server.ts, its own process) is one FIFO worker taking exactly s ms a job,
 * behind an event loop that stops for the freezes. A request arriving at offset x into a freeze
 * waits F - x, plus the service of every request queued before it (the catch-up after the
 * freeze: about R·x requests at s ms each), plus its own s. The truth is an exact discrete
 * simulation of that server over the arrivals and the freezes the server logged, plain
 * arithmetic (enter_k: when request k reached the server; a_k: its intended send time):
 *
 *   read_k = enter_k, or the end of the freeze enter_k falls in;
 *   done_k = max(read_k, done_{k-1}) + s;
 *   out_k  = done_k, or the end of the freeze done_k falls in;   latency_k = out_k - a_k.
 *
 * Two truths: "as planned", enter_k = a_k = t0 + (k + 1/2)/R (the schedule); and "as sent",
 * enter_k = the k-th read the server logged, so a send the generator made late enters late
 * (latency is measured from the intended time: a late send is in it, by definition). The
 * as-sent truth is asserted on every run (its bound widened by the driver's lateness p99: a loop
 * that sends late also reads late); the as-planned one when the run is valid (the driver
 * kept its schedule: lateness within docs/measurement.md#validity's bounds), else only reported
 * beside the driver's lateness. On a busy machine the difference between the two is the
 * generator's own lateness, which the run reports as invalid.
 *
 * Tolerance: p50/p90/p99 within 5 % of the truth, or within 3 ms absolute where 5 % of the truth
 * is less (loopback RTT and timer granularity are not in the model). F = 1200 ms, P = 1500 ms,
 * R = 100/s, s = 1 ms, 250 ms intervals: 80 % of the arrivals land in a freeze, so all three
 * percentiles are hundreds of ms and the catch-up (up to R·F·s = 120 ms) moves them; a truth
 * without the catch-up misses p50 by more than the tolerance (asserted too).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { runTestSurge, tempDir, writeGetTarget } from '../support/surge-fixture.js';
import { spawnTruthServer, type TruthServer } from './spawn-truth-server.js';
import { near, percentile, uniformConstant, versus } from './truth-math.js';

const F = 1200;
const P = 1500;
const R = 100;
const S = 1;
const SECONDS = 4.5;

const PROFILE = `
name: truth-freeze
population: { accounts: 100000, seed: 11 }
# More connections than requests a freeze holds (R·F = 120): nobody queues in the client.
client: { maxInFlight: 5000, connections: 160, requestTimeout: 5s, interval: 250ms }
flows:
  login-only: { weight: 1, steps: [login] }
phases:
  - { constant: ${R}, duration: ${SECONDS}s, process: uniform }
`;

type Freezes = readonly [number, number][];

/** The end of the freeze `t` falls in, or `t` itself. */
function afterFreeze(t: number, freezes: Freezes): number {
  for (const [fs, fe] of freezes) if (t >= fs && t < fe) return fe;
  return t;
}

/** The simulation of the file comment; `enter` = arrival at the server (default: as planned). */
function trueLatencies(t0Ms: number, freezes: Freezes, enter?: readonly number[]): number[] {
  const out: number[] = [];
  let done = Number.NEGATIVE_INFINITY;
  uniformConstant(R, SECONDS).forEach((t, k) => {
    const a = t0Ms + t * 1000;
    done = Math.max(afterFreeze(enter?.[k] ?? a, freezes), done) + S;
    out.push(afterFreeze(done, freezes) - a);
  });
  return out.sort((x, y) => x - y);
}

/** The truth the bench used to compute: each request waits out its freeze, nothing more. */
function withoutCatchUp(t0Ms: number, freezes: Freezes): number[] {
  return uniformConstant(R, SECONDS)
    .map((t) => afterFreeze(t0Ms + t * 1000, freezes) - (t0Ms + t * 1000) + S)
    .sort((x, y) => x - y);
}

describe('truth: periodic freeze with catch-up', () => {
  let server: TruthServer;
  beforeAll(async () => {
    server = await spawnTruthServer('./freeze-server.ts', { freezeMs: F, periodMs: P, serviceMs: S });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('reports p50/p90/p99 within 5 % of the simulated queue, catch-up included', async () => {
    const target = writeGetTarget(tempDir(), server.origin);
    const { summary, dir } = await runTestSurge({ profileYaml: PROFILE, target });
    const { meta } = await readRunDir(dir);
    const { freezes, reads } = await server.truth<{ freezes: [number, number][]; reads: number[] }>();
    const login = summary.steps['login']!;
    // Every arrival answered: R·SECONDS = 450.
    expect(login.count).toBe(R * SECONDS);
    expect(reads).toHaveLength(R * SECONDS);
    const planned = trueLatencies(meta.t0Ms, freezes);
    const sent = trueLatencies(
      meta.t0Ms,
      freezes,
      [...reads].sort((x, y) => x - y),
    );
    const late = `driver lateness p99 ${summary.latenessMs?.p99} ms, valid ${summary.validity.valid}`;
    for (const p of [50, 90, 99] as const) {
      const measured = login.latencyMs[`p${p}`];
      const s = percentile(sent, p);
      const t = percentile(planned, p);
      const line = `${versus(`p${p} ms vs as sent`, measured, s)}; ${versus('vs as planned', measured, t)}; ${late}`;
      console.log(`truth freeze: ${line}`);
      // |measured - truth as sent| <= max(5 % of it, 3 ms) + L, L the driver's lateness p99: the
      // as-sent truth has the late sends in it, not the late reads of a loop starved of CPU (the
      // suite's other files on both cores), which run behind by about the loop's own lateness
      // (~2 ms on an idle machine; 117 and 249 ms seen in suite runs, measured then +99 / +77 ms)
      const lateMs = summary.latenessMs?.p99 ?? 0;
      expect(near(measured, s, 0.05, 3, lateMs), line).toBe(true);
      // |measured - truth as planned| <= max(5 % of it, 3 ms), when the driver kept its schedule
      if (summary.validity.valid) expect(near(measured, t, 0.05, 3), line).toBe(true);
    }
    // The catch-up matters: without it the truth p50 is off by more than the tolerance.
    expect(near(login.latencyMs.p50, percentile(withoutCatchUp(meta.t0Ms, freezes), 50), 0.05, 3)).toBe(
      false,
    );
  });
});
