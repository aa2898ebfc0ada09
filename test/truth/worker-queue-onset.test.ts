/**
 * Truth: a c-worker queue (worker-queue-server.ts, its own process) with service time S and a
 * bound of Q waiting requests, under a uniform ramp through its capacity c/S.
 *
 * c = 2 workers, S = 5 ms: capacity c/S = 400/s (a saturated c-worker server answers c/S·Δ ± c/2
 * per interval; few workers keep that ±1 %, inside the analysis' 2 % ok tolerance). Offered ramps 300 -> 540/s over T = 6 s, cut
 * into Δ = 250 ms intervals (24): slope a = 40/s², onset resolution a·Δ = 10/s (2.5 % of c/S).
 * Below c/S every request finds a free worker (uniform arrivals, deterministic service); above
 * it the backlog at the target grows at offered − c/S:
 *
 *   B(t) = ∫ from t_c to t of (λ(u) − c/S) du = a·(t − t_c)²/2,   t_c = (c/S − 300)/a = 2.5 s,
 *
 * reaching a·(T − t_c)²/2 = 40·3.5²/2 = 245 by the end, below the bound c + Q = 402 (which would
 * be met at t_c + √(2·400/a) = 6.97 s, after the run; a bound that large also absorbs the bunches
 * a stalled generator sends), so the server turns nothing away with 503 unless such bunches
 * arrive: the growth phase is t_c to the end, 14 intervals. The fall-behind analysis needs the backlog to grow by 2 requests and 2 %
 * of an interval (docs/measurement.md#fall-behind): onset at the first interval whose mean
 * offered rate is above 408/s, i.e. within 408..418/s = 2.0..4.5 % above c/S.
 *
 * Asserted: |onset − c/S| ≤ 5 % of c/S (on a valid run: a stalled generator sends bunches that
 * queue below c/S, and the run is marked invalid); the backlog-at-target gauge at every on-time
 * cut of the growth phase (t_c to the first 503) within max(10 %, 8 requests) of the requests really in the server at that instant
 * (its own log: read ≤ t < end), and its growth over the phase within 10 % of the server's; and
 * within 10 % of mean(offered) − c/S when the run is valid (a late generator sends in bunches,
 * which the server queues: then the server's own count is the truth, and the fluid one is shown).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { runTestSurge, tempDir, writeGetTarget } from '../support/surge-fixture.js';
import { spawnTruthServer, type TruthServer } from './spawn-truth-server.js';
import { rampRate } from './truth-math.js';

const C = 2;
const S = 5;
const Q = 400;
const CAP = (C * 1000) / S;
const FROM = 300;
const TO = 540;
const T = 6;
const DT = 0.25;
/** t_c: the ramp crosses c/S. */
const T_CROSS = ((CAP - FROM) / (TO - FROM)) * T;

const PROFILE = `
name: truth-worker-queue
population: { accounts: 100000, seed: 17 }
# More connections than the server holds (c + Q = 402): the backlog is at the target, not in the client.
client: { maxInFlight: 5000, connections: 450, requestTimeout: 5s, interval: ${DT * 1000}ms }
flows:
  login-only: { weight: 1, steps: [login] }
phases:
  - { ramp: [${FROM}, ${TO}], duration: ${T}s, process: uniform }
`;

describe('truth: c-worker queue under a ramp through c/S', () => {
  let server: TruthServer;
  beforeAll(async () => {
    server = await spawnTruthServer('./worker-queue-server.ts', { workers: C, serviceMs: S, queue: Q });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('onsets within 5 % of c/S and shows the backlog at target growing at offered − c/S', async () => {
    const target = writeGetTarget(tempDir(), server.origin);
    const { summary, dir } = await runTestSurge({ profileYaml: PROFILE, target });
    const { meta, series } = await readRunDir(dir);
    const { log } = await server.truth<{ log: [number, number][] }>();
    const late = `driver lateness p99 ${summary.latenessMs?.p99} ms, valid ${summary.validity.valid}`;

    const findings = summary.fellBehind ?? [];
    expect(
      findings.map((f) => f.step),
      JSON.stringify(findings),
    ).toEqual(['login']);
    const onset = findings[0]!;
    const msg = `onset ${onset.offeredRatePerS}/s at +${onset.atS} s, c/S ${CAP}, a·Δ ${((TO - FROM) / T) * DT}; ${late}`;
    console.log(`truth worker queue: ${msg}`);
    if (summary.validity.valid) {
      // |onset − c/S| / (c/S) <= 5 % + k·a·Δ/(c/S). A generator late by δ (its lateness p99) has
      // not yet sent c/S·δ of what a cut counts as offered, so the backlog at that cut reads that
      // much low; the analysis calls a growth of 2 requests, so every 2 requests hidden may move
      // the call one interval (a·Δ of offered rate) later: k = floor(c/S·δ / 2). On a quiet
      // machine δ < 5 ms and k = 0; under two CPU hogs δ = 5.2 ms gave 424/s (6 %), k = 1.
      const deltaS = (summary.latenessMs?.p99 ?? 0) / 1000;
      const k = Math.floor((CAP * deltaS) / 2);
      const bound = 0.05 + (k * ((TO - FROM) / T) * DT) / CAP;
      expect(Math.abs(onset.offeredRatePerS - CAP) / CAP, `${msg}; bound ${bound}`).toBeLessThanOrEqual(
        bound,
      );
    } else {
      // A stalled generator sends in bunches the queue must absorb: the run says so.
      expect(summary.validity.problems.map((p) => p.kind)).toContain('schedule-late');
    }

    // In the server at instant t: admitted, read at or before t, not yet ended.
    const inServer = (t: number): number => log.filter(([r, e]) => e >= 0 && r <= t && t < e).length;
    const firstShed = Math.min(...log.filter(([, e]) => e < 0).map(([r]) => r));
    const phase = series.filter((r) => {
      const cutMs = meta.t0Ms + (r.tS + DT) * 1000;
      // From t_c to the first 503 (none on schedule) or the last arrival: the drain after is no growth.
      return r.tS >= T_CROSS && r.tS + DT <= T && cutMs < firstShed;
    });
    if (!summary.validity.valid && phase.length < 5) {
      console.log(
        `truth worker queue: the server shed from +${((firstShed - meta.t0Ms) / 1000).toFixed(2)} s (generator bunches); ${late}`,
      );
      return;
    }
    expect(phase.length, `growth phase from +${T_CROSS} s`).toBeGreaterThanOrEqual(5);
    let onTime = 0;
    for (const r of phase) {
      const truth = inServer(meta.t0Ms + (r.tS + DT) * 1000);
      const measured = r.backlog!.atTarget;
      const line = `cut +${r.tS + DT} s: backlog at target ${measured}, in the server ${truth}; ${late}`;
      console.log(`truth worker queue: ${line}`);
      // A late loop cuts late (its gauge is of a later instant): only on-time cuts are compared.
      if ((r.latenessP99Ms ?? 0) > 10) continue;
      onTime++;
      // |gauge − in server| <= max(10 % of it, 8): a cut's instant vs the server's, a few in transit
      expect(Math.abs(measured - truth), line).toBeLessThanOrEqual(Math.max(0.1 * truth, 8));
    }
    if (summary.validity.valid) expect(onTime, 'cuts on time in the growth phase').toBeGreaterThanOrEqual(3);
    // Growth over the phase: (B_last − B_first) / span vs mean offered − c/S over the same span.
    const first = phase[0]!;
    const last = phase[phase.length - 1]!;
    const spanS = last.tS - first.tS;
    const measuredGrowth = (last.backlog!.atTarget - first.backlog!.atTarget) / spanS;
    const fluidGrowth = rampRate(FROM, TO, T, (first.tS + last.tS) / 2 + DT) - CAP;
    const cut = (r: (typeof phase)[number]): number => meta.t0Ms + (r.tS + DT) * 1000;
    const serverGrowth = (inServer(cut(last)) - inServer(cut(first))) / spanS;
    const g = `growth ${measuredGrowth.toFixed(1)}/s; in the server ${serverGrowth.toFixed(1)}/s; offered − c/S ${fluidGrowth.toFixed(1)}/s; over +${first.tS + DT}..+${last.tS + DT} s; ${late}`;
    console.log(`truth worker queue: ${g}`);
    // |growth − growth in the server| <= 10 %
    expect(Math.abs(measuredGrowth - serverGrowth) / serverGrowth, g).toBeLessThanOrEqual(0.1);
    // |growth − (offered − c/S)| <= 10 %, when the generator kept its schedule
    if (summary.validity.valid)
      expect(Math.abs(measuredGrowth - fluidGrowth) / fluidGrowth, g).toBeLessThanOrEqual(0.1);
  });
});
