/**
 * The driver's own CPU per request, with no wire: the real Scheduler, session, recorder and http
 * target (its templates and checks) on the VirtualClock, against a stand-in transport that answers
 * every request 200 after 20 µs of virtual time. One login-only flow, 100k arrivals/s for 10 s,
 * cap 50 (never reached: 50 places / 20 µs is 2.5 M/s). What `--engine http1` spends beyond its
 * transport is this figure plus the real clock and the worker thread.
 *
 *   node --import tsx bench/driver-cost.ts [--seconds 10]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Scheduler } from '../harness/driver/scheduler.js';
import { VirtualClock } from '../harness/driver/virtual-clock.js';
import { loadProfile } from '../harness/profile/load-profile.js';
import type { Exchange, Transport } from '../harness/transports/transport.js';
import { resolveTarget } from '../targets/registry.js';
import { numberArg } from './support/cli-bench.js';
import { loginProfileYaml } from './support/login-profile.js';

const RATE = 100_000;
const SERVICE_NS = 20_000;
const seconds = numberArg('seconds', 10);
const dir = mkdtempSync(join(tmpdir(), 'stampede-driver-cost-'));
writeFileSync(
  join(dir, 'profile.yaml'),
  loginProfileYaml({
    name: 'driver-cost',
    rate: RATE,
    seconds,
    maxInFlight: 50,
    connections: 50,
    requestTimeout: '5s',
  }),
);
// Never contacted: the stand-in transport below answers instead.
writeFileSync(
  join(dir, 'target.yaml'),
  [
    'name: driver-cost',
    'baseUrl: http://127.0.0.1:9',
    'accounts: { name: "user-{{index}}", password: "pw" }',
    'steps:',
    '  login: { method: GET, path: "/login/{{account}}", expect: [200] }',
    '',
  ].join('\n'),
);
const profile = await loadProfile(join(dir, 'profile.yaml'));
const target = await resolveTarget(join(dir, 'target.yaml'), dir);
const clock = new VirtualClock();
const pending: Exchange[] = [];
let head = 0;
const NO_HEADERS = Object.freeze({});
const answer = clock.alarm(() => {
  const now = clock.now();
  const end = pending.length;
  while (head < end) pending[head++]!.onResponse(now, 200, NO_HEADERS, undefined);
  if (head > 100_000) {
    pending.splice(0, head);
    head = 0;
  }
  if (pending.length > head) answer.set(now + SERVICE_NS);
});
const transport: Transport = {
  name: 'instant',
  warm: () => Promise.resolve(),
  send(_req, _wantBody, ex) {
    ex.onWritten(clock.now());
    pending.push(ex);
    if (answer.atNs === Number.POSITIVE_INFINITY) answer.set(clock.now() + SERVICE_NS);
  },
  cancel: () => undefined,
  close: () => Promise.resolve(),
};
let requests = 0;
const scheduler = new Scheduler(
  {
    profile,
    shard: { index: 0, count: 1 },
    intervalMs: 1000,
    maxInFlight: profile.client.maxInFlight,
    requestTimeoutMs: 5000,
    drainMs: 2000,
    t0EpochMs: Date.now(),
  },
  {
    clock,
    target,
    transportFor: () => transport,
    onSnapshot: (s) => {
      for (const st of s.steps) for (const n of Object.values(st.outcomes)) requests += n;
    },
  },
);
const cpu0 = process.cpuUsage();
let over = false;
const done = scheduler.run().then(() => {
  over = true;
});
while (!over) {
  clock.runUntil(clock.now() + 1e9);
  await new Promise<void>((r) => setImmediate(r));
}
await done;
const cpu = process.cpuUsage(cpu0);
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ requests, cpuUsPerRequest: Math.round(((cpu.user + cpu.system) / Math.max(1, requests)) * 1000) / 1000 })}\n`,
);
