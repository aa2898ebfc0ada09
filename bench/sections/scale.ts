/**
 * Section 4, scale: `stampede plan --exact` (the compiled CLI walking the seeded stream) on a
 * 100 M-arrival profile, arrivals/s and peak RSS (GNU time); and a long login-only run against the
 * embedded reference target at hash cost 0, peak RSS of the stampede process itself (VmHWM polled
 * from /proc, so the reference server's own process is not counted).
 * Section 5, recording cost: bench/record-cost.ts, ns per recorded value.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loginProfileYaml } from '../support/login-profile.js';
import { runMeasured } from '../support/processes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'stampede.js');

export interface ScaleResult {
  readonly planArrivals: number | null;
  readonly planSeconds: number | null;
  readonly planArrivalsPerS: number | null;
  readonly planPeakRssMb: number | null;
  readonly runArrivals: number | null;
  readonly runAskedArrivals: number;
  readonly runRatePerS: number;
  readonly runOk: number | null;
  readonly runDropped: number | null;
  readonly runP99Ms: number | null;
  readonly peakRssMb: number | null;
  readonly notes: string[];
}

function planProfileYaml(millions: number): string {
  // 100k arrivals/s, Poisson, for millions*10 s: `millions` M arrivals expected.
  return [
    'name: bench-plan',
    'description: plan scale',
    'population: { accounts: 300000000, seed: 1, mustResetShare: 0.5 }',
    'flows:',
    '  login: { weight: 1, accounts: all, steps: [login] }',
    'arrivals: poisson',
    'phases:',
    `  - { name: hold, constant: 100000, duration: ${millions * 10}s }`,
    '',
  ].join('\n');
}

function runProfileYaml(rate: number, seconds: number): string {
  return loginProfileYaml({
    name: 'bench-million',
    rate,
    seconds,
    maxInFlight: 10_000,
    connections: 64,
    requestTimeout: '5s',
    accounts: 10_000_000,
    reference: { hashCost: 0 },
  });
}

function vmHwmMb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Runs the scale section. */
export async function scaleSection(
  planMillions: number,
  runRate: number,
  runSeconds: number,
  log: (s: string) => void,
): Promise<ScaleResult> {
  const notes: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'stampede-bench-scale-'));
  try {
    writeFileSync(join(dir, 'plan.yaml'), planProfileYaml(planMillions));
    const p = await runMeasured(
      process.execPath,
      [BIN, 'plan', join(dir, 'plan.yaml'), '--exact', '--json'],
      {
        cpu: 0,
        timeoutMs: 600_000,
      },
    );
    let planArrivals: number | null = null;
    try {
      const plan = JSON.parse(p.stdout) as { totalArrivals?: number };
      planArrivals = plan.totalArrivals ?? null;
    } catch {
      notes.push(`plan failed: ${p.stderr.slice(0, 200)}`);
    }
    const planSeconds = p.wallMs / 1000;
    log(
      `  scale plan --exact: ${planArrivals} arrivals in ${planSeconds.toFixed(1)} s, peak RSS ${p.maxRssMb?.toFixed(0)} MB`,
    );

    writeFileSync(join(dir, 'run.yaml'), runProfileYaml(runRate, runSeconds));
    const child = spawn(
      process.execPath,
      [
        BIN,
        'run',
        join(dir, 'run.yaml'),
        '--target',
        'reference',
        '--capacity',
        'hashCost=0',
        '--workers',
        '1',
        '--out',
        join(dir, 'run'),
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    let peak: number | null = null;
    const poll = setInterval(() => {
      const v = child.pid ? vmHwmMb(child.pid) : null;
      if (v !== null) peak = Math.max(peak ?? 0, v);
    }, 250);
    const killer = setTimeout(() => child.kill('SIGINT'), (runSeconds + 120) * 1000);
    await once(child, 'exit');
    clearInterval(poll);
    clearTimeout(killer);
    let runArrivals: number | null = null;
    let runOk: number | null = null;
    let runDropped: number | null = null;
    let runP99Ms: number | null = null;
    try {
      const s = JSON.parse(out) as {
        arrivals: number;
        dropped: number;
        steps: Record<string, { ok: number; latencyMs: { p99: number } }>;
      };
      runArrivals = s.arrivals;
      runDropped = s.dropped;
      runOk = s.steps['login']?.ok ?? null;
      runP99Ms = s.steps['login']?.latencyMs.p99 ?? null;
    } catch {
      notes.push(`run failed: ${err.trim().split('\n').at(-1)}`);
    }
    log(
      `  scale run: ${runArrivals} arrivals, ok ${runOk}, peak RSS ${(peak as number | null)?.toFixed(0)} MB`,
    );
    if (planMillions < 100) notes.push(`quick mode: plan walks ${planMillions} M arrivals, not 100 M`);
    if (runRate * runSeconds < 1e6)
      notes.push(`quick mode: the run fires ${runRate * runSeconds} arrivals, not 1 M`);
    return {
      planArrivals,
      planSeconds,
      planArrivalsPerS: planArrivals === null ? null : planArrivals / planSeconds,
      planPeakRssMb: p.maxRssMb,
      runArrivals,
      runAskedArrivals: runRate * runSeconds,
      runRatePerS: runRate,
      runOk,
      runDropped,
      runP99Ms,
      peakRssMb: peak,
      notes,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Section 5: ns per recorded value from bench/record-cost.ts. */
export async function recordSection(values: number): Promise<{ nsPerValue: number | null; note: string }> {
  const file = fileURLToPath(new URL('../record-cost.ts', import.meta.url));
  const r = await runMeasured(
    process.execPath,
    ['--import', 'tsx', file, '--values', String(values), '--intervals', '20'],
    {
      cpu: 0,
      timeoutMs: 120_000,
    },
  );
  const m = /([\d.]+) ns\/value/.exec(r.stdout);
  return m
    ? { nsPerValue: Number(m[1]), note: `${values} values through ShardRecorder.request` }
    : { nsPerValue: null, note: `record-cost failed: ${r.stderr.slice(0, 200)}` };
}
