/**
 * Live telemetry against a real Prometheus on loopback: during a short `stampede run` against the
 * embedded reference target, Prometheus scrapes `--metrics-listen` every second and receives
 * `--remote-write` pushes every interval. At the end its query API must return, per step, the
 * counts summary.json has (offered, answered = ok, errors by class), through both paths: the
 * counters move with every snapshot and the endpoint waits for one last scrape after the run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../reliability/cli-process.js';
import { dashboardQueries, withoutVariables } from '../support/dashboard-queries.js';
import {
  freePort,
  havePrometheus,
  type PrometheusProcess,
  startPrometheus,
} from '../support/prometheus-process.js';

// Two flows, five steps; a 1 s outage answers 503 so errors by class are exercised too.
const PROFILE = `name: telemetry-e2e
population: { accounts: 5000, seed: 7, mustResetShare: 0.5 }
client: { maxInFlight: 500, connections: 4, requestTimeout: 5s }
reference: { adminWorkers: 2, resetServiceMs: 5, resetQueue: 50, mailPerS: 200, hashCost: 0 }
defaults:
  think: { uniform: [10ms, 30ms] }
  retry: { maxAttempts: 2, backoff: exponential, base: 50ms, max: 200ms, jitter: full, on: [503] }
flows:
  reset:
    weight: 0.5
    accounts: must-reset
    steps:
      - { step: login, name: login-forced, expect: [403] }
      - reset-request
      - { step: await-mail, pollEvery: 100ms, timeout: 3s }
      - reset-confirm
  login-only:
    weight: 0.5
    accounts: no-reset
    steps: [login]
phases:
  - { name: steady, constant: 30, duration: 4s }
outages:
  - { name: blip, start: 2s, duration: 1s }
`;

interface StepSummary {
  ok: number;
  offered: number;
  errors: Record<string, number>;
}

const maybe = havePrometheus() ? describe : describe.skip;

maybe('live telemetry through a real Prometheus', () => {
  let dir = '';
  let prom: PrometheusProcess | null = null;
  let steps: Record<string, StepSummary> = {};
  let stderr = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stampede-telemetry-'));
    writeFileSync(join(dir, 'profile.yaml'), PROFILE);
    const metricsPort = await freePort();
    prom = await startPrometheus(dir, [`127.0.0.1:${metricsPort}`]);
    const out = join(dir, 'run');
    const run = await runCli(
      [
        'run',
        join(dir, 'profile.yaml'),
        '--out',
        out,
        '--workers',
        '2',
        '--json',
        '--metrics-listen',
        `127.0.0.1:${metricsPort}`,
        '--remote-write',
        prom.remoteWriteUrl,
      ],
      60_000,
    );
    stderr = run.stderr;
    expect(run.code, run.stderr).toBe(0);
    steps = (
      JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { steps: Record<string, StepSummary> }
    ).steps;
  }, 110_000);

  afterAll(async () => {
    await prom?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Per step (and class) the largest value the counter reached in `job`'s series. */
  async function counts(
    metric: string,
    job: string,
    by: string[] = ['step'],
  ): Promise<Record<string, number>> {
    const rows = await prom!.query(`max by (${by.join(',')}) (max_over_time(${metric}{job="${job}"}[10m]))`);
    return Object.fromEntries(rows.map((r) => [by.map((l) => r.metric[l]).join('/'), r.value]));
  }

  /** What summary.json says, in the same shape: ok -> answered, offered, errors[class]. */
  function expected(kind: 'ok' | 'offered' | 'errors'): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [step, s] of Object.entries(steps)) {
      if (kind === 'errors') for (const [cls, n] of Object.entries(s.errors)) out[`${step}/${cls}`] = n;
      else out[step] = s[kind];
    }
    return out;
  }

  for (const [path, job] of [
    ['scraped from --metrics-listen', 'stampede'],
    ['pushed by --remote-write', ''],
  ] as const) {
    it(`per-step counts ${path} equal summary.json's`, async () => {
      expect(Object.keys(steps).sort()).toEqual([
        'await-mail',
        'login',
        'login-forced',
        'reset-confirm',
        'reset-request',
      ]);
      // The counters are the sums of every snapshot; summary.json's are the same sums, so equal.
      expect(await counts('stampede_answered_total', job)).toEqual(expected('ok'));
      expect(await counts('stampede_offered_total', job)).toEqual(expected('offered'));
      // The outage answered 503s: the class travels by name into both.
      expect(Object.keys(expected('errors')).length).toBeGreaterThan(0);
      expect(await counts('stampede_errors_total', job, ['step', 'class'])).toEqual(expected('errors'));
      // The run's end reached Prometheus: the last value of the state gauge is "finished".
      const state = await prom!.query(
        `last_over_time(stampede_run_state{job="${job}",state="finished"}[10m])`,
      );
      expect(state.map((r) => r.value)).toEqual([1]);
    });
  }

  it('runs every dashboard query as valid PromQL on that Prometheus', async () => {
    const failed: string[] = [];
    for (const q of dashboardQueries()) {
      await prom!
        .query(withoutVariables(q.expr))
        .catch((err: unknown) => failed.push(`${q.where}: ${String(err)}`));
    }
    expect(failed).toEqual([]);
  });

  it('re-exports the target metrics, prefixed, and reports no push failure', async () => {
    const depth = await prom!.query(
      'max_over_time(stampede_target_stampede_ref_admin_workers{job="stampede"}[10m])',
    );
    // The profile's reference block configures 2 admin workers.
    expect(depth.map((r) => r.value)).toEqual([2]);
    const failures = await counts('stampede_remote_write_failures_total', 'stampede', ['profile']);
    expect(Object.values(failures)).toEqual([0]);
    expect(stderr).toMatch(/metrics at http:\/\/127\.0\.0\.1:\d+\/metrics/);
  });
});
