/**
 * Send lateness, measured for real: runs one shard of a fixed-rate profile in this process with the
 * production `ShardRunner` (compiled, from dist/) and records every arrival's lateness (send time
 * minus intended time; the first request of a session goes out in the same tick) into an HDR
 * histogram, by wrapping `ShardRecorder.prototype.lateness`. The recorder itself keeps only the
 * per-interval maximum, so a true p99 needs this wrapper.
 *
 *   node --import tsx bench/lateness-probe.ts '{"origin":"http://127.0.0.1:N","rate":5000,"seconds":10}'
 *
 * Prints one JSON line: lateness percentiles (ms), arrivals, and t0 (epoch ms).
 */
import * as hdr from 'hdr-histogram-js';
import { loginProfileYaml } from './support/login-profile.js';

interface ProbeRequest {
  readonly origin: string;
  readonly rate: number;
  readonly seconds: number;
}

const dist = new URL('../dist/', import.meta.url);
type Runner = typeof import('../harness/driver/shard-runner.js');
type Recorder = typeof import('../reports/recorder/shard-recorder.js');
type Registry = typeof import('../targets/registry.js');
type Loader = typeof import('../harness/profile/load-profile.js');
type Config = import('../harness/driver/shard-config.js').ShardConfig;

const req = JSON.parse(process.argv[2] ?? '{}') as ProbeRequest;
const { ShardRunner } = (await import(new URL('harness/driver/shard-runner.js', dist).href)) as Runner;
const { ShardRecorder } = (await import(
  new URL('reports/recorder/shard-recorder.js', dist).href
)) as Recorder;
const { resolveTarget } = (await import(new URL('targets/registry.js', dist).href)) as Registry;
const { loadProfile } = (await import(new URL('harness/profile/load-profile.js', dist).href)) as Loader;
const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');

const dir = mkdtempSync(join(tmpdir(), 'stampede-bench-late-'));
writeFileSync(
  join(dir, 'profile.yaml'),
  loginProfileYaml({
    name: 'bench-rate',
    rate: req.rate,
    seconds: req.seconds,
    maxInFlight: 10_000,
    connections: 64,
    requestTimeout: '5s',
  }),
);
writeFileSync(
  join(dir, 'target.yaml'),
  [
    'name: rate-target',
    `baseUrl: ${req.origin}`,
    'accounts: { name: "user-{{index}}", password: "pw" }',
    'steps:',
    '  login: { method: GET, path: "/login/{{account}}", expect: [200] }',
    '',
  ].join('\n'),
);
const profile = await loadProfile(join(dir, 'profile.yaml'));
const target = await resolveTarget(join(dir, 'target.yaml'), dir);

// 1 µs .. 60 s, 3 digits; lateness in integer µs.
const hist = hdr.build({
  lowestDiscernibleValue: 1,
  highestTrackableValue: 60e6,
  numberOfSignificantValueDigits: 3,
});
// The first second is the cold start (connections opened, code not yet optimized): reported
// apart, so the steady-state figure is not hidden by it and it is not hidden either.
const steady = hdr.build({
  lowestDiscernibleValue: 1,
  highestTrackableValue: 60e6,
  numberOfSignificantValueDigits: 3,
});
const WARMUP_MS = 1000;
let t0ForWarmup = Number.POSITIVE_INFINITY;
const original = ShardRecorder.prototype.lateness;
ShardRecorder.prototype.lateness = function (this: InstanceType<typeof ShardRecorder>, us: number): void {
  const v = Math.min(60e6, Math.max(1, Math.round(us)));
  hist.recordValue(v);
  if (performance.timeOrigin + performance.now() - t0ForWarmup > WARMUP_MS) steady.recordValue(v);
  original.call(this, us);
};

const cfg: Config = {
  profile,
  target: target.spec(),
  shard: { index: 0, count: 1 },
  worker: 0,
  intervalMs: 1000,
  maxInFlight: profile.client.maxInFlight,
  connections: profile.client.connections,
  pipelining: 1,
  connectTimeoutMs: 5000,
  requestTimeoutMs: 5000,
  drainMs: 2000,
};
// Start a little in the future so the first arrivals are not late by construction.
const t0Ms = performance.timeOrigin + performance.now() + 100;
t0ForWarmup = t0Ms;
let maxLatenessUs = 0;
let completedRequests = 0;
const runner = new ShardRunner(cfg, t0Ms, target, (s) => {
  maxLatenessUs = Math.max(maxLatenessUs, s.maxLatenessUs);
  for (const st of s.steps) for (const n of Object.values(st.outcomes)) completedRequests += n;
});
await runner.run();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    arrivals: hist.totalCount,
    requests: completedRequests,
    latenessP50Ms: hist.getValueAtPercentile(50) / 1000,
    latenessP99Ms: hist.getValueAtPercentile(99) / 1000,
    latenessP999Ms: hist.getValueAtPercentile(99.9) / 1000,
    latenessMaxMs: maxLatenessUs / 1000,
    steadyLatenessP99Ms: steady.getValueAtPercentile(99) / 1000,
    steadyLatenessP999Ms: steady.getValueAtPercentile(99.9) / 1000,
    t0Ms,
  })}\n`,
);
process.exit(0);
