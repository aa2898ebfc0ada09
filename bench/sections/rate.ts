/**
 * Section 2, rate accuracy: fixed uniform rates (1k, 5k, 20k arrivals/s) against the bench server
 * (core 1), which counts arrivals per epoch second. Error of the achieved rate per window (whole
 * seconds only: the partial first and last seconds are dropped), and the true p99 of send lateness
 * from lateness-probe.ts (stampede's production Scheduler in one process; at 5k/s also with the
 * cut encoded in the send loop and without connections opened before t0, the befores of issue 13
 * items 5 and 6). autocannon `--overallRate`
 * is measured the same way (it has no schedule, so no lateness); vegeta when installed.
 */
import { fileURLToPath } from 'node:url';
import type { Peers } from '../support/peers.js';
import { runMeasured, type ServerStats, startBenchServer } from '../support/processes.js';

const PROBE = fileURLToPath(new URL('../lateness-probe.ts', import.meta.url));
const AUTOCANNON = fileURLToPath(new URL('../../node_modules/.bin/autocannon', import.meta.url));

export interface RateRun {
  readonly tool: string;
  readonly rate: number;
  /** Per window: |achieved - asked| / asked, %. */
  readonly windowErrorsPct: number[];
  readonly maxErrorPct: number | null;
  readonly latenessP99Ms: number | null;
  /** After the first second (cold start: connections opened, code not yet optimized). */
  readonly steadyLatenessP99Ms: number | null;
  readonly latenessMaxMs: number | null;
  readonly note: string;
}

export interface RateResult {
  readonly seconds: number;
  readonly windowS: number;
  readonly runs: RateRun[];
  /** stampede, worst window over every rate. */
  readonly maxErrorPct: number | null;
  /** stampede at 5k/s (issue-4 target < 2 ms), whole run including the cold start. */
  readonly latenessP99Ms: number | null;
  /** stampede at 5k/s after the first second. */
  readonly steadyLatenessP99Ms: number | null;
  readonly notes: string[];
}

/** Window errors from per-second counts: whole seconds only, grouped by `windowS`. */
export function windowErrors(stats: ServerStats, rate: number, windowS: number): number[] {
  const counts = stats.perSecond.map((c) => c ?? 0);
  // Drop the partial first and last seconds.
  const whole = counts.slice(1, -1);
  const out: number[] = [];
  for (let i = 0; i + windowS <= whole.length; i += windowS) {
    const n = whole.slice(i, i + windowS).reduce((a, b) => a + b, 0);
    out.push((Math.abs(n - rate * windowS) / (rate * windowS)) * 100);
  }
  return out;
}

/** A driver variant of the probe: the before of issue 13 items 5 (cut encoding) and 6 (warm). */
export interface ProbeVariant {
  readonly tool: string;
  readonly sealAtCut: boolean;
  readonly warm: boolean;
}

/** The driver as shipped: encoding after the due sends, connections opened before t0. */
const SHIPPED: ProbeVariant = { tool: 'stampede', sealAtCut: false, warm: true };

/** The befores, run at 5k/s beside the shipped driver. */
export const BEFORE_VARIANTS: readonly ProbeVariant[] = [
  { tool: 'stampede, cut encoded in the send loop', sealAtCut: true, warm: true },
  { tool: 'stampede, no connections before t0', sealAtCut: false, warm: false },
  { tool: 'stampede, both (before items 5 and 6)', sealAtCut: true, warm: false },
];

async function stampedeRun(
  rate: number,
  seconds: number,
  windowS: number,
  variant: ProbeVariant = SHIPPED,
): Promise<RateRun> {
  const server = await startBenchServer('ok');
  try {
    const { sealAtCut, warm } = variant;
    const r = await runMeasured(
      process.execPath,
      ['--import', 'tsx', PROBE, JSON.stringify({ origin: server.origin, rate, seconds, sealAtCut, warm })],
      { cpu: 0, timeoutMs: (seconds + 30) * 1000 },
    );
    const line = r.stdout.trim().split('\n').at(-1) ?? '';
    let probe: { latenessP99Ms: number; steadyLatenessP99Ms: number; latenessMaxMs: number } | null = null;
    try {
      probe = JSON.parse(line) as {
        latenessP99Ms: number;
        steadyLatenessP99Ms: number;
        latenessMaxMs: number;
      };
    } catch {
      return {
        tool: variant.tool,
        rate,
        windowErrorsPct: [],
        maxErrorPct: null,
        latenessP99Ms: null,
        steadyLatenessP99Ms: null,
        latenessMaxMs: null,
        note: `probe failed: ${r.stderr.slice(0, 200)}`,
      };
    }
    const errs = windowErrors(await server.stats(), rate, windowS);
    return {
      tool: variant.tool,
      rate,
      windowErrorsPct: errs,
      maxErrorPct: errs.length ? Math.max(...errs) : null,
      latenessP99Ms: probe.latenessP99Ms,
      steadyLatenessP99Ms: probe.steadyLatenessP99Ms,
      latenessMaxMs: probe.latenessMaxMs,
      note: 'undici, production Scheduler in-process, 64 connections',
    };
  } finally {
    await server.stop();
  }
}

async function autocannonRun(rate: number, seconds: number, windowS: number): Promise<RateRun> {
  const server = await startBenchServer('ok');
  try {
    const r = await runMeasured(
      AUTOCANNON,
      ['-c', '64', '-R', String(rate), '-d', String(seconds), '-C', '--json', `${server.origin}/`],
      { cpu: 0, timeoutMs: (seconds + 20) * 1000 },
    );
    const errs = windowErrors(await server.stats(), rate, windowS);
    return {
      tool: 'autocannon -R',
      rate,
      windowErrorsPct: errs,
      maxErrorPct: errs.length ? Math.max(...errs) : null,
      latenessP99Ms: null,
      steadyLatenessP99Ms: null,
      latenessMaxMs: null,
      note: r.code === 0 ? 'no send schedule, so no lateness; 64 connections' : `exit ${r.code}`,
    };
  } finally {
    await server.stop();
  }
}

/** Runs the section. */
export async function rateSection(
  peers: Peers,
  rates: readonly number[],
  autocannonRates: readonly number[],
  seconds: number,
  windowS: number,
  log: (s: string) => void,
): Promise<RateResult> {
  const runs: RateRun[] = [];
  const notes: string[] = [];
  for (const rate of rates) {
    const s = await stampedeRun(rate, seconds, windowS);
    runs.push(s);
    log(
      `  rate stampede ${rate}/s: max error ${s.maxErrorPct?.toFixed(2)} %, lateness p99 ${s.latenessP99Ms} ms (after the first second ${s.steadyLatenessP99Ms} ms)`,
    );
  }
  // Before/after of issue 13 items 5 and 6, at 5k/s over the whole run (first second included).
  for (const v of BEFORE_VARIANTS) {
    const s = await stampedeRun(5000, seconds, windowS, v);
    runs.push(s);
    log(
      `  rate ${v.tool} 5000/s: lateness p99 ${s.latenessP99Ms} ms (after the first second ${s.steadyLatenessP99Ms} ms)`,
    );
  }
  for (const rate of autocannonRates) {
    const a = await autocannonRun(rate, seconds, windowS);
    runs.push(a);
    log(`  rate autocannon ${rate}/s: max error ${a.maxErrorPct?.toFixed(2)} %`);
  }
  if (!peers.vegeta.path) notes.push(`vegeta: ${peers.vegeta.note}`);
  const mine = runs.filter((r) => r.tool === 'stampede');
  const errs = mine.map((r) => r.maxErrorPct).filter((x): x is number => x !== null);
  return {
    seconds,
    windowS,
    runs,
    maxErrorPct: errs.length ? Math.max(...errs) : null,
    latenessP99Ms: mine.find((r) => r.rate === 5000)?.latenessP99Ms ?? null,
    steadyLatenessP99Ms: mine.find((r) => r.rate === 5000)?.steadyLatenessP99Ms ?? null,
    notes,
  };
}
