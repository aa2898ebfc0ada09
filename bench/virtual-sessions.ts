/**
 * Driver cost in virtual time: 100,000 sessions of the forced-reset flow (login 403, reset 202,
 * mail polled until it arrives, confirm, login with the new password) through the real scheduler,
 * sessions and recorder on the virtual clock, against a scripted transport. Measures the CPU the
 * driver itself spends per session, with no wire: the floor under `stampede simulate`.
 *
 *   node --import tsx bench/virtual-sessions.ts [--sessions 100000]
 */
import type { FlowStep, RetryPolicy } from '../harness/profile/profile.js';
import { buildProfile, constant, region, step } from '../test/arrivals/profile-fixture.js';
import { runVirtual, TestTarget, totals } from '../test/support/virtual-run.js';

const arg = process.argv.indexOf('--sessions');
const sessions = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const rate = 500;
const retry: RetryPolicy = {
  maxAttempts: 3,
  backoff: 'exponential',
  baseS: 0.5,
  maxS: 4,
  jitter: 'full',
  on: ['503'],
  respectRetryAfter: true,
};
const kinds = ['login', 'reset-request', 'await-mail', 'reset-confirm', 'login-new'] as const;
const steps: FlowStep[] = kinds.map((k, i) => ({
  ...step(k, k === 'login' ? 'login-forced' : k),
  think: i === 0 ? { dist: 'fixed', s: 0 } : { dist: 'uniform', minS: 1, maxS: 5 },
  expect: k === 'login' ? [403] : k === 'reset-request' ? [202] : [200],
  retry,
  pollEveryS: 2,
  timeoutS: 120,
}));
const profile = buildProfile({
  population: { accounts: 10_000_000, seed: 3, mustResetShare: 1 },
  flows: [{ name: 'forced-reset', weight: 1, accounts: 'must-reset', steps }],
  regions: [region('eu', 0, [constant('steady', sessions / rate, rate, 'poisson')])],
});
const target = new TestTarget();
// Mail arrives at the 3rd poll; every 20th reset-request answers 503 once.
const polls = new Map<string, number>();
target.onInterpret = (kind, _r, s) => {
  if (kind !== 'await-mail') return { verdict: 'ok' };
  const n = (polls.get(s.account) ?? 0) + 1;
  if (n < 3) {
    polls.set(s.account, n);
    return { verdict: 'pending' };
  }
  polls.delete(s.account);
  return { verdict: 'ok' };
};
let resets = 0;
const statusOf = (path: string): number =>
  path.startsWith('/login/')
    ? 403
    : path.startsWith('/reset-request/')
      ? resets++ % 20 === 0
        ? 503
        : 202
      : 200;

const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const run = await runVirtual(profile, (req) => ({ afterNs: 5e6, status: statusOf(req.path) }), {
  target,
  maxInFlight: 1e9,
  drainMs: 600_000,
});
const cpu = process.cpuUsage(cpu0);
const wallS = (performance.now() - wall0) / 1000;
const t = totals(run.snapshots);
const cpuS = (cpu.user + cpu.system) / 1e6;
const requests = run.transport.log.length;
console.log(
  JSON.stringify(
    {
      sessions: t.arrivals,
      succeeded: t.succeeded,
      requests,
      virtualS: Math.round(run.clock.now() / 1e9),
      alarmsFired: run.clock.fired,
      cpuS: Math.round(cpuS * 100) / 100,
      wallS: Math.round(wallS * 100) / 100,
      cpuUsPerSession: Math.round((cpuS / t.arrivals) * 1e6 * 10) / 10,
      cpuUsPerRequest: Math.round((cpuS / requests) * 1e6 * 10) / 10,
      rssMB: Math.round(process.memoryUsage().rss / 1e6),
    },
    null,
    2,
  ),
);
