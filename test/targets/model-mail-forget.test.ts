/**
 * The model's unread-mail forgetting (`forgetUnreadMailAfterS`, set by `stampede simulate`): a
 * mail readable for longer than the limit and past its token's expiry is dropped, one that a user
 * could still be waiting for is kept. Times by hand: issued at 0, sent and readable at 0 (a fast
 * outbox, no ISPs), token TTL 5 s, limit 10 s: kept through 10 s, gone after.
 */
import { describe, expect, it } from 'vitest';
import { ModelMail } from '../../targets/reference/model/model-mail.js';
import { resolveModelOptions } from '../../targets/reference/model/model-options.js';
import { resolveReferenceConfig } from '../../targets/reference/reference-config.js';

const S = 1e9;

function mail(forgetUnreadMailAfterS?: number): ModelMail {
  const config = resolveReferenceConfig({
    accounts: 100,
    seed: 1,
    mustResetShare: 1,
    mailPerS: 1e6,
    tokenTtlS: 5,
  });
  return new ModelMail(
    resolveModelOptions({
      config,
      ...(forgetUnreadMailAfterS === undefined ? {} : { forgetUnreadMailAfterS }),
    }),
  );
}

describe('the model mail', () => {
  it('forgets an unread, expired mail only past the limit', () => {
    const m = mail(10);
    m.schedule(1, 0, 0);
    // Another reset at 10 s: mail 1 was readable 10 s ago, not longer: kept.
    m.schedule(2, 10 * S, 10 * S);
    expect(m.newestToken(1, 10 * S)).not.toBe('');
    // At 10 s + 1 ns it is past the limit (and its token expired at 5 s): dropped.
    m.schedule(3, 10 * S + 1, 10 * S + 1);
    expect(m.newestToken(1, 10 * S + 1)).toBe('');
    expect(m.firstArrivalNs(1)).toBe(Number.POSITIVE_INFINITY);
    // The later ones stay.
    expect(m.newestToken(2, 10 * S + 1)).not.toBe('');
  });

  it('keeps every mail without the limit, as the server does', () => {
    const m = mail();
    m.schedule(1, 0, 0);
    m.schedule(2, 1000 * S, 1000 * S);
    expect(m.newestToken(1, 1000 * S)).not.toBe('');
  });
});
