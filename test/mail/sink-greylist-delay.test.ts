/**
 * Greylisting over real SMTP: the first attempt of each (sender, recipient) pair gets 451 and
 * only an attempt from greylistS later passes, so a retrying sender's mail arrives after the delay.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSink } from '../../targets/mail-sink/listen-sink.js';
import type { MailSender } from '../../targets/reference/mail-sender.js';
import { domainStats, resetMail, senderTo, sinkWith, until } from './mail-fixture.js';

let sink: RunningSink | undefined;
let sender: MailSender | undefined;
afterEach(async () => {
  sender?.close();
  await sink?.close();
});

describe('sink greylisting', () => {
  it('delivers each mail only after the greylist delay, then at once for a known pair', async () => {
    const greylistS = 1.5;
    const retryS = 0.25;
    sink = await sinkWith({ 'grey.test': { greylistS } });
    sender = senderTo(sink, { retryBaseS: retryS, retryMaxS: retryS });
    for (let i = 0; i < 5; i++) sender.send(resetMail(`g${i}@grey.test`, `t${i}`));
    const s = sink;
    await until(() => domainStats(s.stats(), 'grey.test').delivered === 5, 20_000);
    const d = domainStats(sink.stats(), 'grey.test');
    // Requested-at is stamped just before the first attempt (451), so time-to-inbox is at least
    // the greylist delay, and at most the delay plus one retry interval r (the first retry at or
    // after greylistS passes) plus 0.75 s for a loaded machine.
    expect(d.timeToInboxMs.count).toBe(5);
    expect(d.timeToInboxMs.p50).toBeGreaterThanOrEqual(greylistS * 1000);
    expect(d.timeToInboxMs.max).toBeLessThanOrEqual((greylistS + retryS) * 1000 + 750);
    // Every pair was greylisted on its first attempt; retries before greylistS were too.
    expect(d.greylisted).toBeGreaterThanOrEqual(5);
    expect(d.lost).toBe(0);
    // A pair that passed is remembered: a second mail to g0 is accepted on its first attempt.
    const before = d.greylisted;
    sender.send(resetMail('g0@grey.test', 'again'));
    await until(() => domainStats(s.stats(), 'grey.test').delivered === 6, 10_000);
    expect(domainStats(sink.stats(), 'grey.test').greylisted).toBe(before);
  }, 40_000);
});
