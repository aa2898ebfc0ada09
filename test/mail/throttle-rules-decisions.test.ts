/**
 * The pure throttle rules in virtual time (plain numbers, no sockets): token bucket, per
 * connection cap, greylisting, deterministic hard rejects, and their order.
 */
import { describe, expect, it } from 'vitest';
import {
  addressHash,
  type DomainLimits,
  decideRecipient,
  fullBucket,
  greylist,
  nextTokenAtMs,
  rejectsRecipient,
  takeToken,
} from '../../targets/mail-sink/throttle-rules.js';

const limits = (over: Partial<DomainLimits>): DomainLimits => ({
  perS: 0,
  burst: 1,
  perConnection: 0,
  greylistS: 0,
  rejectShare: 0,
  ...over,
});

describe('token bucket', () => {
  it('gives `burst` at once, then one every 1/perS', () => {
    const l = limits({ perS: 5, burst: 3 });
    let b = fullBucket(l, 0);
    const accepted: number[] = [];
    // Try every 10 ms for 2 s: the burst of 3 goes to the first tries (0, 10, 20 ms), leaving 0.1
    // token; refill 5/s = 0.005/ms reaches 1 at t = 20 + 0.9 / 0.005 = 200, then every 200 ms.
    for (let t = 0; t <= 2000; t += 10) {
      const r = takeToken(l, b, t);
      b = r.bucket;
      if (r.taken) accepted.push(t);
    }
    expect(accepted.slice(0, 3)).toEqual([0, 10, 20]);
    expect(accepted.slice(3)).toEqual([200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000]);
  });

  it('never holds more than burst after an idle spell', () => {
    const l = limits({ perS: 10, burst: 2 });
    let b = fullBucket(l, 0);
    b = takeToken(l, b, 0).bucket;
    b = takeToken(l, b, 0).bucket;
    // 10 s idle would be 100 tokens; the bucket holds 2: two pass at t=10000, the third waits 100 ms.
    const r1 = takeToken(l, b, 10_000);
    const r2 = takeToken(l, r1.bucket, 10_000);
    const r3 = takeToken(l, r2.bucket, 10_000);
    expect([r1.taken, r2.taken, r3.taken]).toEqual([true, true, false]);
    expect(nextTokenAtMs(l, r3.bucket, 10_000)).toBeCloseTo(10_100, 6);
  });
});

describe('greylisting', () => {
  it('defers the first attempt and passes from greylistS after it', () => {
    const g1 = greylist(30, undefined, 1000);
    expect(g1).toEqual({ pass: false, firstSeenMs: 1000 });
    expect(greylist(30, 1000, 30_999).pass).toBe(false);
    expect(greylist(30, 1000, 31_000).pass).toBe(true);
    expect(greylist(0, undefined, 5).pass).toBe(true);
  });
});

describe('hard rejects', () => {
  it('rejects a stable share of addresses, the same ones every time', () => {
    const n = 20_000;
    let rejected = 0;
    for (let i = 0; i < n; i++) if (rejectsRecipient(0.1, `user-${i}@x.test`)) rejected++;
    // Binomial(20000, 0.1): sd = sqrt(20000 * 0.1 * 0.9) = 42.4; 5 sd = 212.
    expect(Math.abs(rejected - 2000)).toBeLessThan(212);
    expect(rejectsRecipient(0.1, 'User-7@X.test')).toBe(rejectsRecipient(0.1, 'user-7@x.test'));
    // FNV-1a("a") = 0xe40c292c (the published test vector).
    expect(addressHash('a')).toBe(0xe40c292c);
  });
});

describe('decideRecipient', () => {
  it('checks reject, greylist, connection cap, then rate, taking a token only on accept', () => {
    const l = limits({ perS: 1, burst: 1, perConnection: 2, greylistS: 10 });
    const base = { recipient: 'a@d.test', acceptedOnConnection: 0, bucket: fullBucket(l, 0) };
    const first = decideRecipient(l, { ...base, nowMs: 0, firstSeenMs: undefined });
    expect(first.verdict).toBe('greylist');
    expect(first.bucket.tokens).toBe(1);
    const capped = decideRecipient(l, { ...base, nowMs: 10_000, firstSeenMs: 0, acceptedOnConnection: 2 });
    expect(capped.verdict).toBe('connection-limit');
    const ok = decideRecipient(l, { ...base, nowMs: 10_000, firstSeenMs: 0 });
    expect(ok.verdict).toBe('accept');
    const limited = decideRecipient(l, { ...base, nowMs: 10_500, firstSeenMs: 0, bucket: ok.bucket });
    expect(limited.verdict).toBe('rate-limit');
    const all = limits({ rejectShare: 1, greylistS: 10 });
    expect(decideRecipient(all, { ...base, nowMs: 0, firstSeenMs: undefined }).verdict).toBe('reject');
  });
});
