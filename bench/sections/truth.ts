/**
 * Section 3, latency truth: the bench server freezes its event loop for 1 s every 5 s and logs each
 * freeze (epoch ms). Users arrive at a fixed rate; a user arriving at t inside a freeze [s, e) waits
 * e - t, any other user ~0 (the sub-millisecond service time and the short backlog drain after a
 * freeze are left out of the truth). The true p90/p99 follow from the logged freezes and the
 * intended arrival times (t0 + (k + 1/2)/rate), and each tool's reported p99 is printed beside it.
 * wrk and autocannon without a rate are closed-model: they wait out a freeze instead of arriving.
 */
import { fileURLToPath } from 'node:url';
import { loginProfileYaml } from '../support/login-profile.js';
import type { Peers } from '../support/peers.js';
import { runMeasured, startBenchServer } from '../support/processes.js';
import { percentileSorted } from '../support/stats.js';
import { getTargetYaml, runGen } from './throughput.js';

const AUTOCANNON = fileURLToPath(new URL('../../node_modules/.bin/autocannon', import.meta.url));

export interface TruthRun {
  readonly tool: string;
  readonly p90Ms: number | null;
  readonly p99Ms: number | null;
  readonly trueP90Ms: number | null;
  readonly trueP99Ms: number | null;
  readonly note: string;
}

export interface TruthResult {
  readonly rate: number;
  readonly seconds: number;
  readonly runs: TruthRun[];
  /** stampede (undici engine) p99 and the truth for its run. */
  readonly p99Ms: number | null;
  readonly trueP99Ms: number | null;
  readonly errorPct: number | null;
  readonly notes: string[];
}

/** True p90/p99 (ms) of users arriving at `rate` from `startMs` for `seconds`, given the freezes. */
export function trueLatency(
  freezes: readonly [number, number][],
  startMs: number,
  rate: number,
  seconds: number,
): { p90: number; p99: number } {
  const n = Math.round(rate * seconds);
  const lat = new Float64Array(n);
  let f = 0;
  for (let k = 0; k < n; k++) {
    const t = startMs + ((k + 0.5) / rate) * 1000;
    while (f < freezes.length && freezes[f]![1] <= t) f++;
    const fr = freezes[f];
    lat[k] = fr && t >= fr[0] ? fr[1] - t : 0;
  }
  const sorted = Array.from(lat).sort((a, b) => a - b);
  return { p90: percentileSorted(sorted, 90), p99: percentileSorted(sorted, 99) };
}

function profile(rate: number, seconds: number): string {
  return loginProfileYaml({
    name: 'bench-truth',
    rate,
    seconds,
    maxInFlight: 10_000,
    // One connection per user waiting out a freeze (rate x 1 s): with fewer, users also queue in
    // the client's pool after the freeze, a real wait the schedule-derived truth does not count.
    connections: Math.max(64, Math.ceil(rate * 1.2)),
    requestTimeout: '10s',
  });
}

async function autocannonTruth(rate: number, seconds: number, corrected: boolean): Promise<TruthRun> {
  const server = await startBenchServer('freeze');
  try {
    const startMs = Date.now();
    const args = ['-c', '50', '-R', String(rate), '-d', String(seconds), '--json', `${server.origin}/`];
    if (!corrected) args.splice(4, 0, '-C');
    const r = await runMeasured(AUTOCANNON, args, { cpu: 0, timeoutMs: (seconds + 20) * 1000 });
    const truth = trueLatency((await server.stats()).freezes, startMs, rate, seconds);
    const j = JSON.parse(r.stdout) as { latency: { p90: number; p99: number } };
    return {
      tool: corrected ? 'autocannon -R (own correction)' : 'autocannon -R -C (no correction)',
      p90Ms: j.latency.p90,
      p99Ms: j.latency.p99,
      trueP90Ms: truth.p90,
      trueP99Ms: truth.p99,
      note: 'c=50; truth window from its spawn (start-up ~0.3 s shifts it)',
    };
  } catch (err: unknown) {
    const why = err instanceof Error ? err.message : String(err);
    return { tool: 'autocannon', p90Ms: null, p99Ms: null, trueP90Ms: null, trueP99Ms: null, note: why };
  } finally {
    await server.stop();
  }
}

async function wrkTruth(path: string | null, why: string, rate: number, seconds: number): Promise<TruthRun> {
  if (!path) return { tool: 'wrk', p90Ms: null, p99Ms: null, trueP90Ms: null, trueP99Ms: null, note: why };
  const server = await startBenchServer('freeze');
  try {
    const startMs = Date.now();
    const r = await runMeasured(path, ['-t1', '-c50', `-d${seconds}s`, '--latency', `${server.origin}/`], {
      cpu: 0,
      timeoutMs: (seconds + 20) * 1000,
    });
    const truth = trueLatency((await server.stats()).freezes, startMs, rate, seconds);
    const ms = (label: string): number | null => {
      const m = new RegExp(`\\s${label}%\\s+([\\d.]+)(us|ms|s)`).exec(r.stdout);
      if (!m) return null;
      const v = Number(m[1]);
      return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
    };
    return {
      tool: 'wrk (closed model)',
      p90Ms: ms('90'),
      p99Ms: ms('99'),
      trueP90Ms: truth.p90,
      trueP99Ms: truth.p99,
      note: `-t1 -c50, no rate (closed model); truth for users at ${rate}/s`,
    };
  } finally {
    await server.stop();
  }
}

/** Runs the section. */
export async function truthSection(
  peers: Peers,
  rate: number,
  seconds: number,
  log: (s: string) => void,
): Promise<TruthResult> {
  const runs: TruthRun[] = [];
  const notes: string[] = [];
  const server = await startBenchServer('freeze');
  let mine: TruthRun;
  try {
    const r = await runGen(
      {
        profileYaml: profile(rate, seconds),
        targetYaml: getTargetYaml(server.origin),
        engine: 'undici',
        engineOptions: {},
        workers: 1,
        capacity: {},
        drainS: 5,
      },
      (seconds + 40) * 1000,
    );
    if (typeof r === 'string') {
      mine = { tool: 'stampede undici', p90Ms: null, p99Ms: null, trueP90Ms: null, trueP99Ms: null, note: r };
    } else {
      const truth = trueLatency((await server.stats()).freezes, r.t0Ms, rate, seconds);
      mine = {
        tool: 'stampede undici',
        p90Ms: r.p90Ms,
        p99Ms: r.p99Ms,
        trueP90Ms: truth.p90,
        trueP99Ms: truth.p99,
        note: 'open model, latency from the intended send time',
      };
    }
  } finally {
    await server.stop();
  }
  runs.push(mine);
  log(`  truth stampede: p99 ${mine.p99Ms} ms, true ${mine.trueP99Ms?.toFixed(1)} ms`);
  for (const corrected of [true, false]) {
    const a = await autocannonTruth(rate, seconds, corrected);
    runs.push(a);
    log(`  truth ${a.tool}: p99 ${a.p99Ms} ms, true ${a.trueP99Ms?.toFixed(1)} ms`);
  }
  const w = await wrkTruth(peers.wrk.path, peers.wrk.note, rate, seconds);
  runs.push(w);
  log(`  truth ${w.tool}: p99 ${w.p99Ms} ms, true ${w.trueP99Ms?.toFixed(1)} ms`);
  if (!peers.vegeta.path) notes.push(`vegeta: ${peers.vegeta.note}`);
  const errorPct =
    mine.p99Ms !== null && mine.trueP99Ms ? ((mine.p99Ms - mine.trueP99Ms) / mine.trueP99Ms) * 100 : null;
  return { rate, seconds, runs, p99Ms: mine.p99Ms, trueP99Ms: mine.trueP99Ms, errorPct, notes };
}
