/**
 * The model's ISPs (targets/reference/model/model-isp.ts) against attempt series worked out by
 * hand from the sink's rules and the sender's retry policy (retry n after min(max, base x 2^(n-1))).
 */
import { describe, expect, it } from 'vitest';
import { type DomainLimits, UNLIMITED } from '../../targets/mail-sink/throttle-rules.js';
import { type Delivery, ModelIsp, NEVER_NS } from '../../targets/reference/model/model-isp.js';
import { resolveReferenceConfig } from '../../targets/reference/reference-config.js';

const S = 1e9;
const config = (over: Record<string, number>) =>
  resolveReferenceConfig({
    accounts: 1000,
    seed: 1,
    mustResetShare: 1,
    mailRetryBaseS: 1,
    mailRetryMaxS: 30,
    ...over,
  });
const limits = (l: Partial<DomainLimits>): DomainLimits => ({ ...UNLIMITED, ...l });

function deliver(isp: ModelIsp, index: number, domain: string, atNs: number): Delivery {
  return { ...isp.deliver(index, `user-${index}`, domain, atNs, { arrivalNs: 0, attempts: 0 }) };
}

describe('the model ISPs', () => {
  it('deliver unthrottled domains on the first attempt', () => {
    const isp = new ModelIsp(config({}), { 'g.test': limits({}) });
    expect(deliver(isp, 1, 'g.test', 5 * S)).toEqual({ arrivalNs: 5 * S, attempts: 1 });
    expect(deliver(isp, 2, 'other.test', 6 * S)).toEqual({ arrivalNs: 6 * S, attempts: 1 });
  });

  it('greylist a new pair: 451, retry after 1 s passes (greylistS 1); the pair then passes at once', () => {
    const isp = new ModelIsp(config({}), { 'y.test': limits({ greylistS: 1 }) });
    expect(deliver(isp, 1, 'y.test', 10 * S)).toEqual({ arrivalNs: 11 * S, attempts: 2 });
    expect(deliver(isp, 1, 'y.test', 20 * S)).toEqual({ arrivalNs: 20 * S, attempts: 1 });
    // greylistS 5: retries at +1, +1+2 = 3 (still early), +1+2+4 = 7 s passes: 4 attempts.
    const slow = new ModelIsp(config({}), { 'y.test': limits({ greylistS: 5 }) });
    expect(deliver(slow, 2, 'y.test', 0)).toEqual({ arrivalNs: 7 * S, attempts: 4 });
  });

  it('give a mail up on a 550 at once, and after mailAttempts greylisted attempts', () => {
    const isp = new ModelIsp(config({}), { 'o.test': limits({ rejectShare: 1 }) });
    expect(deliver(isp, 1, 'o.test', 0)).toEqual({ arrivalNs: NEVER_NS, attempts: 1 });
    // greylistS 100 with 3 attempts: +1, +3 s, both too early: given up after the third.
    const few = new ModelIsp(config({ mailAttempts: 3 }), { 'y.test': limits({ greylistS: 100 }) });
    expect(deliver(few, 1, 'y.test', 0)).toEqual({ arrivalNs: NEVER_NS, attempts: 3 });
  });

  it('close a connection at its cap: the mail after it retries 1 s later on a fresh one', () => {
    // One connection, 2 mails a connection: mails 1 and 2 pass, mail 3 gets 421 (connection
    // closed, counts restart), its retry 1 s later passes.
    const isp = new ModelIsp(config({ mailConnections: 1 }), { 'h.test': limits({ perConnection: 2 }) });
    expect(deliver(isp, 1, 'h.test', 0).attempts).toBe(1);
    expect(deliver(isp, 2, 'h.test', 0).attempts).toBe(1);
    expect(deliver(isp, 3, 'h.test', 0)).toEqual({ arrivalNs: 1 * S, attempts: 2 });
  });

  it('rate-limit past the bucket: 1/s with a burst of 1 takes the second mail 1 s later', () => {
    const isp = new ModelIsp(config({}), { 'r.test': limits({ perS: 1, burst: 1 }) });
    expect(deliver(isp, 1, 'r.test', 0)).toEqual({ arrivalNs: 0, attempts: 1 });
    // The bucket is empty at 0.5 s; the retry at 1.5 s finds one token (refilled at 1/s).
    expect(deliver(isp, 2, 'r.test', 0.5 * S)).toEqual({ arrivalNs: 1.5 * S, attempts: 2 });
  });
});
