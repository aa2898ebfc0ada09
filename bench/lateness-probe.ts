/**
 * Send lateness, measured for real: runs one shard of a fixed-rate profile in this process with
 * the production Scheduler on the real clock (compiled, from dist/) over the named transport, and
 * adds up the lateness histograms the recorder ships every interval (send time minus intended
 * time, every send). Connections are opened before t0, as a run does.
 *
 *   node --import tsx bench/lateness-probe.ts '{"origin":"http://127.0.0.1:N","rate":5000,"seconds":10}'
 *
 * `"sealAtCut": true` encodes each interval inside the send loop at its cut (the driver before
 * issue 13 item 5; default: after the due sends); `"warm": false` opens no connection before t0
 * (before item 6: the first sends wait for their connections).
 *
 * Prints one JSON line: lateness percentiles (ms) over the whole run and after its first second,
 * arrivals, requests, and t0 (epoch ms).
 */
import * as hdr from 'hdr-histogram-js';
import { loginProfileYaml } from './support/login-profile.js';

interface ProbeRequest {
  readonly origin: string;
  readonly rate: number;
  readonly seconds: number;
  /** Wire transport (default undici). */
  readonly transport?: string;
  /** Encode the cut interval at the cut, inside the send loop (default false). */
  readonly sealAtCut?: boolean;
  /** Open the connections before t0 (default true). */
  readonly warm?: boolean;
}

const dist = new URL('../dist/', import.meta.url);
type SchedulerModule = typeof import('../harness/driver/scheduler.js');
type ClockModule = typeof import('../harness/driver/real-clock.js');
type TransportModule = typeof import('../harness/transports/transport-registry.js');
type Histograms = typeof import('../reports/recorder/histogram-factory.js');
type Registry = typeof import('../targets/registry.js');
type Loader = typeof import('../harness/profile/load-profile.js');

const req = JSON.parse(process.argv[2] ?? '{}') as ProbeRequest;
const load = async <T>(path: string): Promise<T> => (await import(new URL(path, dist).href)) as T;
const { Scheduler } = await load<SchedulerModule>('harness/driver/scheduler.js');
const { RealClock, takeT0 } = await load<ClockModule>('harness/driver/real-clock.js');
const { transportFactory } = await load<TransportModule>('harness/transports/transport-registry.js');
const { decodeHistogram } = await load<Histograms>('reports/recorder/histogram-factory.js');
const { resolveTarget } = await load<Registry>('targets/registry.js');
const { loadProfile } = await load<Loader>('harness/profile/load-profile.js');
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

const range = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3_600_000_000,
  numberOfSignificantValueDigits: 3 as const,
};
const hist = hdr.build(range);
// The first second is the cold start: reported apart too, so neither hides the other.
const steady = hdr.build(range);
const make = transportFactory(req.transport ?? 'undici');
let clock: InstanceType<typeof RealClock> | null = null;
const options = {
  connections: profile.client.connections,
  pipelining: 1,
  connectTimeoutMs: 5000,
  requestTimeoutMs: 5000,
  now: () => clock!.now(),
};
const transport = make(target.origin(), options);
if (req.warm !== false) await transport.warm();
const t0 = takeT0();
clock = new RealClock(t0);
let maxLatenessUs = 0;
let completedRequests = 0;
const scheduler = new Scheduler(
  {
    profile,
    shard: { index: 0, count: 1 },
    intervalMs: 1000,
    maxInFlight: profile.client.maxInFlight,
    requestTimeoutMs: 5000,
    drainMs: 2000,
    t0EpochMs: t0.epochMs,
    sealAtCut: req.sealAtCut === true,
  },
  {
    clock,
    target,
    transportFor: () => transport,
    onSnapshot: (s) => {
      maxLatenessUs = Math.max(maxLatenessUs, s.maxLatenessUs);
      for (const st of s.steps) for (const n of Object.values(st.outcomes)) completedRequests += n;
      if (!s.lateness) return;
      const h = decodeHistogram(s.lateness);
      hist.add(h);
      if (s.index >= 1) steady.add(h);
    },
  },
);
await scheduler.run();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    transport: req.transport ?? 'undici',
    sealAtCut: req.sealAtCut === true,
    warm: req.warm !== false,
    arrivals: hist.totalCount,
    requests: completedRequests,
    latenessP50Ms: hist.getValueAtPercentile(50) / 1000,
    latenessP99Ms: hist.getValueAtPercentile(99) / 1000,
    latenessP999Ms: hist.getValueAtPercentile(99.9) / 1000,
    latenessMaxMs: maxLatenessUs / 1000,
    steadyLatenessP99Ms: steady.getValueAtPercentile(99) / 1000,
    steadyLatenessP999Ms: steady.getValueAtPercentile(99.9) / 1000,
    t0Ms: t0.epochMs,
  })}\n`,
);
process.exit(0);
