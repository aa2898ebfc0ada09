/**
 * Reset tokens: single use, expiry, and constant-time comparison (node:crypto's timingSafeEqual is
 * wrapped in a spy to prove every comparison goes through it). The HTTP half runs on a real
 * loopback server.
 */
import * as crypto from 'node:crypto';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REFERENCE_DEFAULTS, type ReferenceConfig } from '../../targets/reference/reference-config.js';
import { ResetTokens } from '../../targets/reference/reset-tokens.js';
import { listenReferenceWithSink, type ReferenceWithSink } from './reference-with-sink.js';

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

const servers: ReferenceWithSink[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(over: Partial<ReferenceConfig>): Promise<ReferenceWithSink> {
  const s = await listenReferenceWithSink({
    ...REFERENCE_DEFAULTS,
    hashCost: 0,
    accounts: 100,
    resetServiceMs: 1,
    mailPerS: 1000,
    ...over,
  });
  servers.push(s);
  return s;
}

async function post(base: string, path: string, body: unknown) {
  const res = await request(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, body: await res.body.text() };
}

/** Asks for a reset and reads the token from the mail the sink received (over real SMTP). */
async function tokenFor(s: ReferenceWithSink, account: string): Promise<string> {
  expect((await post(s.url, '/v1/password-reset', { account })).status).toBe(202);
  const query = encodeURIComponent(`to:"${account}@example.test"`);
  for (let i = 0; i < 400; i++) {
    const res = await request(`${s.sink.apiOrigin}/api/v1/search?query=${query}&limit=1`);
    const { messages } = JSON.parse(await res.body.text()) as { messages: { Token: string }[] };
    const newest = messages[0];
    if (newest) return newest.Token;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no mail');
}

describe('reset tokens', () => {
  it('are single use: the second confirm with the same token is 400', async () => {
    const s = await start({});
    const token = await tokenFor(s, 'user-00000004');
    const body = { account: 'user-00000004', token, newPassword: 'fresh' };
    expect((await post(s.url, '/v1/password-reset/confirm', body)).status).toBe(200);
    const again = await post(s.url, '/v1/password-reset/confirm', body);
    expect(again.status).toBe(400);
    expect(JSON.parse(again.body)).toEqual({ code: 'TOKEN_INVALID' });
  });

  it('expire after tokenTtlS, answered 410 TOKEN_EXPIRED and counted by the backend', async () => {
    const s = await start({ tokenTtlS: 0.2 });
    const token = await tokenFor(s, 'user-00000005');
    await new Promise((r) => setTimeout(r, 400));
    const late = await post(s.url, '/v1/password-reset/confirm', {
      account: 'user-00000005',
      token,
      newPassword: 'x',
    });
    expect(late.status).toBe(410);
    expect(JSON.parse(late.body)).toEqual({ code: 'TOKEN_EXPIRED' });
    const stats = await request(`${s.url}/admin/mail-stats`);
    expect(JSON.parse(await stats.body.text())).toMatchObject({ expiredConfirms: 1, completed: 0 });
  });

  it("refuse another account's token, a wrong token and a malformed one", async () => {
    const s = await start({});
    const token = await tokenFor(s, 'user-00000006');
    const wrong = token.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    for (const [account, t] of [
      ['user-00000007', token],
      ['user-00000006', wrong],
      ['user-00000006', 'short'],
    ] as const) {
      expect(
        (await post(s.url, '/v1/password-reset/confirm', { account, token: t, newPassword: 'x' })).status,
      ).toBe(400);
    }
    // The real token still works after the failed attempts.
    const ok = await post(s.url, '/v1/password-reset/confirm', {
      account: 'user-00000006',
      token,
      newPassword: 'x',
    });
    expect(ok.status).toBe(200);
  });

  it('are compared with crypto.timingSafeEqual, every outstanding token, equal lengths', () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    const tokens = new ResetTokens(60);
    const a = tokens.issue(1);
    tokens.issue(1);
    tokens.issue(1);
    spy.mockClear();
    expect(tokens.consume(1, 'f'.repeat(32))).toBe('unknown');
    expect(spy).toHaveBeenCalledTimes(3);
    spy.mockClear();
    // A match on the first token still compares the others (no early exit).
    expect(tokens.consume(1, a)).toBe('ok');
    expect(spy).toHaveBeenCalledTimes(3);
    for (const [x, y] of spy.mock.calls) expect((x as Buffer).length).toBe((y as Buffer).length);
    expect(tokens.consume(1, a)).toBe('unknown');
  });

  it('expire on a controlled clock exactly at the ttl', () => {
    let now = 0;
    const tokens = new ResetTokens(10, () => now);
    const t = tokens.issue(2);
    now = 9_999;
    const u = tokens.issue(2);
    now = 10_000;
    expect(tokens.consume(2, t)).toBe('expired');
    expect(tokens.consume(2, u)).toBe('ok');
    expect(tokens.accounts).toBe(0);
  });
});
