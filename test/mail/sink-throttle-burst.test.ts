/**
 * ISP rate limiting over real SMTP: 100 mails at once to a domain that accepts 10 a second with a
 * bucket of 5, from the reference sender retrying every r = 0.25 s. The arrival times follow from
 * the token bucket alone: the last is due (100 - 5) / 10 = 9.5 s after the first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSink } from '../../targets/mail-sink/listen-sink.js';
import type { MailSender } from '../../targets/reference/mail-sender.js';
import { apiGet, domainStats, resetMail, senderTo, sinkWith, until } from './mail-fixture.js';

interface Search {
  total: number;
  messages_count: number;
  messages: { Created: string; To: { Address: string }[]; Token: string }[];
}

let sink: RunningSink | undefined;
let sender: MailSender | undefined;
afterEach(async () => {
  sender?.close();
  await sink?.close();
});

describe('sink throttle: burst of 100 to a 10/s domain', () => {
  it('accepts the k-th mail at (k - burst) / rate after the first, never earlier', async () => {
    const rate = 10;
    const burst = 5;
    const retryS = 0.25;
    const n = 100;
    sink = await sinkWith({ 'slow.test': { perS: rate, burst } });
    sender = senderTo(sink, { retryBaseS: retryS, retryMaxS: retryS });
    const s = sink;
    // Warm up the parser and the pool first: a cold first parse would stamp the first mail's
    // Created late and make every later one look early against it.
    for (let i = 0; i < 4; i++) sender.send(resetMail(`w${i}@warm.test`, `w${i}`));
    await until(() => domainStats(s.stats(), 'warm.test').delivered === 4, 20_000);
    const sentMs = Date.now();
    for (let i = 0; i < n; i++) sender.send(resetMail(`u${i}@slow.test`, `t${i}`));
    await until(() => domainStats(s.stats(), 'slow.test').delivered === n, 60_000);

    const page = await apiGet<Search>(sink, `/api/v1/messages?limit=${n}`);
    // The newest n are the slow.test ones (the warm-up mails came before them).
    expect(page.messages_count).toBe(n + 4);
    expect(page.messages.every((m) => m.To[0]?.Address.endsWith('@slow.test'))).toBe(true);
    // Newest first, as Mailpit lists them.
    const times = page.messages.map((m) => Date.parse(m.Created)).reverse();
    // t0: the first mail. Its RCPT met the full bucket, which refills at `rate` from then on
    // (on a busy machine the burst's own RCPTs may spread out; the refill still runs from t0).
    const t0 = times[0] ?? 0;
    // The first mail's Created is stamped after its DATA, which a loaded machine delays; the
    // bucket judged its RCPT earlier, so every later mail looks early against it by up to that
    // delay. It is at most the time from handing the mails to the sender to the first Created.
    const firstStampS = Math.max(0, (t0 - sentMs) / 1000);
    for (let k = burst + 1; k <= n; k++) {
      const tk = ((times[k - 1] ?? 0) - t0) / 1000;
      // The bucket holds `burst` at t0 and refills at `rate`, so the k-th accepted (k > burst)
      // needs (k - burst) new tokens: A_k = (k - burst) / rate. Created is stamped at the end of
      // DATA, a few ms after the RCPT the bucket judged, so both sides allow 10 % or 50 ms; the
      // late side also one retry interval r (a token waits for the next retry of a waiting mail).
      const analytic = (k - burst) / rate;
      // The early side also allows the first mail's stamp delay (above; a few ms when quiet).
      const slack = Math.max(0.1 * analytic, 0.05);
      expect(tk, `k=${k}, first stamp ${firstStampS} s`).toBeGreaterThanOrEqual(
        analytic - slack - firstStampS,
      );
      expect(tk, `k=${k}`).toBeLessThanOrEqual(analytic + slack + retryS);
    }
    const d = domainStats(sink.stats(), 'slow.test');
    expect(d.accepted).toBe(n);
    expect(d.lost).toBe(0);
    // Each of the 95 beyond the burst was refused at least once (on its first attempt).
    expect(d.rateLimited).toBeGreaterThanOrEqual(n - burst);
    expect(sender.counts()).toMatchObject({ sent: n + 4, gaveUp: 0, unsent: 0, retrying: 0 });
  }, 90_000);
});
