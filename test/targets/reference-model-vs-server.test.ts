/**
 * The model held against the real reference server: one scripted list of (time, request) sent to
 * the real server over loopback HTTP (its own process, real clock, ~7 s) and to the model in
 * virtual time, both through the same ReferenceTarget. Timing-insensitive steps must get the same
 * status request by request; the overload phase (resets at 100/s against c / S = 40/s) must give
 * the same admin throughput within 10 %.
 */
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../harness/driver/virtual-clock.js';
import type { StepKind } from '../../harness/profile/profile.js';
import type { ResponseHeaders } from '../../harness/transports/transport.js';
import { measureSecondsPerIteration } from '../../targets/reference/model/cpu-calibration.js';
import { ReferenceModel } from '../../targets/reference/model/reference-model.js';
import { resolveReferenceConfig } from '../../targets/reference/reference-config.js';
import { ReferenceTarget } from '../../targets/reference/reference-target.js';
import type { RequestSpec, SessionState } from '../../targets/target.js';

const capacity = { adminWorkers: 2, resetServiceMs: 50, resetQueue: 10, mailPerS: 50, hashCost: 0.25 };
const population = { accounts: 1000, seed: 7, mustResetShare: 0.5 };

interface Item {
  readonly atMs: number;
  readonly kind: StepKind | 'maintenance' | 'metrics';
  /** Session key: `account/region`; steps of one key share the session (captures, password). */
  readonly who: string;
  /** Wrong password for this login. */
  readonly wrong?: boolean;
}

/** The script: every phase of the backend, then an admin overload from 5 s to 7 s. */
function script(): Item[] {
  const s: Item[] = [];
  // A: logins. Accounts 0-499 must reset (403), 500-999 log in (200); wrong passwords 401.
  for (let i = 0; i < 10; i++) s.push({ atMs: 20 * i, kind: 'login', who: `${i}/us` });
  for (let i = 500; i < 505; i++) s.push({ atMs: 200 + 20 * (i - 500), kind: 'login', who: `${i}/us` });
  s.push({ atMs: 320, kind: 'login', who: '501/us', wrong: true });
  // B: resets for 0-9 (2 workers x 50 ms: done by ~0.75 s; mails 20 ms apart), polls at 2 s.
  for (let i = 0; i < 10; i++) s.push({ atMs: 500 + 5 * i, kind: 'reset-request', who: `${i}/us` });
  s.push({ atMs: 510, kind: 'await-mail', who: '20/us' });
  for (let i = 0; i < 10; i++) s.push({ atMs: 2000 + 10 * i, kind: 'await-mail', who: `${i}/us` });
  // C: confirm 0-8 with their tokens; 9 confirms twice (second one 400); then log in anew.
  for (let i = 0; i < 10; i++) s.push({ atMs: 2600 + 10 * i, kind: 'reset-confirm', who: `${i}/us` });
  s.push({ atMs: 2750, kind: 'reset-confirm', who: '9/us' });
  for (let i = 0; i < 10; i++) s.push({ atMs: 3000 + 10 * i, kind: 'login-new', who: `${i}/us` });
  // D: eu down for 1 s from 3.5 s: eu answers 503 (Retry-After 1), us does not; eu back at 4.8 s.
  s.push({ atMs: 3500, kind: 'maintenance', who: 'eu' });
  s.push({ atMs: 3800, kind: 'login', who: '600/eu' });
  s.push({ atMs: 3800, kind: 'login', who: '601/us' });
  s.push({ atMs: 4800, kind: 'login', who: '602/eu' });
  // E: overload: resets every 10 ms (100/s) for 2 s; capacity 2 / 50 ms = 40/s, queue 10.
  s.push({ atMs: 5490, kind: 'metrics', who: 'm1' });
  for (let k = 0; k < 200; k++) s.push({ atMs: 5000 + 10 * k, kind: 'reset-request', who: `${100 + k}/us` });
  s.push({ atMs: 6990, kind: 'metrics', who: 'm2' });
  return s.sort((a, b) => a.atMs - b.atMs);
}

interface Answer {
  /** When it was sent, ms from the run's t0 (the real run's setTimeouts may fire late). */
  sentMs: number;
  status: number;
  retryAfter: string | undefined;
  body: string | undefined;
}

/** Builds the request of `item` through the target, keeping sessions per `who`. */
function requester(target: ReferenceTarget) {
  const sessions = new Map<string, SessionState>();
  const sessionOf = (who: string): SessionState => {
    let s = sessions.get(who);
    if (!s) {
      const [acc, region] = who.split('/');
      const c = target.credentials(Number(acc));
      s = {
        accountIndex: Number(acc),
        account: c.account,
        password: c.password,
        newPassword: `n-${acc}`,
        region: region ?? 'us',
        captures: {},
      };
      sessions.set(who, s);
    }
    return s;
  };
  return {
    build(item: Item): RequestSpec {
      if (item.kind === 'metrics') return { method: 'GET', path: '/metrics', headers: {} };
      if (item.kind === 'maintenance') {
        const body = JSON.stringify({ durationS: 1, regions: [item.who] });
        return {
          method: 'POST',
          path: '/admin/maintenance',
          headers: { 'content-type': 'application/json' },
          body,
        };
      }
      const s = sessionOf(item.who);
      const spec = target.buildRequest(item.kind, s);
      if (!item.wrong) return spec;
      return { ...spec, body: JSON.stringify({ account: s.account, password: 'wrong' }) };
    },
    /** Lets the target read an answer (captures, new password), as the driver would on an expected status. */
    take(item: Item, status: number, headers: ResponseHeaders, body: string | undefined): void {
      if (item.kind === 'metrics' || item.kind === 'maintenance' || status >= 500) return;
      const s = sessionOf(item.who);
      const v = target.interpret(item.kind, { status, headers, body }, s);
      if (v.verdict === 'ok' && v.captures) Object.assign(s.captures, v.captures);
    },
  };
}

const completedOf = (text: string | undefined): number =>
  Number(/^stampede_ref_admin_resets_completed_total (\d+)/m.exec(text ?? '')?.[1] ?? Number.NaN);

let real: ReferenceTarget;
let pool: Pool;
let mailPool: Pool;
beforeAll(async () => {
  real = new ReferenceTarget();
  await real.start({ capacity, population });
  pool = new Pool(real.origin(), { connections: 16 });
  // await-mail goes to the real target's mail sink (RequestSpec.origin), as the driver sends it.
  const spec = real.spec();
  mailPool = new Pool(spec.kind === 'reference' && spec.mail ? spec.mail.origin : real.origin(), {
    connections: 4,
  });
});
afterAll(async () => {
  await mailPool?.close();
  await pool?.close();
  await real?.stop();
});

async function runReal(items: Item[]): Promise<Answer[]> {
  const req = requester(real);
  const t0 = performance.now();
  return Promise.all(
    items.map(
      (item) =>
        new Promise<Answer>((resolve, reject) => {
          setTimeout(
            () => {
              const sentMs = performance.now() - t0;
              const spec = req.build(item);
              (spec.origin ? mailPool : pool)
                .request({
                  method: spec.method,
                  path: spec.path,
                  headers: spec.headers,
                  body: spec.body ?? null,
                })
                .then(async (res) => {
                  const body = await res.body.text();
                  req.take(item, res.statusCode, res.headers, body);
                  const ra = res.headers['retry-after'];
                  resolve({
                    sentMs,
                    status: res.statusCode,
                    retryAfter: typeof ra === 'string' ? ra : undefined,
                    body,
                  });
                }, reject);
            },
            Math.max(0, item.atMs - (performance.now() - t0)),
          );
        }),
    ),
  );
}

function runModel(items: Item[], secondsPerIteration: number): Answer[] {
  const clock = new VirtualClock();
  const model = new ReferenceModel(clock, {
    config: resolveReferenceConfig({ ...capacity, ...population }),
    secondsPerIteration,
  });
  // Same target class; the model ignores the origin.
  const target = new ReferenceTarget({
    origin: 'http://model.invalid',
    seed: population.seed,
    accounts: population.accounts,
  });
  const req = requester(target);
  const answers: Answer[] = items.map((item) => ({
    sentMs: item.atMs,
    status: 0,
    retryAfter: undefined,
    body: undefined,
  }));
  items.forEach((item, i) => {
    clock
      .alarm(() =>
        model.send(req.build(item), true, {
          wire: null,
          onWritten: () => undefined,
          onResponse: (_t, status, headers, body) => {
            req.take(item, status, headers, body);
            const ra = headers['retry-after'];
            answers[i] = {
              sentMs: item.atMs,
              status,
              retryAfter: typeof ra === 'string' ? ra : undefined,
              body,
            };
          },
          onFailure: () => undefined,
        }),
      )
      .set(item.atMs * 1e6);
  });
  clock.run();
  return answers;
}

describe('reference model vs the real server', () => {
  it('answers the same statuses and holds the same admin throughput (within 10 %)', async () => {
    const items = script();
    const realAnswers = await runReal(items);
    const modelAnswers = runModel(items, measureSecondsPerIteration());
    const overload = (i: number) => items[i]!.atMs >= 5000 && items[i]!.kind === 'reset-request';
    const rows: string[] = [];
    items.forEach((item, i) => {
      if (overload(i) || item.kind === 'metrics') return;
      const r = realAnswers[i]!;
      const m = modelAnswers[i]!;
      rows.push(`${item.atMs} ${item.kind} ${item.who}: real ${r.status} model ${m.status}`);
      expect(`${item.atMs} ${item.kind} ${item.who} ${m.status} ra=${m.retryAfter}`).toBe(
        `${item.atMs} ${item.kind} ${item.who} ${r.status} ra=${r.retryAfter}`,
      );
    });
    // Overload: admin throughput between the two scrapes, completions / time between them. Truth:
    // the queue never empties (100/s offered, 40/s served), so c / S = 2 / 0.05 s = 40/s; the
    // model's scrapes are exactly 1.5 s apart (60 completions), the real ones as sent.
    const iM1 = items.findIndex((x) => x.who === 'm1');
    const iM2 = items.findIndex((x) => x.who === 'm2');
    const rate = (a: Answer[]) =>
      (completedOf(a[iM2]?.body) - completedOf(a[iM1]?.body)) / ((a[iM2]!.sentMs - a[iM1]!.sentMs) / 1000);
    const accepted = (answers: Answer[]) => answers.filter((a, i) => overload(i) && a.status === 202).length;
    const rejected = (answers: Answer[]) => answers.filter((a, i) => overload(i) && a.status === 503).length;
    console.log(
      `admin throughput under overload: real ${rate(realAnswers).toFixed(1)}/s model ${rate(modelAnswers)}/s ` +
        `(truth 40/s); overload 202s real ${accepted(realAnswers)} model ${accepted(modelAnswers)}, ` +
        `503s real ${rejected(realAnswers)} model ${rejected(modelAnswers)}; ` +
        `real scrapes sent at ${realAnswers[iM1]?.sentMs.toFixed(0)} and ${realAnswers[iM2]?.sentMs.toFixed(0)} ms`,
    );
    expect(rate(modelAnswers)).toBe(40);
    expect(Math.abs(rate(realAnswers) - rate(modelAnswers)) / rate(modelAnswers)).toBeLessThan(0.1);
    expect(accepted(realAnswers) + rejected(realAnswers)).toBe(200);
    expect(rows.length).toBeGreaterThan(50);
  });
});
