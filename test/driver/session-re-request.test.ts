/**
 * Users who ask again: a flow's patience (`reRequest: { after, max }`) sends a user whose mail has
 * not come back to reset-request, at most `max` times. Exact in virtual time.
 */
import { describe, expect, it } from 'vitest';
import type { FlowStep } from '../../harness/profile/profile.js';
import { buildProfile, constant, region, step } from '../arrivals/profile-fixture.js';
import { runVirtual, TestTarget, totals } from '../support/virtual-run.js';

const S = 1e9;

describe('flow patience with the reset mail', () => {
  it('asks again after `after` with no mail, at most `max` times, each a new reset-request', async () => {
    const mail: FlowStep = { ...step('await-mail'), pollEveryS: 1, timeoutS: 60 };
    const steps = [step('reset-request'), mail];
    const profile = buildProfile({
      flows: [{ name: 'f', weight: 1, accounts: 'all', steps, reRequest: { afterS: 5, max: 2 } }],
      regions: [region('eu', 0, [constant('one', 1, 1, 'uniform')])],
    });
    const target = new TestTarget();
    // The mail never comes.
    target.onInterpret = (kind) => (kind === 'await-mail' ? { verdict: 'pending' } : { verdict: 'ok' });
    const run = await runVirtual(profile, () => ({ afterNs: 0, status: 200 }), { target, drainMs: 120_000 });
    const resets = run.transport.log
      .filter((r) => r.req.path.startsWith('/reset-request/'))
      .map((r) => r.sentNs);
    const t0 = resets[0]!;
    // Polls at 0, 1, ..., 5 s after the reset; at the 5 s poll patience is out: ask again at +5 s,
    // then again 5 s later (+10 s); after that the mail step waits out its 60 s deadline.
    expect(resets).toEqual([t0, t0 + 5 * S, t0 + 10 * S]);
    const t = totals(run.snapshots);
    const reset = t.steps.get(0)!;
    expect(reset.offered).toBe(3);
    expect(reset.retries).toBe(0);
    const re = run.snapshots
      .flatMap((s) => s.steps)
      .filter((s) => s.step === 0)
      .reduce((a, s) => a + (s.reRequests ?? 0), 0);
    expect(re).toBe(2);
    // The last wait: polls every 1 s from +10 s until the next would pass 60 s: +10 .. +70 s.
    expect(t.steps.get(1)!.finals).toEqual({ 'mail-timeout': 1 });
    const lastPoll = run.transport.log.filter((r) => r.req.path.startsWith('/await-mail/')).at(-1)!.sentNs;
    expect(lastPoll).toBe(t0 + 70 * S);
  });
});
