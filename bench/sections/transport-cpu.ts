/**
 * Section: client CPU of the http1 transport (issue 19). nginx (one worker) on core 1; on core 0,
 * one after the other in each interleaved round: the http1 transport driven directly in flood
 * (bench/gen-http1.ts, 50 connections, every request recorded in an HDR histogram), the whole
 * driver over it (`--engine http1` via gen-stampede.ts: open model, 300k/s asked, cap 50 in
 * flight, recording on), autocannon's CLI (-c 50), wrk (-t1 -c50), the http1 transport at a fixed
 * open-model rate of 20k/s, and the whole driver at 20k/s (one worker, 128 connections).
 * Ratios are medians of per-round ratios, since absolute figures swing. Floods run FLOOD_SECONDS
 * (10 s) in full mode, 3 s in quick.
 *
 * Figures (docs/measurement.md, "http1 transport: bench"): client CPU µs per request (the http1
 * generator's `process.cpuUsage()` from its first request to its last answer; the CLIs' user+sys
 * from /usr/bin/time; autocannon's and stampede's start-up, a 1-request run of each, subtracted),
 * requests/s, and the rate error at 20k/s: the worst |sent - asked| / asked over windows of whole
 * seconds after the first (the transport: written per second; the engine: one-request sessions
 * completed per 1 s interval, counted when they end, with the send lateness p99 beside it).
 *
 *   node --import tsx bench/sections/transport-cpu.ts [--quick]
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Http1GenRequest, Http1GenResult } from '../gen-http1.js';
import { loginProfileYaml } from '../support/login-profile.js';
import { startNginx } from '../support/nginx-target.js';
import { findPeers, type Peers } from '../support/peers.js';
import { runMeasured } from '../support/processes.js';
import { median, ratio } from '../support/stats.js';
import { renderTable } from '../support/table.js';
import { autocannonCli, type GenRun, getTargetYaml, runGen, wrk } from './throughput.js';

const GEN = fileURLToPath(new URL('../gen-http1.ts', import.meta.url));
const CONNECTIONS = 50;
const RATE = 20_000;
/**
 * The open-model run's pool, sized as a surge's would be: rate x the latency it must absorb
 * (20k/s x 6.4 ms). On a shared machine a 50-connection pool caps 20k/s at 2.5 ms per answer.
 */
const RATE_CONNECTIONS = 128;
/**
 * Arrivals/s the engine's flood asks: above what any generator here answers (wrk's ~200k/s on
 * this machine), so the engine runs at its own ceiling and its requests/s can be set against
 * wrk's. Arrivals due while all 50 places are taken are turned away (counted as dropped).
 */
const FLOOD_ASKED = 300_000;
/**
 * Seconds of each flood in full mode (every generator alike). The JavaScript generators (the
 * http1 transport, the engine, autocannon) start each run cold: while the JIT compiles the hot
 * path on the same core, the engine's first second answered ~115k/s and its second ~131k/s
 * against ~137-141k/s from its third on (2026-12-01). Over 5 s that warm-up was a sixth of the
 * run; over 10 s it weighs half as much, closer to a surge of minutes, which is what the ratio
 * stands for. wrk has no warm-up. The engine's note lists its completions per second.
 */
export const FLOOD_SECONDS = 10;

/** One round: every generator once. */
export interface TransportCpuRound {
  readonly http1Flood: GenRun;
  /** The whole driver over http1 (`--engine http1`, open model, 300k/s asked, cap 50). */
  readonly engineHttp1: GenRun;
  readonly autocannonCli: GenRun;
  readonly wrk: GenRun;
  readonly http1Rate: GenRun & { readonly rateErrorPct: number | null; readonly dropped: number | null };
  /** The whole driver at 20k/s, one worker. */
  readonly engineRate: GenRun & { readonly rateErrorPct: number | null; readonly dropped: number | null };
}

export interface TransportCpuResult {
  readonly seconds: number;
  readonly rateSeconds: number;
  readonly windowS: number;
  readonly rounds: TransportCpuRound[];
  /** http1 flood CPU µs/request over autocannon CLI's (target <= 0.8). */
  readonly cpuRatioVsAutocannon: number | null;
  /** http1 flood requests/s over wrk's (target >= 0.6). */
  readonly reqPerSRatioVsWrk: number | null;
  /** Worst window error of the transport's 20k/s runs, % (target < 0.5). */
  readonly rateErrorPct: number | null;
  /** Worst window error of the engine's 20k/s runs, % (target < 0.5). */
  readonly engineRateErrorPct: number | null;
  /** The same two ratios for the whole driver over http1. */
  readonly engineCpuRatioVsAutocannon: number | null;
  readonly engineReqPerSRatioVsWrk: number | null;
  readonly cpuUsPerRequest: Record<
    'http1' | 'http1At20k' | 'engineHttp1' | 'autocannonCli' | 'wrk',
    number | null
  >;
  readonly reqPerS: Record<'http1' | 'engineHttp1' | 'autocannonCli' | 'wrk', number | null>;
  readonly notes: string[];
}

/** Worst error of written requests per window of `windowS` whole seconds, the first second left out. */
export function rateErrorPct(perSecond: readonly number[], rate: number, windowS: number): number | null {
  const whole = perSecond.slice(1);
  let worst: number | null = null;
  for (let i = 0; i + windowS <= whole.length; i += windowS) {
    const n = whole.slice(i, i + windowS).reduce((a, b) => a + b, 0);
    const err = (Math.abs(n - rate * windowS) / (rate * windowS)) * 100;
    worst = worst === null ? err : Math.max(worst, err);
  }
  return worst;
}

async function gen(req: Http1GenRequest): Promise<Http1GenResult | string> {
  const r = await runMeasured(process.execPath, ['--import', 'tsx', GEN, JSON.stringify(req)], {
    cpu: 0,
    timeoutMs: (req.seconds + 30) * 1000,
  });
  try {
    return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as Http1GenResult;
  } catch {
    return `gen-http1 failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  }
}

/** CPU of a 1-request `--engine http1` run (worker start, run directory): subtracted like autocannon's. */
let engineStartupUs: number | null = null;

/** The whole driver over http1 (gen-stampede.ts), one worker, recording on. */
async function engineRun(
  origin: string,
  seconds: number,
  rate: number,
  cap: number,
  connections: number,
): Promise<Awaited<ReturnType<typeof runGen>>> {
  const profileYaml = loginProfileYaml({
    name: 'bench-http1',
    rate,
    seconds,
    maxInFlight: cap,
    connections,
    requestTimeout: '5s',
  });
  return runGen(
    {
      profileYaml,
      targetYaml: getTargetYaml(origin),
      engine: 'http1',
      engineOptions: {},
      workers: 1,
      capacity: {},
      drainS: 2,
    },
    (seconds + 30) * 1000,
  );
}

async function engineFlood(origin: string, seconds: number): Promise<GenRun> {
  if (engineStartupUs === null) {
    const s = await engineRun(origin, 0.1, 10, CONNECTIONS, CONNECTIONS);
    engineStartupUs = typeof s === 'string' ? 0 : s.cpuUs;
  }
  const r = await engineRun(origin, seconds, FLOOD_ASKED, CONNECTIONS, CONNECTIONS);
  if (typeof r === 'string') return { reqPerS: null, cpuUsPerRequest: null, note: r };
  if (r.aborted) return { reqPerS: null, cpuUsPerRequest: null, note: `aborted: ${r.abortReason}` };
  return {
    reqPerS: r.requests / seconds,
    cpuUsPerRequest: (r.cpuUs - engineStartupUs) / Math.max(1, r.requests),
    note: `${FLOOD_ASKED / 1000}k arrivals/s asked, cap ${CONNECTIONS}, start-up ${(engineStartupUs / 1000).toFixed(0)} ms CPU subtracted, completed per s ${r.completedPerInterval.slice(0, Math.ceil(seconds)).join(' ')}`,
  };
}

async function engineAtRate(
  origin: string,
  seconds: number,
  windowS: number,
): Promise<TransportCpuRound['engineRate']> {
  const r = await engineRun(origin, seconds, RATE, 10_000, RATE_CONNECTIONS);
  if (typeof r === 'string' || r.aborted) {
    const note = typeof r === 'string' ? r : `aborted: ${r.abortReason}`;
    return { reqPerS: null, cpuUsPerRequest: null, note, rateErrorPct: null, dropped: null };
  }
  // One request per session: completions per second are the delivered rate (by when they ended,
  // so a loop that cannot keep up shows); the intervals after the firing time are the drain's.
  const done = r.completedPerInterval.slice(0, Math.floor(seconds));
  return {
    reqPerS: r.requests / seconds,
    cpuUsPerRequest: (r.cpuUs - (engineStartupUs ?? 0)) / Math.max(1, r.requests),
    rateErrorPct: rateErrorPct(done, RATE, windowS),
    dropped: r.dropped,
    note: `${RATE}/s, ${RATE_CONNECTIONS} connections, completed per s ${done.join(' ')}, lateness p99 per s ${r.latenessP99PerIntervalMs.slice(0, done.length).join(' ')} ms`,
  };
}

async function http1Flood(origin: string, seconds: number): Promise<GenRun> {
  const r = await gen({ origin, mode: 'flood', seconds, connections: CONNECTIONS });
  if (typeof r === 'string') return { reqPerS: null, cpuUsPerRequest: null, note: r };
  return {
    reqPerS: r.reqPerS,
    cpuUsPerRequest: r.cpuUsPerRequest,
    note: `flood, ${CONNECTIONS} connections, ${r.failed} failed, service p99 ${r.serviceP99Ms.toFixed(2)} ms`,
  };
}

async function http1Rate(
  origin: string,
  seconds: number,
  windowS: number,
): Promise<TransportCpuRound['http1Rate']> {
  const r = await gen({ origin, mode: 'rate', rate: RATE, seconds, connections: RATE_CONNECTIONS });
  if (typeof r === 'string') {
    return { reqPerS: null, cpuUsPerRequest: null, note: r, rateErrorPct: null, dropped: null };
  }
  return {
    reqPerS: r.reqPerS,
    cpuUsPerRequest: r.cpuUsPerRequest,
    rateErrorPct: rateErrorPct(r.writtenPerSecond, RATE, windowS),
    dropped: r.dropped,
    note: `${RATE}/s open model, ${RATE_CONNECTIONS} connections, written per s ${r.writtenPerSecond.join(' ')}, latency p99 ${r.latencyP99Ms.toFixed(2)} ms`,
  };
}

/** Runs the section against nginx; `rounds` interleaved rounds. */
export async function transportCpuSection(
  peers: Peers,
  seconds: number,
  rateSeconds: number,
  windowS: number,
  roundCount: number,
  log: (s: string) => void,
): Promise<TransportCpuResult> {
  const notes: string[] = [];
  const rounds: TransportCpuRound[] = [];
  const empty = (why: string): TransportCpuResult => ({
    seconds,
    rateSeconds,
    windowS,
    rounds,
    cpuRatioVsAutocannon: null,
    reqPerSRatioVsWrk: null,
    engineCpuRatioVsAutocannon: null,
    engineReqPerSRatioVsWrk: null,
    rateErrorPct: null,
    engineRateErrorPct: null,
    cpuUsPerRequest: { http1: null, http1At20k: null, engineHttp1: null, autocannonCli: null, wrk: null },
    reqPerS: { http1: null, engineHttp1: null, autocannonCli: null, wrk: null },
    notes: [why],
  });
  if (!peers.nginx.path) return empty(`transport-cpu skipped: ${peers.nginx.note}`);
  const ng = await startNginx(peers.nginx.path);
  try {
    for (let i = 0; i < roundCount; i++) {
      const f = (g: GenRun): string =>
        `${g.reqPerS === null ? 'n/a' : g.reqPerS.toFixed(0)} req/s, ${g.cpuUsPerRequest === null ? 'n/a' : g.cpuUsPerRequest.toFixed(1)} µs/req`;
      const flood = await http1Flood(ng.origin, seconds);
      log(`  transport-cpu round ${i + 1}/${roundCount} http1 flood: ${f(flood)}`);
      const engine = await engineFlood(ng.origin, seconds);
      log(`  transport-cpu round ${i + 1}/${roundCount} stampede --engine http1: ${f(engine)}`);
      const ac = await autocannonCli(ng.origin, seconds);
      log(`  transport-cpu round ${i + 1}/${roundCount} autocannon-cli: ${f(ac)}`);
      const w = await wrk(peers.wrk.path, peers.wrk.note, ng.origin, seconds);
      log(`  transport-cpu round ${i + 1}/${roundCount} wrk: ${f(w)}`);
      const rate = await http1Rate(ng.origin, rateSeconds, windowS);
      log(
        `  transport-cpu round ${i + 1}/${roundCount} http1 ${RATE}/s: ${f(rate)}, rate error ${rate.rateErrorPct?.toFixed(3)} %, dropped ${rate.dropped}`,
      );
      const engineRate = await engineAtRate(ng.origin, rateSeconds, windowS);
      log(
        `  transport-cpu round ${i + 1}/${roundCount} --engine http1 ${RATE}/s: ${f(engineRate)}, rate error ${engineRate.rateErrorPct?.toFixed(3)} %, dropped ${engineRate.dropped}; ${engineRate.note}`,
      );
      rounds.push({
        http1Flood: flood,
        engineHttp1: engine,
        autocannonCli: ac,
        wrk: w,
        http1Rate: rate,
        engineRate,
      });
    }
  } finally {
    await ng.stop();
  }
  if (!peers.wrk.path) notes.push(`wrk: ${peers.wrk.note}`);
  const med = (pick: (r: TransportCpuRound) => number | null): number | null => median(rounds.map(pick));
  const errs = rounds.map((r) => r.http1Rate.rateErrorPct).filter((x): x is number => x !== null);
  const engineErrs = rounds.map((r) => r.engineRate.rateErrorPct).filter((x): x is number => x !== null);
  return {
    seconds,
    rateSeconds,
    windowS,
    rounds,
    cpuRatioVsAutocannon: med((r) => ratio(r.http1Flood.cpuUsPerRequest, r.autocannonCli.cpuUsPerRequest)),
    reqPerSRatioVsWrk: med((r) => ratio(r.http1Flood.reqPerS, r.wrk.reqPerS)),
    engineCpuRatioVsAutocannon: med((r) =>
      ratio(r.engineHttp1.cpuUsPerRequest, r.autocannonCli.cpuUsPerRequest),
    ),
    engineReqPerSRatioVsWrk: med((r) => ratio(r.engineHttp1.reqPerS, r.wrk.reqPerS)),
    rateErrorPct: errs.length ? Math.max(...errs) : null,
    engineRateErrorPct: engineErrs.length ? Math.max(...engineErrs) : null,
    cpuUsPerRequest: {
      http1: med((r) => r.http1Flood.cpuUsPerRequest),
      engineHttp1: med((r) => r.engineHttp1.cpuUsPerRequest),
      http1At20k: med((r) => r.http1Rate.cpuUsPerRequest),
      autocannonCli: med((r) => r.autocannonCli.cpuUsPerRequest),
      wrk: med((r) => r.wrk.cpuUsPerRequest),
    },
    reqPerS: {
      http1: med((r) => r.http1Flood.reqPerS),
      engineHttp1: med((r) => r.engineHttp1.reqPerS),
      autocannonCli: med((r) => r.autocannonCli.reqPerS),
      wrk: med((r) => r.wrk.reqPerS),
    },
    notes,
  };
}

/** Table rows of the section (shared by run-all.ts and the standalone run). */
export function transportCpuRows(r: TransportCpuResult): [string, string, string, string][] {
  const f = (x: number | null, d = 1): string => (x === null ? 'n/a' : x.toFixed(d));
  return [
    ['transport-cpu', 'http1 flood req/s (median)', f(r.reqPerS.http1, 0), ''],
    ['transport-cpu', 'stampede --engine http1 req/s (median)', f(r.reqPerS.engineHttp1, 0), ''],
    ['transport-cpu', 'autocannon-cli req/s (median)', f(r.reqPerS.autocannonCli, 0), ''],
    ['transport-cpu', 'wrk req/s (median)', f(r.reqPerS.wrk, 0), ''],
    ['transport-cpu', 'http1 flood client CPU µs/req', f(r.cpuUsPerRequest.http1), ''],
    ['transport-cpu', `http1 at ${RATE}/s client CPU µs/req`, f(r.cpuUsPerRequest.http1At20k), ''],
    ['transport-cpu', 'stampede --engine http1 client CPU µs/req', f(r.cpuUsPerRequest.engineHttp1), ''],
    ['transport-cpu', 'autocannon-cli client CPU µs/req', f(r.cpuUsPerRequest.autocannonCli), ''],
    ['transport-cpu', 'wrk client CPU µs/req', f(r.cpuUsPerRequest.wrk), ''],
    ['transport-cpu', 'http1/autocannon CPU per req', f(r.cpuRatioVsAutocannon, 3), '<= 0.8'],
    ['transport-cpu', 'http1/wrk req/s', f(r.reqPerSRatioVsWrk, 3), '>= 0.6'],
    ['transport-cpu', `http1 ${RATE}/s worst window error %`, f(r.rateErrorPct, 3), '< 0.5'],
    ['transport-cpu', '--engine http1/autocannon CPU per req', f(r.engineCpuRatioVsAutocannon, 3), '<= 0.8'],
    ['transport-cpu', '--engine http1/wrk req/s', f(r.engineReqPerSRatioVsWrk, 3), '>= 0.6'],
    ['transport-cpu', `--engine http1 ${RATE}/s worst window error %`, f(r.engineRateErrorPct, 3), '< 0.5'],
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  // gen-stampede.ts runs the compiled driver, as the CLI does: build dist/ first (run-all does too).
  const { execFileSync } = await import('node:child_process');
  try {
    const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      stdio: 'ignore',
    });
  } catch {
    // tsc emits despite type errors elsewhere; the run uses what dist/ holds.
  }
  const started = Date.now();
  const log = (s: string): void => {
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}\n`);
  };
  const r = quick
    ? await transportCpuSection(findPeers(), 3, 7, 2, 1, log)
    : await transportCpuSection(findPeers(), FLOOD_SECONDS, 11, 5, 3, log);
  process.stdout.write(renderTable(['section', 'measure', 'value', 'target'], transportCpuRows(r)));
  for (const n of r.notes) process.stdout.write(`note: ${n}\n`);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
