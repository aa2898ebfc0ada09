/**
 * A sender that does not retry loses mail: against a domain that takes a burst of 5 and then one
 * mail per 20 s, 20 mails sent at once from a sender with one attempt each deliver exactly 5 and
 * lose exactly the 15 deferred ones; the sink's stats count them as lost.
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

describe('sender with retries off', () => {
  it('loses exactly the deferred mails and the stats say so', async () => {
    // perS 0.05: one new token per 20 s, far beyond the test's length, so exactly `burst` pass.
    sink = await sinkWith({ 'strict.test': { perS: 0.05, burst: 5 }, 'open.test': {} });
    sender = senderTo(sink, { attempts: 1 });
    for (let i = 0; i < 20; i++) sender.send(resetMail(`s${i}@strict.test`, `t${i}`));
    for (let i = 0; i < 3; i++) sender.send(resetMail(`o${i}@open.test`, `o${i}`));
    const snd = sender;
    await until(() => snd.depth === 0, 20_000);
    const strict = domainStats(sink.stats(), 'strict.test');
    expect(strict.delivered).toBe(5);
    expect(strict.rateLimited).toBe(15);
    expect(strict.lost).toBe(15);
    expect(sender.counts()).toMatchObject({ sent: 8, gaveUp: 15, deferrals: 15, retrying: 0, unsent: 0 });
    const open = domainStats(sink.stats(), 'open.test');
    expect(open).toMatchObject({ delivered: 3, lost: 0, rateLimited: 0 });
  }, 30_000);
});
