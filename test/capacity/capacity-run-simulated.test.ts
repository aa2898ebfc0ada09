/**
 * The search loop through the runner hook, without sockets: a `simulated` runner answers each
 * probe with the run a token bucket (R/s, burst B) would give over T s, by formula:
 * ok = min(r*T, R*T + B), the rest 429. The loop must run the pure search's probe sequence, write
 * capacity.json / .txt / .html with mode `simulated`, skip settling (a model starts empty), and
 * on an interrupt stop after the running probe with what it has.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'hdr-histogram-js';
import { afterAll, describe, expect, it } from 'vitest';
import type { CapacityReport } from '../../harness/capacity/capacity-report.js';
import { runCapacitySearch } from '../../harness/capacity/capacity-run.js';
import type { ProbeRequest, ProbeRun, ProbeRunner } from '../../harness/capacity/probe-runner.js';
import { parseGates } from '../../reports/gates/gate-parser.js';
import type { RunData } from '../../reports/run-dir/run-data.js';
import type { Summary } from '../../reports/run-dir/summary.js';
import type { Target } from '../../targets/target.js';
import { buildProfile } from '../arrivals/profile-fixture.js';
import { tempDir } from '../support/surge-fixture.js';

const R = 100;
const B = 20;
const T = 3;

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function bucketRun(probe: ProbeRequest): ProbeRun {
  const phase = probe.profile.regions[0]!.phases[0]!;
  const rate = phase.shape === 'constant' ? phase.rate : Number.NaN;
  const arrivals = Math.round(rate * T);
  const ok = Math.min(arrivals, R * T + B);
  const latency = build();
  latency.recordValueWithCount(2000, arrivals);
  const summary = {
    aborted: probe.signal.aborted,
    abortReason: probe.signal.aborted ? 'interrupted' : null,
    degraded: [],
    arrivals,
    dropped: 0,
    durationS: T,
    latenessMs: { p50: 0.1, p90: 0.2, p99: 0.5, p999: 1, max: 1, mean: 0.1 },
    settings: {},
    validity: { valid: true, problems: [] },
    steps: { login: { count: arrivals, ok, errors: { '429': arrivals - ok }, offered: arrivals } },
  } as unknown as Summary;
  const run = {
    meta: { steps: ['login'] },
    summary,
    histograms: [{ step: 'login', latency, service: latency }],
  } as unknown as RunData;
  return { summary, run };
}

function simulatedRunner(onRun: (n: number) => void = () => {}): ProbeRunner & { runs: number[] } {
  const runs: number[] = [];
  return {
    mode: 'simulated',
    target: { name: 'model' } as Target,
    runs,
    async open() {},
    async run(probe) {
      const phase = probe.profile.regions[0]!.phases[0]!;
      runs.push(phase.shape === 'constant' ? phase.rate : Number.NaN);
      onRun(runs.length);
      return bucketRun(probe);
    },
    async close() {},
  };
}

async function search(
  runner: ProbeRunner,
  signal: AbortSignal,
): Promise<{ report: CapacityReport; dir: string; lines: string[] }> {
  const dir = tempDir('stampede-capacity-sim-');
  dirs.push(dir);
  const lines: string[] = [];
  const report = await runCapacitySearch({
    profile: buildProfile(),
    slos: parseGates(['* error-rate < 5%'], '--slo'),
    bounds: { minPerS: 90, maxPerS: 1000, precision: 0.02 },
    probeS: T,
    settleS: 1,
    outDir: dir,
    step: 'login',
    workers: null,
    runner,
    progress: (l) => lines.push(l),
    signal,
  });
  return { report, dir, lines };
}

describe('capacity search through a simulated runner', () => {
  it('runs the search sequence, writes the three files, says simulated, never settles', async () => {
    const runner = simulatedRunner();
    const { report, dir, lines } = await search(runner, new AbortController().signal);
    // Truth (R + B/T)/(1 - e) = 112.28/s; error(r) = 1 - 320/round(3r). 90 pass, 180 fail (40.7 %),
    // 135 fail (21 %), 112.5 fail (338 arrivals: 5.3 %), 101.3 pass, 106.9 pass (0.3 %), 109.7 pass
    // (2.7 %), 111.1 pass (3.9 %) -> [111.1, 112.5]: 1.26 % <= 2 %.
    expect(runner.runs).toEqual([90, 180, 135, 112.5, 101.3, 106.9, 109.7, 111.1]);
    expect(report.mode).toBe('simulated');
    expect(report.verdict).toBe('found');
    expect(report.bracket).toEqual([111.1, 112.5]);
    expect(report.step).toEqual({ name: 'login', capacityPerS: 111.1 });
    expect(report.probes.every((p) => p.settle === null)).toBe(true);
    expect(lines.filter((l) => l.startsWith('capacity: probe'))).toHaveLength(8);
    expect(lines.some((l) => l.includes('settling'))).toBe(false);
    const json = JSON.parse(readFileSync(join(dir, 'capacity.json'), 'utf8')) as CapacityReport;
    expect(json).toEqual(JSON.parse(JSON.stringify(report)));
    expect(readFileSync(join(dir, 'capacity.txt'), 'utf8')).toContain('capacity: 111.1/s');
    expect(existsSync(join(dir, 'capacity.html'))).toBe(true);
  });

  it('on an interrupt, stops after the running probe, records it uncounted, keeps the bracket so far', async () => {
    const stop = new AbortController();
    const runner = simulatedRunner((n) => {
      if (n === 3) stop.abort();
    });
    const { report } = await search(runner, stop.signal);
    expect(report.interrupted).toBe(true);
    expect(report.probes).toHaveLength(3);
    expect(report.probes[2]!.valid).toBe(false);
    expect(report.probes[2]!.problems).toEqual(['aborted: interrupted']);
    // Probes 1 (90 pass) and 2 (180 fail) count; the interrupted one does not.
    expect(report.bracket).toEqual([90, 180]);
    expect(report.generatorBound).toBe(false);
  });

  it('when a probe cannot run, writes what was probed (interrupted) and passes the error on', async () => {
    const runner = simulatedRunner((n) => {
      if (n === 2) throw new Error('disk full');
    });
    const dir = tempDir('stampede-capacity-sim-');
    dirs.push(dir);
    await expect(
      runCapacitySearch({
        profile: buildProfile(),
        slos: parseGates(['* error-rate < 5%'], '--slo'),
        bounds: { minPerS: 90, maxPerS: 1000, precision: 0.02 },
        probeS: T,
        settleS: 1,
        outDir: dir,
        step: null,
        workers: null,
        runner,
        progress: () => {},
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow('disk full');
    const json = JSON.parse(readFileSync(join(dir, 'capacity.json'), 'utf8')) as CapacityReport;
    expect(json.interrupted).toBe(true);
    expect(json.probes.map((p) => p.ratePerS)).toEqual([90]);
    expect(json.bracket).toEqual([90, null]);
  });
});
