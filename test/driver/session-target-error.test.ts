/**
 * Target code is user code: whatever `credentials`, `buildRequest` or `interpret` throws becomes
 * the step's `target-error` outcome, ends that session only, is never retried and enters no
 * latency figure. Proven exactly in virtual time.
 */
import { describe, expect, it } from 'vitest';
import type { RetryPolicy } from '../../harness/profile/profile.js';
import { decodeHistogram } from '../../reports/recorder/histogram-factory.js';
import { buildProfile, constant, flow, region, step } from '../arrivals/profile-fixture.js';
import { runVirtual, TestTarget, totals } from '../support/virtual-run.js';

const MS = 1e6;
const retryAll: RetryPolicy = {
  maxAttempts: 3,
  backoff: 'none',
  baseS: 0.1,
  maxS: 0,
  jitter: 'none',
  on: ['5xx', '503', 'timeout', 'invalid', 'target-error'],
  respectRetryAfter: false,
};

function latencyCount(run: Awaited<ReturnType<typeof runVirtual>>, step: number): number {
  let n = 0;
  for (const s of run.snapshots)
    for (const st of s.steps) if (st.step === step) n += decodeHistogram(st.latency).totalCount;
  return n;
}

describe('target code that throws', () => {
  it('buildRequest throwing on 1 call in 10: exactly those arrivals end as target-error, the rest run', async () => {
    // 200 arrivals/s uniform for 8 s = 1,600 arrivals, one login step each.
    const profile = buildProfile({
      flows: [{ name: 'f', weight: 1, accounts: 'all', steps: [{ ...step('login'), retry: retryAll }] }],
      regions: [region('eu', 0, [constant('steady', 8, 200, 'uniform')])],
    });
    const target = new TestTarget();
    target.onBuild = (_k, _s, n) => {
      if (n % 10 === 9) throw new Error(`bug in buildRequest (call ${n % 3})`);
    };
    const run = await runVirtual(profile, () => ({ afterNs: 2 * MS, status: 200 }), { target });
    const t = totals(run.snapshots);
    expect(t.arrivals).toBe(1600);
    // every 10th call throws: 1600 / 10 = 160, never retried (target-error is in `on` on purpose)
    expect(t.steps.get(0)!.finals).toEqual({ ok: 1440, 'target-error': 160 });
    expect(t.steps.get(0)!.attempts).toEqual({ ok: 1440, 'target-error': 160 });
    expect(t.completed).toBe(1600);
    expect(t.succeeded).toBe(1440);
    // No latency figure holds a target error: only the 1,440 answered attempts are recorded.
    expect(latencyCount(run, 0)).toBe(1440);
    const messages: Record<string, number> = {};
    for (const s of run.snapshots)
      for (const [m, c] of Object.entries(s.targetErrors ?? {})) messages[m] = (messages[m] ?? 0) + c;
    expect(Object.values(messages).reduce((a, b) => a + b, 0)).toBe(160);
    expect(Object.keys(messages).length).toBe(3);
  });

  it('interpret throwing ends the step as target-error after the response, and the next step never runs', async () => {
    const profile = buildProfile({
      flows: [flow('f', 1, 'all', ['login', 'reset-request'])],
      regions: [region('eu', 0, [constant('steady', 2, 50, 'uniform')])],
    });
    const target = new TestTarget();
    target.onInterpret = (kind, _r, _s, n) => {
      if (kind === 'login' && n % 4 === 0) throw new TypeError('cannot read token of undefined');
      return { verdict: 'ok' };
    };
    const run = await runVirtual(profile, () => ({ afterNs: 1 * MS, status: 200 }), { target });
    const t = totals(run.snapshots);
    const login = t.steps.get(0)!;
    const errors = login.finals['target-error'] ?? 0;
    expect(errors).toBeGreaterThan(0);
    expect(login.finals.ok! + errors).toBe(100);
    // Sessions whose login threw never sent reset-request.
    expect(t.steps.get(1)!.offered).toBe(login.finals.ok);
    expect(latencyCount(run, 0)).toBe(login.finals.ok);
  });

  it('credentials throwing at arrival counts the first step as target-error; no request is sent', async () => {
    const profile = buildProfile({ regions: [region('eu', 0, [constant('steady', 1, 20, 'uniform')])] });
    const target = new TestTarget();
    target.credentials = (i: number) => {
      if (i % 2 === 0) throw new Error('no such account');
      return { account: `user-${i}`, password: 'pw' };
    };
    const run = await runVirtual(profile, () => ({ afterNs: 1 * MS, status: 200 }), { target });
    const t = totals(run.snapshots);
    const f = t.steps.get(0)!.finals;
    expect((f.ok ?? 0) + (f['target-error'] ?? 0)).toBe(20);
    expect(run.transport.log.length).toBe(f.ok ?? 0);
    expect(t.arrivals).toBe(20);
  });
});
