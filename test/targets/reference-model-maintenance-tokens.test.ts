/**
 * The model's maintenance windows and reset tokens, by the rules the server uses
 * (`rules/maintenance-windows.ts`, `rules/token-expiry.ts`), in virtual time.
 */
import { describe, expect, it } from 'vitest';
import { interpretInto, MS, modelRig, SEC } from './model-script.js';

describe('reference model maintenance', () => {
  it('answers 503 with Retry-After = ceil(remaining s) in the window, per region, and serves at its end', () => {
    const rig = modelRig({});
    rig.clock.alarm(() => rig.model.beginMaintenance(30, ['eu'])).set(0);
    const eu = rig.session(1, 'eu');
    const us = rig.session(1, 'us');
    const a = rig.sendAt(10.5 * SEC, 'login', eu);
    const b = rig.sendAt(10.5 * SEC, 'login', us);
    const c = rig.sendAt(30 * SEC - 1 * MS, 'reset-request', eu);
    const d = rig.sendAt(30 * SEC, 'login', eu);
    rig.clock.run();
    // Window [0, 30 s) for eu. At 10.5 s: ceil(19.5) = 20.
    expect(a.status).toBe(503);
    expect(a.headers?.['retry-after']).toBe('20');
    expect(a.body).toBe('{"code":"MAINTENANCE"}');
    expect(b.status).toBe(403);
    // 1 ms before the end: ceil(0.001) = 1; at the end the window is closed (until > now fails).
    expect(c.status).toBe(503);
    expect(c.headers?.['retry-after']).toBe('1');
    expect(d.status).toBe(403);
  });

  it('takes the window from POST /admin/maintenance too (global when no regions)', () => {
    const rig = modelRig({});
    const ex = rig.sendAt(0, 'login', rig.session(2));
    rig.clock.run();
    expect(ex.status).toBe(403);
    const admin = {
      method: 'POST' as const,
      path: '/admin/maintenance',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ durationS: 5 }),
    };
    const answers: number[] = [];
    const exchange = {
      wire: null,
      onWritten: () => undefined,
      onResponse: (_t: number, status: number) => answers.push(status),
      onFailure: () => undefined,
    };
    rig.model.send(admin, false, exchange);
    const during = rig.sendAt(2 * SEC, 'login', rig.session(2, 'anywhere'));
    rig.clock.run();
    expect(answers).toEqual([202]);
    expect(during.status).toBe(503);
    expect(during.headers?.['retry-after']).toBe('3');
  });
});

describe('reference model reset tokens', () => {
  it('issues the token when the reset ends, lets it be used once before its TTL, and expires it at TTL', () => {
    // S = 20 ms, TTL 60 s, outbox 400/s: a lone mail leaves and arrives when its reset ends.
    const rig = modelRig({ resetServiceMs: 20, tokenTtlS: 60, mailPerS: 400 });
    const s1 = rig.session(1);
    const s2 = rig.session(2);
    rig.sendAt(0, 'reset-request', s1);
    rig.sendAt(0, 'reset-request', s2);
    const early = rig.sendAt(19 * MS, 'await-mail', s1);
    const mail1 = rig.sendAt(20 * MS, 'await-mail', s1);
    // Mail 2 leaves one outbox interval (2.5 ms) after mail 1.
    const mail2 = rig.sendAt(22.5 * MS, 'await-mail', s2);
    rig.clock.runUntil(30 * MS);
    expect(interpretInto(rig, 'await-mail', early, s1)).toBe('pending');
    expect(interpretInto(rig, 'await-mail', mail1, s1)).toBe('ok');
    expect(interpretInto(rig, 'await-mail', mail2, s2)).toBe('ok');
    expect(rig.model.mailArrivalNs(s1.account)).toBe(20 * MS);
    expect(rig.model.mailArrivalNs(s2.account)).toBe(22.5 * MS);
    // Issued at 20 ms (the reset's end): valid strictly before 20 ms + 60 s.
    const ok = rig.sendAt(20 * MS + 60 * SEC - 1, 'reset-confirm', s1);
    const again = rig.sendWithBodyAt(20 * MS + 60 * SEC - 1, 'reset-confirm', s1);
    const expired = rig.sendWithBodyAt(20 * MS + 60 * SEC, 'reset-confirm', s2);
    rig.clock.run();
    expect(ok.status).toBe(200);
    // Single use: the same token again is unknown.
    expect(again.status).toBe(400);
    expect(again.body).toBe('{"code":"TOKEN_INVALID"}');
    // The server's answer to an expired link: 410 (auth-service.ts), its own status.
    expect(expired.status).toBe(410);
    expect(expired.body).toBe('{"code":"TOKEN_EXPIRED"}');
    // The confirmed account logs in with its new password (interpret set s1.password); s2 still must reset.
    interpretInto(rig, 'reset-confirm', ok, s1);
    const loginNew = rig.sendAt(rig.clock.now(), 'login-new', s1);
    const loginOld = rig.sendAt(rig.clock.now(), 'login', s2);
    rig.clock.run();
    expect(loginNew.status).toBe(200);
    expect(loginOld.status).toBe(403);
  });
});
