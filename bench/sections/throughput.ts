/**
 * Section 1, the throughput ceiling: nginx (one worker) and a minimal node:http server, each pinned
 * to core 1, flooded from core 0 by four generators at 50 connections: stampede's undici engine
 * (open model, 100k arrivals/s asked, in-flight cap 50: the excess is counted as dropped),
 * stampede's autocannon engine (flood), autocannon's CLI and wrk. Runs are interleaved (one round =
 * every generator once) and ratios are medians of per-round ratios, since absolute req/s swings.
 *
 * Client CPU: stampede generators report `process.cpuUsage()` over the surge (all threads, module
 * loading excluded); the CLIs are measured by `/usr/bin/time` (user+sys of the process), autocannon's
 * minus its own start-up cost (a 1-request run), wrk's as is (its start-up is negligible).
 */
import { fileURLToPath } from 'node:url';
import type { GenRequest, GenResult } from '../gen-stampede.js';
import { loginProfileYaml } from '../support/login-profile.js';
import { startNginx } from '../support/nginx-target.js';
import type { Peers } from '../support/peers.js';
import { runMeasured, startBenchServer } from '../support/processes.js';
import { median, ratio } from '../support/stats.js';

const CONNECTIONS = 50;
const GEN = fileURLToPath(new URL('../gen-stampede.ts', import.meta.url));
const AUTOCANNON = fileURLToPath(new URL('../../node_modules/.bin/autocannon', import.meta.url));

export type GeneratorName = 'stampede-undici' | 'stampede-autocannon' | 'autocannon-cli' | 'wrk';

/** One generator's run. */
export interface GenRun {
  readonly reqPerS: number | null;
  readonly cpuUsPerRequest: number | null;
  readonly note: string;
}

export interface TargetThroughput {
  readonly target: string;
  readonly skipped: string | null;
  /** Per generator, one entry per round. */
  readonly runs: Record<GeneratorName, GenRun[]>;
}

export interface ThroughputResult {
  readonly seconds: number;
  readonly rounds: number;
  readonly targets: TargetThroughput[];
  readonly ratioVsWrk: number | null;
  readonly ratioVsAutocannon: number | null;
  readonly cpuRatioVsAutocannon: number | null;
  readonly cpuUsPerRequest: Record<GeneratorName, number | null>;
  readonly reqPerS: Record<GeneratorName, number | null>;
  readonly notes: string[];
}

const GENERATORS: GeneratorName[] = ['stampede-undici', 'stampede-autocannon', 'autocannon-cli', 'wrk'];

function floodProfile(seconds: number, rate: number): string {
  return loginProfileYaml({
    name: 'bench-flood',
    rate,
    seconds,
    maxInFlight: CONNECTIONS,
    connections: CONNECTIONS,
    requestTimeout: '5s',
  });
}

/** An http target file: one GET step, the cheapest request a target file can describe. */
export function getTargetYaml(origin: string): string {
  return [
    'name: bench-target',
    `baseUrl: ${origin}`,
    'accounts: { name: "user-{{index}}", password: "pw" }',
    'steps:',
    '  login: { method: GET, path: "/login/{{account}}", expect: [200] }',
    '',
  ].join('\n');
}

/** Runs gen-stampede.ts on core 0 and parses its line. */
export async function runGen(req: GenRequest, timeoutMs: number): Promise<GenResult | string> {
  const r = await runMeasured(process.execPath, ['--import', 'tsx', GEN, JSON.stringify(req)], {
    cpu: 0,
    timeoutMs,
  });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as GenResult;
  } catch {
    return `gen-stampede failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  }
}

/** stampede's driver in its own process (gen-stampede.ts) over `engine`: open model, 100k/s asked, cap 50. */
export async function stampede(
  origin: string,
  seconds: number,
  engine: 'undici' | 'http1' | 'autocannon',
): Promise<GenRun> {
  const base: GenRequest = {
    profileYaml: floodProfile(seconds, 100_000),
    targetYaml: getTargetYaml(origin),
    engine,
    engineOptions: engine === 'autocannon' ? { flood: true, connections: CONNECTIONS } : {},
    workers: 1,
    capacity: {},
    drainS: 2,
  };
  let r = await runGen(base, (seconds + 30) * 1000);
  let note = engine === 'autocannon' ? 'flood' : '100k arrivals/s asked, cap 50 in flight';
  if (engine === 'autocannon' && typeof r !== 'string' && r.aborted) {
    // Should the flood abort, its paced mode at 100k/s is a flood too; the note says which ran.
    note = `flood failed (${r.abortReason}); overallRate 100k/s instead`;
    r = await runGen({ ...base, engineOptions: { connections: CONNECTIONS } }, (seconds + 30) * 1000);
  }
  if (typeof r === 'string') return { reqPerS: null, cpuUsPerRequest: null, note: r };
  if (r.aborted) return { reqPerS: null, cpuUsPerRequest: null, note: `aborted: ${r.abortReason}` };
  // Requests over the profile's firing time (the drain of <= 50 in flight is negligible).
  return { reqPerS: r.requests / seconds, cpuUsPerRequest: r.cpuUs / Math.max(1, r.requests), note };
}

let autocannonStartupUs: number | null | undefined;

/** autocannon's CLI at 50 connections for `seconds` on core 0, its start-up CPU subtracted. */
export async function autocannonCli(origin: string, seconds: number): Promise<GenRun> {
  if (autocannonStartupUs === undefined) {
    const s = await runMeasured(AUTOCANNON, ['-c', '1', '-a', '1', '--json', `${origin}/`], {
      cpu: 0,
      timeoutMs: 20_000,
    });
    autocannonStartupUs = s.cpuUs;
  }
  const r = await runMeasured(
    AUTOCANNON,
    ['-c', String(CONNECTIONS), '-d', String(seconds), '--json', `${origin}/`],
    {
      cpu: 0,
      timeoutMs: (seconds + 20) * 1000,
    },
  );
  try {
    const j = JSON.parse(r.stdout) as { requests: { total: number }; duration: number };
    const total = j.requests.total;
    const cpu = r.cpuUs === null ? null : r.cpuUs - (autocannonStartupUs ?? 0);
    return {
      reqPerS: total / j.duration,
      cpuUsPerRequest: cpu === null ? null : cpu / Math.max(1, total),
      note: `start-up ${((autocannonStartupUs ?? 0) / 1000).toFixed(0)} ms CPU subtracted`,
    };
  } catch {
    return { reqPerS: null, cpuUsPerRequest: null, note: `autocannon failed: ${r.stderr.slice(0, 200)}` };
  }
}

/** wrk -t1 -c50 for `seconds` on core 0 (null figures with `reason` when wrk is missing). */
export async function wrk(
  path: string | null,
  reason: string,
  origin: string,
  seconds: number,
): Promise<GenRun> {
  if (!path) return { reqPerS: null, cpuUsPerRequest: null, note: reason };
  const r = await runMeasured(path, ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, `${origin}/`], {
    cpu: 0,
    timeoutMs: (seconds + 20) * 1000,
  });
  const total = /(\d+) requests in ([\d.]+)(m?s)/.exec(r.stdout);
  if (!total) return { reqPerS: null, cpuUsPerRequest: null, note: `wrk failed: ${r.stderr.slice(0, 200)}` };
  const n = Number(total[1]);
  const secs = Number(total[2]) * (total[3] === 'ms' ? 1e-3 : 1);
  return { reqPerS: n / secs, cpuUsPerRequest: r.cpuUs === null ? null : r.cpuUs / n, note: '-t1 -c50' };
}

async function oneTarget(
  name: string,
  origin: string,
  seconds: number,
  rounds: number,
  peers: Peers,
  log: (s: string) => void,
): Promise<TargetThroughput> {
  const runs: Record<GeneratorName, GenRun[]> = {
    'stampede-undici': [],
    'stampede-autocannon': [],
    'autocannon-cli': [],
    wrk: [],
  };
  for (let i = 0; i < rounds; i++) {
    for (const g of GENERATORS) {
      let run: GenRun;
      if (g === 'stampede-undici') run = await stampede(origin, seconds, 'undici');
      else if (g === 'stampede-autocannon') run = await stampede(origin, seconds, 'autocannon');
      else if (g === 'autocannon-cli') run = await autocannonCli(origin, seconds);
      else run = await wrk(peers.wrk.path, peers.wrk.note, origin, seconds);
      runs[g].push(run);
      log(
        `  throughput ${name} round ${i + 1}/${rounds} ${g}: ${run.reqPerS === null ? 'n/a' : run.reqPerS.toFixed(0)} req/s, ${run.cpuUsPerRequest === null ? 'n/a' : run.cpuUsPerRequest.toFixed(1)} µs/req`,
      );
    }
  }
  return { target: name, skipped: null, runs };
}

/** Runs the section; `rounds` interleaved rounds of `seconds` per run and target. */
export async function throughputSection(
  peers: Peers,
  seconds: number,
  rounds: number,
  log: (s: string) => void,
): Promise<ThroughputResult> {
  const targets: TargetThroughput[] = [];
  const notes: string[] = [];
  const empty = (): Record<GeneratorName, GenRun[]> => ({
    'stampede-undici': [],
    'stampede-autocannon': [],
    'autocannon-cli': [],
    wrk: [],
  });
  if (peers.nginx.path) {
    try {
      const ng = await startNginx(peers.nginx.path);
      try {
        targets.push(await oneTarget('nginx', ng.origin, seconds, rounds, peers, log));
      } finally {
        await ng.stop();
      }
    } catch (err: unknown) {
      const why = err instanceof Error ? err.message : String(err);
      targets.push({ target: 'nginx', skipped: why, runs: empty() });
      notes.push(`nginx target skipped: ${why}`);
    }
  } else {
    targets.push({ target: 'nginx', skipped: peers.nginx.note, runs: empty() });
    notes.push(`nginx target skipped: ${peers.nginx.note}`);
  }
  const node = await startBenchServer('ok');
  try {
    targets.push(await oneTarget('node-http', node.origin, seconds, rounds, peers, log));
  } finally {
    await node.stop();
  }

  // Headline: nginx when it ran (the peers' reference figures are against nginx), else node-http.
  const head = targets.find((t) => t.skipped === null && t.runs.wrk.length > 0) ?? targets.at(-1)!;
  const per = (g: GeneratorName, f: (r: GenRun) => number | null): (number | null)[] => head.runs[g].map(f);
  const pairRatios = (a: GeneratorName, b: GeneratorName, f: (r: GenRun) => number | null): number | null =>
    median(per(a, f).map((x, i) => ratio(x, per(b, f)[i] ?? null)));
  const reqPerS = {} as Record<GeneratorName, number | null>;
  const cpu = {} as Record<GeneratorName, number | null>;
  for (const g of GENERATORS) {
    reqPerS[g] = median(per(g, (r) => r.reqPerS));
    cpu[g] = median(per(g, (r) => r.cpuUsPerRequest));
  }
  if (!peers.wrk.path) notes.push(`wrk: ${peers.wrk.note}`);
  notes.push(`headline figures against ${head.target}`);
  return {
    seconds,
    rounds,
    targets,
    ratioVsWrk: pairRatios('stampede-undici', 'wrk', (r) => r.reqPerS),
    ratioVsAutocannon: pairRatios('stampede-undici', 'autocannon-cli', (r) => r.reqPerS),
    cpuRatioVsAutocannon: pairRatios('stampede-undici', 'autocannon-cli', (r) => r.cpuUsPerRequest),
    cpuUsPerRequest: cpu,
    reqPerS,
    notes,
  };
}
