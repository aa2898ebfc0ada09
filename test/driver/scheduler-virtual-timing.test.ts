/**
 * The driver's timing, proven exactly on the virtual clock: the real scheduler and sessions,
 * a scripted transport, no sockets and no sleeps. Every expected time is computed by hand (or
 * from the arrival stream itself) and compared to the nanosecond.
 */
import { describe, expect, it } from 'vitest';
import { createArrivalStream } from '../../harness/arrivals/arrival-stream.js';
import type { FlowStep, RetryPolicy } from '../../harness/profile/profile.js';
import { buildProfile, constant, flow, ramp, region, step } from '../arrivals/profile-fixture.js';
import { runVirtual, TestTarget, totals } from '../support/virtual-run.js';

const MS = 1e6;
const S = 1e9;

function retry(p: Partial<RetryPolicy>): RetryPolicy {
  return {
    maxAttempts: 1,
    backoff: 'none',
    baseS: 0,
    maxS: 0,
    jitter: 'none',
    on: [],
    respectRetryAfter: false,
    ...p,
  };
}

describe('scheduler on the virtual clock', () => {
  it("fires a ramp's arrivals at exactly the stream's times", async () => {
    const profile = buildProfile({ regions: [region('eu', 0, [ramp('up', 4, 10, 50, 'uniform')])] });
    const expected = [...createArrivalStream(profile)].map((a) => a.atNs);
    const run = await runVirtual(profile, () => ({ afterNs: 3 * MS, status: 200 }));
    expect(run.transport.log.map((r) => r.sentNs)).toEqual(expected);
    // A ramp 10 -> 50/s over 4 s offers (10 + 50) / 2 * 4 = 120 arrivals.
    expect(expected.length).toBeGreaterThanOrEqual(119);
    expect(expected.length).toBeLessThanOrEqual(121);
    expect(totals(run.snapshots).arrivals).toBe(expected.length);
  });

  it("runs a 5-step flow's chain of intended times as computed by hand", async () => {
    // Steps at think 0, 2, 1.5, 0.25, 3 s; the server answers step k after (k + 1) * 10 ms.
    const thinks = [0, 2, 1.5, 0.25, 3];
    const kinds = ['login', 'reset-request', 'await-mail', 'reset-confirm', 'login-new'] as const;
    const steps: FlowStep[] = kinds.map((k, i) => ({ ...step(k), think: { dist: 'fixed', s: thinks[i]! } }));
    const profile = buildProfile({
      flows: [{ name: 'reset', weight: 1, accounts: 'all', steps }],
      regions: [region('eu', 0, [constant('one', 1, 1, 'uniform')])],
    });
    const service = (path: string): number =>
      (kinds.findIndex((k) => path.startsWith(`/${k}/`)) + 1) * 10 * MS;
    const run = await runVirtual(profile, (req) => ({ afterNs: service(req.path), status: 200 }));
    const t0 = [...createArrivalStream(profile)][0]!.atNs;
    // intended(k) = answered(k-1) + think(k); answered(k) = intended(k) + service(k).
    const want: number[] = [];
    let t = t0;
    for (let k = 0; k < 5; k++) {
      t += thinks[k]! * S;
      want.push(t);
      t += (k + 1) * 10 * MS;
    }
    expect(run.transport.log.map((r) => r.sentNs)).toEqual(want);
    expect(totals(run.snapshots).succeeded).toBe(1);
  });

  it('fires retries at the seeded jittered backoff and at Retry-After', async () => {
    const policy = retry({
      maxAttempts: 4,
      backoff: 'exponential',
      baseS: 1,
      maxS: 8,
      jitter: 'none',
      on: ['503'],
      respectRetryAfter: true,
    });
    const profile = buildProfile({
      flows: [{ name: 'f', weight: 1, accounts: 'all', steps: [{ ...step('login'), retry: policy }] }],
      regions: [region('eu', 0, [constant('one', 1, 1, 'uniform')])],
    });
    // Attempt 1 and 2 get 503 (attempt 2 with Retry-After: 5), attempt 3 gets 503, attempt 4 ok.
    const run = await runVirtual(profile, (_req, n) =>
      n === 3
        ? { afterNs: 1 * MS, status: 200 }
        : { afterNs: 1 * MS, status: 503, headers: n === 1 ? { 'retry-after': '5' } : {} },
    );
    const t0 = [...createArrivalStream(profile)][0]!.atNs;
    // backoff(n) = base * 2^(n-2) for attempt n: 1 s, 2 s, 4 s; attempt 3 waits max(2, Retry-After 5) = 5 s.
    const a1 = t0;
    const a2 = a1 + 1 * MS + 1 * S;
    const a3 = a2 + 1 * MS + 5 * S;
    const a4 = a3 + 1 * MS + 4 * S;
    expect(run.transport.log.map((r) => r.sentNs)).toEqual([a1, a2, a3, a4]);
    const t = totals(run.snapshots).steps.get(0)!;
    expect(t.attempts).toEqual({ '503': 3, ok: 1 });
    expect(t.finals).toEqual({ ok: 1 });
    expect(t.retries).toBe(3);
  });

  it('draws full jitter from the session seed: the same surge replays the same backoffs', async () => {
    const policy = retry({
      maxAttempts: 3,
      backoff: 'linear',
      baseS: 2,
      maxS: 10,
      jitter: 'full',
      on: ['5xx'],
    });
    const profile = buildProfile({
      flows: [{ name: 'f', weight: 1, accounts: 'all', steps: [{ ...step('login'), retry: policy }] }],
      regions: [region('eu', 0, [constant('few', 2, 5, 'uniform')])],
    });
    const script = () => ({ afterNs: 2 * MS, status: 500 });
    const a = await runVirtual(profile, script);
    const b = await runVirtual(profile, script);
    expect(a.transport.log.map((r) => r.sentNs)).toEqual(b.transport.log.map((r) => r.sentNs));
    // Each retry waits base * n * u, u in [0,1): between the previous answer and + 2n s.
    const bySession = new Map<string, number[]>();
    for (const r of a.transport.log)
      bySession.set(r.req.path, [...(bySession.get(r.req.path) ?? []), r.sentNs]);
    for (const times of bySession.values()) {
      expect(times).toHaveLength(3);
      const gap2 = times[1]! - (times[0]! + 2 * MS);
      const gap3 = times[2]! - (times[1]! + 2 * MS);
      expect(gap2).toBeGreaterThanOrEqual(0);
      expect(gap2).toBeLessThan(2 * S);
      expect(gap3).toBeGreaterThanOrEqual(0);
      expect(gap3).toBeLessThan(4 * S);
    }
  });

  it('ends a request at its deadline exactly, as a timeout, whether written or queued in the client', async () => {
    const profile = buildProfile({ regions: [region('eu', 0, [constant('burst', 1, 3, 'uniform')])] });
    // One connection; the server never answers within the 10 s request timeout.
    const run = await runVirtual(profile, () => ({ afterNs: 60 * S, status: 200 }), { connections: 1 });
    const log = run.transport.log;
    expect(log).toHaveLength(3);
    for (const r of log) {
      expect(r.outcome).toBe('cancelled');
      // deadline = send + requestTimeoutS (10 s)
      expect(r.endNs).toBe(r.sentNs + 10 * S);
    }
    // The first is written at once; it times out at sent0 + 10 s, before the second's deadline,
    // so the second is written then (and the third, still queued, times out in the client).
    expect(log[0]!.writtenNs).toBe(log[0]!.sentNs);
    expect(log[1]!.writtenNs).toBe(log[0]!.sentNs + 10 * S);
    expect(totals(run.snapshots).steps.get(0)!.attempts).toEqual({ timeout: 3 });
  });

  it('polls the mailbox every pollEvery until the mail comes, and times out at the step deadline', async () => {
    const mail: FlowStep = { ...step('await-mail'), pollEveryS: 5, timeoutS: 22 };
    const profile = buildProfile({
      flows: [{ name: 'f', weight: 1, accounts: 'all', steps: [mail] }],
      regions: [region('eu', 0, [constant('two', 1, 2, 'uniform')])],
    });
    const target = new TestTarget();
    // The first session's mail is there at its 3rd poll; the second's never comes.
    const polls = new Map<string, number>();
    target.onInterpret = (_k, _r, s) => {
      const n = (polls.get(s.account) ?? 0) + 1;
      polls.set(s.account, n);
      const isFirst = [...polls.keys()][0] === s.account;
      return n === 3 && isFirst ? { verdict: 'ok' } : { verdict: 'pending' };
    };
    const run = await runVirtual(profile, () => ({ afterNs: 1 * MS, status: 200 }), { target });
    const [first, second] = [...new Set(run.transport.log.map((r) => r.req.path))];
    const times = (p: string) => run.transport.log.filter((r) => r.req.path === p).map((r) => r.sentNs);
    const f = times(first!);
    // poll(k) = poll(k-1) + 1 ms (answer) + 5 s
    expect(f).toEqual([f[0]!, f[0]! + 5.001 * S, f[0]! + 10.002 * S]);
    const g = times(second!);
    // polls at 0, 5.001, 10.002, 15.003, 20.004 s; the next (25.005 s) would pass the 22 s deadline.
    expect(g).toHaveLength(5);
    expect(g[4]! - g[0]!).toBe(20.004 * S);
    const t = totals(run.snapshots).steps.get(0)!;
    expect(t.finals).toEqual({ ok: 1, 'mail-timeout': 1 });
    expect(t.polls).toBe(2 + 5);
  });

  it('a reused session carries nothing over from its previous arrival', async () => {
    const profile = buildProfile({
      flows: [flow('f', 1, 'all', ['login', 'reset-confirm'])],
      regions: [region('eu', 0, [constant('seq', 5, 2, 'uniform')])],
    });
    const target = new TestTarget();
    const seen: string[] = [];
    target.onBuild = (kind, s) => {
      if (kind === 'reset-confirm') seen.push(`${s.account}:${JSON.stringify(s.captures)}`);
    };
    // login captures a token named after the account; a leaked capture would show another account's.
    target.onInterpret = (kind, _r, s) =>
      kind === 'login' ? { verdict: 'ok', captures: { token: s.account } } : { verdict: 'ok' };
    const run = await runVirtual(profile, () => ({ afterNs: 1 * MS, status: 200 }), {
      maxInFlight: 1,
      target,
    });
    expect(seen.length).toBe(10);
    for (const line of seen) {
      const account = line.slice(0, line.indexOf(':'));
      expect(JSON.parse(line.slice(account.length + 1))).toEqual({ token: account });
    }
    expect(totals(run.snapshots).dropped).toBe(0);
  });
});
