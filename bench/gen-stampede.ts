/**
 * A stampede generator in its own process, so its CPU can be measured alone: runs one surge with
 * `runSurge` from the compiled code in dist/ (so worker threads run plain JS, as the CLI does) and
 * prints one JSON line: the summary's figures, this process's CPU during the surge
 * (`process.cpuUsage()`, all threads) and its peak RSS.
 *
 *   node --import tsx bench/gen-stampede.ts '<json GenRequest>'
 *
 * Used by the suite (run-all.ts); it drives the autocannon engine with `flood`, which the CLI does
 * not expose.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

/** What the suite asks for. */
export interface GenRequest {
  readonly profileYaml: string;
  /** An http target file's YAML text, or `reference`. */
  readonly targetYaml: string | 'reference';
  readonly engine: 'undici' | 'http1' | 'autocannon';
  readonly engineOptions: Record<string, number | string | boolean>;
  readonly workers: number;
  readonly capacity: Record<string, number>;
  readonly drainS: number;
}

/** What it prints. */
export interface GenResult {
  readonly requests: number;
  readonly ok: number;
  readonly arrivals: number;
  readonly dropped: number;
  readonly durationS: number;
  readonly cpuUs: number;
  readonly surgeWallS: number;
  readonly maxRssMb: number;
  readonly maxLatenessMs: number;
  readonly t0Ms: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly aborted: boolean;
  readonly abortReason: string | null;
  /** Sessions completed per interval of the run's timeseries.csv (counted when they ended). */
  readonly completedPerInterval: number[];
  /** Send lateness p99 per interval, ms (timeseries.csv). */
  readonly latenessP99PerIntervalMs: number[];
}

const dist = new URL('../dist/', import.meta.url);
type Coordinator = typeof import('../harness/driver/run-coordinator.js');
type Progress = typeof import('../harness/driver/progress-display.js');
type Registry = typeof import('../targets/registry.js');
type Engines = typeof import('../harness/engines/engine-registry.js');
type Loader = typeof import('../harness/profile/load-profile.js');

const req = JSON.parse(process.argv[2] ?? '{}') as GenRequest;
const { runSurge } = (await import(new URL('harness/driver/run-coordinator.js', dist).href)) as Coordinator;
const { ProgressDisplay } = (await import(
  new URL('harness/driver/progress-display.js', dist).href
)) as Progress;
const { resolveTarget } = (await import(new URL('targets/registry.js', dist).href)) as Registry;
const { engineByName } = (await import(new URL('harness/engines/engine-registry.js', dist).href)) as Engines;
const { loadProfile } = (await import(new URL('harness/profile/load-profile.js', dist).href)) as Loader;

const dir = mkdtempSync(join(tmpdir(), 'stampede-bench-gen-'));
writeFileSync(join(dir, 'profile.yaml'), req.profileYaml);
let targetArg = 'reference';
if (req.targetYaml !== 'reference') {
  targetArg = join(dir, 'target.yaml');
  writeFileSync(targetArg, req.targetYaml);
}
const profile = await loadProfile(join(dir, 'profile.yaml'));
const target = await resolveTarget(targetArg, dir);
const silent = new Writable({
  write(_c, _e, done) {
    done();
  },
});
const cpu0 = process.cpuUsage();
const w0 = performance.now();
const { summary } = await runSurge({
  profile,
  target,
  engine: engineByName(req.engine),
  outDir: join(dir, 'run'),
  workers: req.workers,
  shard: null,
  drainS: req.drainS,
  capacity: req.capacity,
  gates: [],
  engineOptions: req.engineOptions,
  progress: new ProgressDisplay(silent, {}),
  signal: new AbortController().signal,
});
const cpu = process.cpuUsage(cpu0);
const surgeWallS = (performance.now() - w0) / 1000;
const meta = JSON.parse(readFileSync(join(dir, 'run', 'meta.json'), 'utf8')) as { t0Ms: number };
// timeseries.csv: one line per interval; only two run-level columns are read here.
const [head, ...rows] = readFileSync(join(dir, 'run', 'timeseries.csv'), 'utf8')
  .trim()
  .split('\n');
const cols = (head ?? '').split(',');
const column = (name: string): number[] => {
  const i = cols.indexOf(name);
  return rows.map((r) => Number(r.split(',')[i] ?? Number.NaN));
};
let requests = 0;
let ok = 0;
const first = Object.values(summary.steps)[0];
for (const s of Object.values(summary.steps)) {
  requests += s.count;
  ok += s.ok;
}
const result: GenResult = {
  requests,
  ok,
  arrivals: summary.arrivals,
  dropped: summary.dropped,
  durationS: summary.durationS,
  cpuUs: cpu.user + cpu.system,
  surgeWallS,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
  maxLatenessMs: summary.maxLatenessMs,
  t0Ms: meta.t0Ms,
  p50Ms: first?.latencyMs.p50 ?? Number.NaN,
  p90Ms: first?.latencyMs.p90 ?? Number.NaN,
  p99Ms: first?.latencyMs.p99 ?? Number.NaN,
  p999Ms: first?.latencyMs.p999 ?? Number.NaN,
  aborted: summary.aborted,
  abortReason: summary.abortReason,
  completedPerInterval: column('completed'),
  latenessP99PerIntervalMs: column('lateness_p99_ms'),
};
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);
// Pools and timers of the target may linger; the result is out, the process is done.
process.exit(0);
