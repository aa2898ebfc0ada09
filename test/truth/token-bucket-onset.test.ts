/**
 * Truth: a token bucket at R/s with burst B (token-bucket-server.ts, its own process) under a
 * uniform ramp R/5 -> 2R over T seconds, cut into Δ intervals.
 *
 * Onset. Offered λ(t) = R/5 + a·t with a = (2R - R/5)/T. The bucket (full below R) drains once
 * λ > R, at λ - R tokens/s, so it is empty when ∫(λ - R) dt = B, i.e. at λ* = R + √(2·B·a), and
 * from then on it turns away a share 1 - R/λ. The onset interval is the one λ* falls in, so the
 * reported offered rate is λ* within half the onset resolution a·Δ (the offered rate climbs a·Δ
 * per interval). With R = 250/s, B = 2, T = 20 s, Δ = 200 ms (100 intervals): a = 22.5/s²,
 * √(2Ba) = 9.5/s (3.8 % of R), a·Δ = 4.5/s: onset in [R + 7.2, R + 11.7] = 2.9 %..4.7 % of R.
 * B = 2 lets two requests the generator sends together (a late loop catching up) through.
 * Asserted when the run is valid and both sides kept pace to 1/R (the generator's send lateness
 * p99 and the server's own event-loop lag p99 ≤ 4 ms: a send or read late by more can put B + 1
 * reads within 1/R, which a full bucket turns one of away below R; under two CPU hogs a valid
 * run at 4.04 ms of lateness onset at 230/s): |onset - R| ≤ 5 % of R. On
 * every run: onset ≤ λ* + a·Δ, because a generator's jitter sends requests in pairs and bunches,
 * which only drain a bucket sooner, never later (a valid run's few ms of jitter can make it turn
 * the odd pair away already at R: the onset then lies between R and λ*).
 *
 * Share. In every interval past the onset the 429 share is within 2 points of the truth
 * computed from the server's own log of reads (the requests as the generator really sent them,
 * each admitted or not by the bucket's arithmetic), bucketed by interval. Answers count in the
 * interval the client reads them, so an interval is compared when the generator was on time in it
 * and in the one before (lateness p99 ≤ 10 ms): a loop stalled across a cut moves answers into
 * the next interval, and reports that stall as lateness.
 *
 * Fluid share. Over the whole seconds past t* (where λ = λ*: the bucket is empty from then on),
 * pooled, the share is also within 2 points of the fluid formula 1 - R·seconds/Σoffered. Pooled,
 * not per interval: an empty bucket admits R·Δ ± B requests in an interval (the tokens made in it,
 * give or take what the bucket held at its edges), and a gap between two reads longer than B/R
 * (8 ms) overflows the bucket and loses R·gap - B tokens. Near R the generator's millisecond
 * timer leaves such gaps (the server's log admitted 237 of R = 250 in the second past t*, 249 at
 * 2R); over ~10 s of ~3,700 requests the edges and losses stay under 2 points, over one 200 ms
 * interval of ~70 they do not (2/70 ≈ 3 points; one CI check saw 15.1 % against 5.7 %). Seconds
 * where the generator was late (an interval's lateness p99 above 10 ms) are left out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { countSum } from '../../reports/run-dir/series-row.js';
import { runTestSurge, tempDir, writeGetTarget } from '../support/surge-fixture.js';
import { spawnTruthServer, type TruthServer } from './spawn-truth-server.js';

const R = 250;
const B = 2;
const T = 20;
const DT = 0.2;
const A = (2 * R - R / 5) / T;

const PROFILE = `
name: truth-token-bucket
population: { accounts: 100000, seed: 13 }
client: { maxInFlight: 5000, connections: 32, requestTimeout: 5s, interval: ${DT * 1000}ms }
flows:
  login-only: { weight: 1, steps: [login] }
phases:
  - { ramp: [${R / 5}, ${2 * R}], duration: ${T}s, process: uniform }
`;

describe('truth: token bucket under a ramp', () => {
  let server: TruthServer;
  beforeAll(async () => {
    server = await spawnTruthServer('./token-bucket-server.ts', { ratePerS: R, burst: B });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('onsets within 5 % of R and gives the 429 share within 2 points every interval past it', async () => {
    const target = writeGetTarget(tempDir(), server.origin);
    const { summary, dir } = await runTestSurge({ profileYaml: PROFILE, target });
    const { meta, series } = await readRunDir(dir);
    const { log, lagP99Ms } = await server.truth<{ log: [number, number][]; lagP99Ms: number }>();
    // A full bucket turns a request away below R only when B + 1 reads fall within 1/R (it then
    // makes less than the one token the last needs): B + R·(t_last - t_first) - (B + 1) < 0. Sent
    // on plan they are B/λ apart (8 ms near R), so only a send or a read late by more than about
    // 1/R = 4 ms bunches them. Both sides held to it at their p99: the generator's send lateness
    // and the server's own loop lag (one run at 4.04 ms of lateness onset at 230/s).
    const paceMs = 1000 / R;
    const latenessP99Ms = summary.latenessMs?.p99 ?? 0;
    const keptPace = latenessP99Ms <= paceMs && lagP99Ms <= paceMs;
    const late = `driver lateness p99 ${latenessP99Ms} ms, valid ${summary.validity.valid}; server loop lag p99 ${lagP99Ms.toFixed(2)} ms`;

    const findings = summary.fellBehind ?? [];
    expect(
      findings.map((f) => f.step),
      JSON.stringify(findings),
    ).toEqual(['login']);
    const onset = findings[0]!;
    const lambdaStar = R + Math.sqrt(2 * B * A); // 259.5/s
    const msg = `onset ${onset.offeredRatePerS}/s at +${onset.atS} s; R ${R}, λ* ${lambdaStar.toFixed(1)}, a·Δ ${A * DT}; ${late}`;
    console.log(`truth token bucket: ${msg}`);
    // onset <= λ* + a·Δ on any run (bunched sends drain the bucket sooner)
    expect(onset.offeredRatePerS, msg).toBeLessThanOrEqual(lambdaStar + A * DT);
    if (summary.validity.valid && keptPace) {
      // |onset - R| / R <= 5 %
      expect(Math.abs(onset.offeredRatePerS - R) / R, msg).toBeLessThanOrEqual(0.05);
    }

    // Truth per interval from the server's log: turned away / read, by the interval of the read.
    const reads = new Map<number, { n: number; denied: number }>();
    for (const [t, admitted] of log) {
      const i = Math.floor((t - meta.t0Ms) / (DT * 1000));
      const c = reads.get(i) ?? { n: 0, denied: 0 };
      c.n++;
      c.denied += 1 - admitted;
      reads.set(i, c);
    }
    const onsetIndex = Math.round(onset.atS / DT);
    let checked = 0;
    let worst = 0;
    let skipped = 0;
    for (const row of series) {
      if (row.index <= onsetIndex || row.tS + DT > T) continue;
      const before = series[row.index - 1];
      if ((row.latenessP99Ms ?? 0) > 10 || (before?.latenessP99Ms ?? 0) > 10) {
        skipped++;
        continue;
      }
      const st = row.steps[0]!;
      const answered = countSum(st.outcomes);
      const measured = (st.outcomes['429'] ?? 0) / answered;
      const c = reads.get(row.index)!;
      const truth = c.denied / c.n;
      worst = Math.max(worst, Math.abs(measured - truth));
      const line = `interval +${row.tS} s: 429 share ${(measured * 100).toFixed(1)} %, truth ${(truth * 100).toFixed(1)} %; ${late}`;
      // |share - truth| <= 2 points
      expect(Math.abs(measured - truth), line).toBeLessThanOrEqual(0.02);
      checked++;
    }
    console.log(
      `truth token bucket: ${checked} on-time intervals past the onset (${skipped} late), worst share error ${(worst * 100).toFixed(2)} points`,
    );
    // Past an onset near λ* ≈ 260/s up to 2R: (T - t*)/Δ = (20 - 9.3)/0.2 ≈ 53 intervals.
    if (summary.validity.valid) expect(checked).toBeGreaterThanOrEqual(40);
    else expect(summary.validity.problems.map((p) => p.kind)).toContain('schedule-late');
    expect(checked, 'some intervals must be compared').toBeGreaterThanOrEqual(5);

    // Fluid share over the whole seconds past t* (λ(t*) = λ*, the bucket empty from then on),
    // pooled: |Σ429 / Σanswered - (1 - R·seconds / Σoffered)| <= 2 points. Each second is printed
    // with what the server's log admitted in it (R a second when no stall lost tokens).
    const perS = Math.round(1 / DT);
    const tStar = (lambdaStar - R / 5) / A; // 9.3 s
    let seconds = 0;
    let offeredSum = 0;
    let deniedSum = 0;
    let answeredSum = 0;
    for (let sec = Math.ceil(Math.max(tStar, onset.atS + DT) - 1e-9); sec + 1 <= T; sec++) {
      const rows = series.filter((r) => r.index >= sec * perS && r.index < (sec + 1) * perS);
      if (rows.length < perS || rows.some((r) => (r.latenessP99Ms ?? 0) > 10)) continue;
      let offered = 0;
      let denied = 0;
      let answered = 0;
      for (const r of rows) {
        offered += r.steps[0]!.offered;
        denied += r.steps[0]!.outcomes['429'] ?? 0;
        answered += countSum(r.steps[0]!.outcomes);
      }
      let admitted = 0;
      for (let i = sec * perS; i < (sec + 1) * perS; i++) {
        const c = reads.get(i);
        if (c !== undefined) admitted += c.n - c.denied;
      }
      console.log(
        `truth token bucket: second ${sec}-${sec + 1}: 429 share ${((denied / answered) * 100).toFixed(1)} %, 1 - R/offered ${((1 - R / offered) * 100).toFixed(1)} % (offered ${offered}, the server admitted ${admitted}, R ${R})`,
      );
      offeredSum += offered;
      deniedSum += denied;
      answeredSum += answered;
      seconds++;
    }
    // Whole seconds from ceil(t*) = 10 to T = 20: 10 on a valid run.
    if (summary.validity.valid) expect(seconds, 'on-time seconds past t*').toBeGreaterThanOrEqual(6);
    if (seconds > 0) {
      const fluid = 1 - (R * seconds) / offeredSum;
      const measured = deniedSum / answeredSum;
      const line = `${seconds} s past t*: 429 share ${(measured * 100).toFixed(2)} %, 1 - R/offered ${(fluid * 100).toFixed(2)} %; ${late}`;
      console.log(`truth token bucket: ${line}`);
      // |share - (1 - R/offered)| <= 2 points, over the seconds past t*
      expect(Math.abs(measured - fluid), line).toBeLessThanOrEqual(0.02);
    }
  });
});
