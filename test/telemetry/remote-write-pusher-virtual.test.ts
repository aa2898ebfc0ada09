/**
 * The remote-write pusher against a real Prometheus receiver, in the form `simulate` will use it:
 * explicit sample timestamps (run start + virtual time) and `clock="virtual"` on every series.
 * Timestamps of successive pushes strictly increase even when asked twice for the same time, and
 * a receiver that refuses a push (a sample far outside its head block: HTTP 400) is a counted
 * failure with its reason, never a rejection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteWritePusher } from '../../harness/telemetry/remote-write-pusher.js';
import { havePrometheus, type PrometheusProcess, startPrometheus } from '../support/prometheus-process.js';

const maybe = havePrometheus() ? describe : describe.skip;

maybe('RemoteWritePusher with virtual time', () => {
  let dir = '';
  let prom: PrometheusProcess | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stampede-rw-'));
    prom = await startPrometheus(dir, []);
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stamps samples with the given times and labels them clock="virtual"', async () => {
    const failures: string[] = [];
    const pusher = new RemoteWritePusher({
      url: new URL(prom!.remoteWriteUrl),
      clock: 'virtual',
      onFailure: (r) => failures.push(r),
    });
    // A simulated run that started 10 min ago: virtual t = 1 s, 2 s, and 2 s again.
    const startMs = Math.floor(Date.now() / 1000) * 1000 - 600_000;
    const series = (v: number) => [
      { labels: { __name__: 'stampede_offered_total', step: 'login', run_id: 'sim' }, value: v },
    ];
    expect(await pusher.push(series(5), startMs + 1000)).toEqual({ ok: true, series: 1 });
    expect(await pusher.push(series(9), startMs + 2000)).toEqual({ ok: true, series: 1 });
    // Asked for the same time again: pushed 1 ms later (a receiver refuses a changed value at an equal time).
    expect(await pusher.push(series(12), startMs + 2000)).toEqual({ ok: true, series: 1 });
    const got = await prom!.samples('stampede_offered_total{run_id="sim"}[20m]');
    expect(got).toHaveLength(1);
    expect(got[0]!.metric).toEqual({
      __name__: 'stampede_offered_total',
      clock: 'virtual',
      run_id: 'sim',
      step: 'login',
    });
    expect(got[0]!.points).toEqual([
      [startMs + 1000, 5],
      [startMs + 2000, 9],
      [startMs + 2001, 12],
    ]);
    expect(failures).toEqual([]);
    expect(pusher.stats).toEqual({ pushes: 3, failures: 0, skipped: 0, lastError: null });
  });

  it('counts a refused push with the receiver’s reason and never rejects', async () => {
    const failures: string[] = [];
    const pusher = new RemoteWritePusher({
      url: new URL(prom!.remoteWriteUrl),
      onFailure: (r) => failures.push(r),
    });
    // Two days ago lies outside any head block Prometheus accepts: it answers 400 (out of bounds).
    const out = await pusher.push(
      [{ labels: { __name__: 'stampede_old', run_id: 'x' }, value: 1 }],
      Date.now() - 2 * 86_400_000,
    );
    expect(out.ok).toBe(false);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^HTTP 400 /);
    expect(pusher.stats.failures).toBe(1);
  });
});
