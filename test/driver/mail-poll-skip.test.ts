/**
 * Event economy: when the transport knows when a mail arrives (MailArrivalOracle), a run of
 * "no mail yet" polls is answered analytically. Exact, in virtual time: one session (uniform
 * arrivals: the one arrival of a 1/s second sits at its middle, 0.5 s) whose await-mail step
 * (poll every 5 s, timeout 30 min) starts at 0.5 s, every poll answered at once.
 *
 * Truth by hand, mail readable from 1000 s: a real poller polls at 0.5, 5.5, ..., 995.5 s (200
 * empty answers) and finds the mail at 1000.5 s: 201 requests. With the oracle: the empty answer
 * at 0.5 s skips to k = ceil((1000 - 0.5)/5) = 200 periods later, 1000.5 s, 199 polls counted
 * unsent: 2 requests, 200 counted polls, the same end. Mail at 3000 s (after the deadline): the
 * poller ends as mail-timeout after its poll at 1800.5 s (1800.5 - 0.5 <= 1800; the next would
 * not be): 361 empty polls; the oracle jumps straight to that poll (k = 360, 359 skipped):
 * 2 requests, 361 polls, mail-timeout at 1800.5 s as well.
 */
import { describe, expect, it } from 'vitest';
import { usefulPollNs } from '../../harness/driver/mail-poll.js';
import { Scheduler } from '../../harness/driver/scheduler.js';
import { VirtualClock } from '../../harness/driver/virtual-clock.js';
import type { MailArrivalOracle } from '../../harness/transports/mail-arrival-oracle.js';
import type { IntervalSnapshot } from '../../reports/recorder/interval-snapshot.js';
import { buildProfile, constant, region, step } from '../arrivals/profile-fixture.js';
import { ScriptedTransport } from '../support/scripted-transport.js';
import { TestTarget, totals } from '../support/virtual-run.js';

/** A scripted transport that also says when the mail arrives. */
class OracleTransport extends ScriptedTransport implements MailArrivalOracle {
  mailAtNs = Number.POSITIVE_INFINITY;
  asked = 0;
  mailArrivalNs(): number {
    this.asked++;
    return this.mailAtNs;
  }
}

async function run(mailAtS: number, oracle: boolean) {
  const clock = new VirtualClock();
  const script = () => ({ afterNs: 0, status: 200 });
  const transport = oracle ? new OracleTransport(clock, script) : new ScriptedTransport(clock, script);
  if (transport instanceof OracleTransport) transport.mailAtNs = mailAtS * 1e9;
  const target = new TestTarget();
  let end = 0;
  target.onInterpret = () => {
    end = clock.now();
    return clock.now() >= mailAtS * 1e9 ? { verdict: 'ok' } : { verdict: 'pending' };
  };
  const profile = buildProfile({
    population: { accounts: 100, mustResetShare: 1 },
    flows: [
      {
        name: 'mail',
        weight: 1,
        accounts: 'all',
        steps: [{ ...step('await-mail'), pollEveryS: 5, timeoutS: 1800 }],
      },
    ],
    // One arrival at t = 0 (uniform: the first of 1/s over 1 s).
    regions: [region('eu', 0, [constant('one', 1, 1, 'uniform')])],
  });
  const snapshots: IntervalSnapshot[] = [];
  const scheduler = new Scheduler(
    {
      profile,
      shard: { index: 0, count: 1 },
      intervalMs: 1000,
      maxInFlight: 10,
      requestTimeoutMs: 10_000,
      drainMs: 4_000_000,
      t0EpochMs: 0,
    },
    { clock, target, transportFor: () => transport, onSnapshot: (s) => snapshots.push(s) },
  );
  const done = scheduler.run();
  clock.run();
  await done;
  const t = totals(snapshots);
  const s = t.steps.get(0)!;
  return {
    requests: transport.log.length,
    polls: s.polls,
    finals: s.finals,
    endS: end / 1e9,
    succeeded: t.succeeded,
  };
}

describe('await-mail polls against a transport that knows mail arrivals', () => {
  it('usefulPollNs: the first regular poll at or after the mail, or the last the deadline allows', () => {
    expect(usefulPollNs(0, 0, 5, 1800, 1000e9)).toEqual({ nextNs: 1000e9, skipped: 199 });
    // Mail at 1001 s: the poll at 1005 s finds it (k = ceil(1001/5) = 201).
    expect(usefulPollNs(0, 0, 5, 1800, 1001e9)).toEqual({ nextNs: 1005e9, skipped: 200 });
    expect(usefulPollNs(0, 0, 5, 1800, 3000e9)).toEqual({ nextNs: 1800e9, skipped: 359 });
    // Mail already in: the very next poll (nothing skipped).
    expect(usefulPollNs(0, 10e9, 5, 1800, 3e9)).toEqual({ nextNs: 15e9, skipped: 0 });
    // No mail on its way: poll as usual.
    expect(usefulPollNs(0, 0, 5, 1800, Number.POSITIVE_INFINITY).nextNs).toBe(-1);
  });

  it('counts the skipped polls, sends 2 requests instead of 201, ends at the same time', async () => {
    const real = await run(1000, false);
    const fast = await run(1000, true);
    expect(real).toMatchObject({ requests: 201, polls: 200, endS: 1000.5, succeeded: 1 });
    expect(fast).toMatchObject({ requests: 2, polls: 200, endS: 1000.5, succeeded: 1 });
    expect(fast.finals).toEqual(real.finals);
  });

  it('a mail after the deadline ends as mail-timeout at the last allowed poll, polls counted', async () => {
    const real = await run(3000, false);
    const fast = await run(3000, true);
    expect(real).toMatchObject({ requests: 361, polls: 361, endS: 1800.5, succeeded: 0 });
    expect(fast).toMatchObject({ requests: 2, polls: 361, endS: 1800.5, succeeded: 0 });
    expect(fast.finals).toEqual({ 'mail-timeout': 1 });
    expect(real.finals).toEqual(fast.finals);
  });
});
