/**
 * The model keeps its requests in flight as tickets in one ring of columns (request-ring.ts), an
 * exchange's ticket on its `wire`: a herd of thousands queued at the core (more than the ring's
 * first 1,024 slots, so it grows while they wait), some given up on the wire, some in the client,
 * is still served in send order at the core's cost each, and a given-up request is answered once.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../harness/driver/virtual-clock.js';
import { Outcome } from '../../harness/vocabulary/outcome.js';
import { modelFieldsScratch } from '../../targets/reference/model/model-request.js';
import { ModelTarget } from '../../targets/reference/model/model-target.js';
import { passwordPrint } from '../../targets/reference/model/password-prints.js';
import { ReferenceModel } from '../../targets/reference/model/reference-model.js';
import { RequestRing } from '../../targets/reference/model/request-ring.js';
import { REFERENCE_DEFAULTS } from '../../targets/reference/reference-config.js';
import { REGION_HEADER } from '../../targets/reference/server.js';
import type { RequestSpec, SessionState } from '../../targets/target.js';
import { RecordingExchange } from './model-script.js';

/** One login's core time: 8192 PBKDF2 iterations at 100 ns each (hashCost 1). */
const C = 8192 * 100;
const N = 3000;

function rig(connections?: number, n = N) {
  const clock = new VirtualClock();
  const config = { ...REFERENCE_DEFAULTS, hashCost: 1, accounts: 10_000 };
  const model = new ReferenceModel(
    clock,
    { config, secondsPerIteration: 100e-9 },
    connections === undefined ? {} : { connections },
  );
  const target = new ModelTarget({ origin: 'http://model.invalid', seed: config.seed, accounts: 10_000 });
  const session = (k: number, region = 'eu'): SessionState => ({
    accountIndex: k,
    account: target.accountOf(k),
    password: target.passwordOf(k),
    newPassword: `new-${k}`,
    region,
    captures: {},
  });
  const exs = Array.from({ length: n }, () => new RecordingExchange(0));
  exs.forEach((ex, k) => {
    model.send(target.buildRequest('login', session(k % 10_000)), false, ex);
  });
  return { clock, model, exs, target, session };
}

describe('reference model requests as a ring of tickets', () => {
  it('serves 3,000 queued logins in send order, given-up ones too (the server cannot tell)', () => {
    const { clock, model, exs } = rig();
    // Every third gives up at C/2, while the core is on the first: each still costs the core C.
    clock
      .alarm(() => {
        for (let k = 2; k < N; k += 3) model.cancel(exs[k]!, Outcome.timeout);
      })
      .set(C / 2);
    clock.run();
    exs.forEach((ex, k) => {
      if (k % 3 === 2) {
        expect(ex.r.events).toEqual(['written', 'failure']);
        expect(ex.r.doneNs).toBe(C / 2);
      } else {
        expect(ex.r.events).toEqual(['written', 'response']);
        // The k-th login (0-based) is answered when the core has spent k + 1 logins: (k + 1) C.
        expect(ex.r.doneNs).toBe((k + 1) * C);
        expect(ex.r.status).toBe(403);
      }
    });
    expect(clock.now()).toBe(N * C);
    expect(model.atServer).toBe(0);
  });

  it('with 10 connections, logins given up in the client never reach the core', () => {
    const { clock, model, exs } = rig(10);
    expect(model.inClient).toBe(N - 10);
    // The last 1,000 give up at C/2, still waiting for a connection: they cost the server nothing.
    clock
      .alarm(() => {
        for (let k = 2000; k < N; k++) model.cancel(exs[k]!, Outcome.timeout);
      })
      .set(C / 2);
    clock.run();
    for (let k = 0; k < 2000; k++) {
      const r = exs[k]!.r;
      expect(r.events).toEqual(['written', 'response']);
      // Written at 0 (the first 10) or when the (k - 9)-th answer frees a connection: (k - 9) C.
      expect(r.writtenNs).toBe(k < 10 ? 0 : (k - 9) * C);
      expect(r.doneNs).toBe((k + 1) * C);
    }
    for (let k = 2000; k < N; k++) expect(exs[k]!.r.events).toEqual(['failure']);
    // 2,000 logins of C each, the core never idle: the last answer at 2,000 C.
    expect(clock.now()).toBe(2000 * C);
    expect(model.inClient).toBe(0);
    expect(model.atServer).toBe(0);
  });

  it('a queue of 70,000 that has nearly drained shrinks its columns, keeping the requests it holds', () => {
    const M = 70_000;
    const { clock, model, exs, target, session } = rig(undefined, M);
    // At T the core is on login 69,900 and 99 wait behind it: the next pushes halve the
    // 128 Ki-slot ring twice, copying the 100 held tickets each time.
    const T = 69_900 * C + C / 2;
    const later = Array.from({ length: 10 }, () => new RecordingExchange(T));
    clock
      .alarm(() => {
        later.forEach((ex, k) => {
          model.send(target.buildRequest('login', session(k)), false, ex);
        });
      })
      .set(T);
    clock.run();
    // Every login of the first batch still answered at (k + 1) C, the later ones behind them.
    expect(exs.every((ex, k) => ex.r.doneNs === (k + 1) * C)).toBe(true);
    // Each answered once, as its own account and password (a 401 would be a lost secret).
    const bad = exs.findIndex((ex) => ex.r.status !== 403 || ex.r.events.join() !== 'written,response');
    expect(bad, JSON.stringify(exs[bad]?.r)).toBe(-1);
    expect(later.map((ex) => ex.r.doneNs)).toEqual(later.map((_, k) => (M + k + 1) * C));
    expect(later.every((ex) => ex.r.status === 403)).toBe(true);
  });
  it("keeps every request's region and endpoint through growth, plain JSON requests pushed mid-way too", () => {
    // 1,500 model logins alternating eu / us with us under maintenance (us answered 503 at once,
    // eu 403 after a KDF each), then 600 JSON logins of the server's own form (the ring's plain
    // column appears at 2,048 slots, past its first growth), then 300 model logins again.
    const { clock, model, target, session } = rig(undefined, 0);
    model.beginMaintenance(3600, ['us']);
    const state = (k: number): SessionState => session(k, k % 2 === 0 ? 'eu' : 'us');
    const json = (k: number): RequestSpec => ({
      method: 'POST',
      path: '/v1/login',
      headers: { 'content-type': 'application/json', [REGION_HEADER]: state(k).region },
      body: JSON.stringify({ account: state(k).account, password: state(k).password }),
    });
    const kinds = [...Array(1500).fill('model'), ...Array(600).fill('json'), ...Array(300).fill('model')];
    const exs = kinds.map((kind, k) => {
      const ex = new RecordingExchange(0);
      model.send(kind === 'json' ? json(k) : target.buildRequest('login', state(k)), false, ex);
      return ex;
    });
    clock.run();
    const wrong = exs.findIndex((ex, k) => ex.r.status !== (k % 2 === 0 ? 403 : 503));
    expect(wrong, JSON.stringify(exs[wrong]?.r)).toBe(-1);
    // Only the eu half costs the core a KDF: the j-th eu login (0-based) is answered at (j + 1) C.
    const eu = exs.filter((_, k) => k % 2 === 0);
    const late = eu.findIndex((ex, j) => ex.r.doneNs !== (j + 1) * C);
    expect(late, JSON.stringify(eu[late]?.r)).toBe(-1);
  });

  it('judges each queued login by its own password, right or wrong, through growth', () => {
    // 2,500 logins (past two growths), every fourth with a wrong password: 401 for those, 403
    // (reset required) for the rest; the core still spends C on each, in send order.
    const { clock, model, target, session } = rig(undefined, 0);
    const exs = Array.from({ length: 2500 }, (_, k) => {
      const ex = new RecordingExchange(0);
      const s = session(k);
      if (k % 4 === 3) s.password = `${s.password}x`;
      model.send(target.buildRequest('login', s), false, ex);
      return ex;
    });
    clock.run();
    const wrong = exs.findIndex((ex, k) => ex.r.status !== (k % 4 === 3 ? 401 : 403));
    expect(wrong, JSON.stringify(exs[wrong]?.r)).toBe(-1);
    expect(exs.every((ex, k) => ex.r.doneNs === (k + 1) * C)).toBe(true);
  });

  it("holds a confirm's token and new password until its ticket is forgotten, a login's password as its fingerprint", () => {
    const ring = new RequestRing();
    const target = new ModelTarget({ origin: 'http://model.invalid', seed: 1, accounts: 10_000 });
    const state = (k: number): SessionState => ({
      accountIndex: k,
      account: target.accountOf(k),
      password: `pw-${k}`,
      newPassword: `new-${k}`,
      region: 'eu',
      captures: { token: `tok-${k}` },
    });
    // 3,000 requests (the ring grows from 1,024 slots twice): even tickets logins, odd confirms.
    for (let k = 0; k < 3000; k++)
      ring.push(
        new RecordingExchange(0),
        target.buildRequest(k % 2 === 0 ? 'login' : 'reset-confirm', state(k)),
        false,
        0,
      );
    expect(ring.confirmsHeld).toBe(1500);
    const into = modelFieldsScratch();
    for (let t = 0; t < 3000; t++) {
      ring.fields(t, into);
      const seen = [into.endpoint, into.accountIndex, into.passwordPrint, into.secret, into.newPassword];
      if (t % 2 === 0) expect(seen).toEqual(['login', t, passwordPrint(`pw-${t}`), '', '']);
      else expect(seen).toEqual(['password-reset-confirm', t, 0, `tok-${t}`, `new-${t}`]);
    }
    for (let t = 0; t < 3000; t++) ring.forget(t);
    expect(ring.confirmsHeld).toBe(0);
  });
});
