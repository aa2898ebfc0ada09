/**
 * Truth: a healthy server (fixed-delay-server.ts, its own process, 4 ms per request, never
 * queues) and a two-step flow whose second step comes after a think time of 6 intervals.
 *
 * R = 40 sessions/s (uniform) for 3 s, Δ = 100 ms, think 600 ms: at any cut about R·0.6 = 24
 * sessions are thinking. They are neither offered nor at the target (docs/measurement.md#backlog):
 * by Little's law the requests at the target at any instant are at most the sends of the last
 * W_max (the longest latency seen), so
 *
 *   backlog at target ≤ λ·W_max + 1,   λ = 2·R requests/s (two steps per session),
 *
 * where λ·W_max is ~0.3 at 4 ms and stays far below 24 even at a W_max of 100 ms on a busy
 * machine. The same bound holds for every step's Σ offered − Σ answered. That bound is asserted
 * when the run is valid (the generator kept its schedule: a loop stalled for 300 ms on a busy
 * machine holds that many answers unread, and the run says it is invalid). On every run, exactly:
 * a session offers login-again only a think time after its login was answered, so
 *
 *   Σ offered(login-again) up to the end of interval i ≤ Σ ok(login) up to the end of i − 6,
 *
 * which a driver counting thinking sessions as offered (or as backlog) breaks. Asserted too: no
 * fall-behind finding, no more queued in the client than the same bound, and with the drain the CLI derives from the
 * flow (think + attempts × timeout: harness/driver/drain.ts) nothing is cancelled: every arrival
 * completes, both steps answer R·3 = 120 requests each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { countSum } from '../../reports/run-dir/series-row.js';
import { runTestSurge, tempDir, writeGetTarget } from '../support/surge-fixture.js';
import { spawnTruthServer, type TruthServer } from './spawn-truth-server.js';

const R = 40;
const SECONDS = 3;
const DT = 0.1;
const THINK_S = 6 * DT;

const PROFILE = `
name: truth-healthy-think
population: { accounts: 100000, seed: 19 }
client: { maxInFlight: 5000, connections: 16, requestTimeout: 2s, interval: ${DT * 1000}ms }
flows:
  twice:
    weight: 1
    steps:
      - { step: login, think: 0s }
      - { step: login, name: login-again, think: ${THINK_S * 1000}ms }
phases:
  - { constant: ${R}, duration: ${SECONDS}s, process: uniform }
`;

describe('truth: healthy server, think time 6 × the interval', () => {
  let server: TruthServer;
  beforeAll(async () => {
    server = await spawnTruthServer('./fixed-delay-server.ts', { delayMs: 4 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('finds nothing, keeps thinking sessions out of the backlog, cancels nothing with the derived drain', async () => {
    const target = writeGetTarget(tempDir(), server.origin);
    const { summary, dir } = await runTestSurge({ profileYaml: PROFILE, target, drainS: 'derived' });
    const { series, events } = await readRunDir(dir);
    const late = `driver lateness p99 ${summary.latenessMs?.p99} ms, valid ${summary.validity.valid}`;
    expect(summary.fellBehind, late).toBeNull();
    expect(summary.takedowns).toEqual([]);
    // Nothing cancelled, nothing lost: every session completes, each step answers R·SECONDS.
    expect(events.filter((e) => e.kind === 'sessions-cancelled')).toEqual([]);
    expect(summary.completed).toBe(R * SECONDS);
    for (const step of ['login', 'login-again']) {
      const st = summary.steps[step]!;
      expect(st.cancelled, step).toBe(0);
      expect(st.count, step).toBe(R * SECONDS);
      expect(st.ok, step).toBe(R * SECONDS);
    }
    // backlog at target <= λ·W_max + 1 at every cut, λ = 2R, W_max the longest latency seen.
    const wMaxS =
      Math.max(summary.steps['login']!.latencyMs.max, summary.steps['login-again']!.latencyMs.max) / 1000;
    const bound = Math.floor(2 * R * wMaxS) + 1;
    const thinking = R * THINK_S;
    console.log(
      `truth healthy: bound λ·W_max + 1 = ${bound} (W_max ${wMaxS * 1000} ms), sessions thinking ≈ ${thinking}; ${late}`,
    );
    // Σ offered(login-again) through interval i <= Σ ok(login) through interval i − 6 (the think)
    let offeredAgain = 0;
    const okLogin: number[] = [];
    series.forEach((r, i) => {
      okLogin.push((okLogin[i - 1] ?? 0) + (r.steps[0]!.outcomes['ok'] ?? 0));
      offeredAgain += r.steps[1]!.offered;
      expect(offeredAgain, `login-again offered through +${r.tS + DT} s`).toBeLessThanOrEqual(
        okLogin[i - 6] ?? 0,
      );
    });
    if (!summary.validity.valid) {
      expect(summary.validity.problems.map((p) => p.kind)).toContain('schedule-late');
      return;
    }
    expect(bound, 'the bound must be below the thinking sessions to mean anything').toBeLessThan(thinking);
    const stepBacklog = [0, 0];
    for (const r of series) {
      expect(r.backlog!.atTarget, `cut +${r.tS + DT} s`).toBeLessThanOrEqual(bound);
      // A request due at the cut may not be written yet: the client side obeys the same bound.
      expect(r.backlog!.inClient, `cut +${r.tS + DT} s`).toBeLessThanOrEqual(bound);
      r.steps.forEach((st, i) => {
        stepBacklog[i] = stepBacklog[i]! + st.offered - countSum(st.outcomes);
        expect(stepBacklog[i], `step ${i} Σoffered − Σanswered at +${r.tS + DT} s`).toBeLessThanOrEqual(
          bound,
        );
      });
    }
    expect(summary.backlog.peakAtTarget).toBeLessThanOrEqual(bound);
  });
});
