/**
 * The reference backend and the sink end to end, each in its own process as in a run: reset
 * requests answered 202, the reset mail over real SMTP to recipient domains by the population's
 * shares (one of them throttled to 2/s with a burst of 1), await-mail reading the token from the
 * sink's API, confirms with it; then the target's MailSource figures, their summary and gates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountDomainPicker } from '../../harness/arrivals/account-domain.js';
import type { MailDomain } from '../../harness/profile/profile.js';
import { evaluateGates } from '../../reports/gates/gate-evaluator.js';
import { parseGates } from '../../reports/gates/gate-parser.js';
import { evaluateMailGate, parseMailGate } from '../../reports/gates/mail-gate.js';
import { mailSummary } from '../../reports/run-dir/mail-summary.js';
import { ReferenceTarget } from '../../targets/reference/reference-target.js';
import { isMailSource } from '../../targets/target.js';
import { awaitMail, driveStep, newSession } from '../targets/drive-step.js';

const domain = (name: string, share: number, perS = 0): MailDomain => ({
  name,
  share,
  perS,
  burst: 1,
  perConnection: 0,
  greylistS: 0,
  rejectShare: 0,
});
const domains = [domain('slow.test', 0.5, 2), domain('fast.test', 0.5)];
const SEED = 7;
const N = 10;
let target: ReferenceTarget;

beforeAll(async () => {
  target = new ReferenceTarget();
  await target.start({
    population: { accounts: 1000, seed: SEED, mustResetShare: 1, domains },
    // Retry every 0.2 s, so a mail waits at most one retry interval after its token appears.
    capacity: { hashCost: 0, resetServiceMs: 1, mailRetryBaseS: 0.2, mailRetryMaxS: 0.2, mailAttempts: 100 },
  });
}, 60_000);
afterAll(async () => {
  await target?.stop();
});

describe('reference backend + mail sink', () => {
  it('reset-request -> mail over SMTP -> token -> reset-confirm, with throttling counted per domain', async () => {
    const pick = accountDomainPicker(domains, SEED);
    const slow = Array.from({ length: N }, (_, i) => i).filter((i) => pick(i) === 'slow.test').length;
    expect(slow).toBeGreaterThan(1);
    const sessions = Array.from({ length: N }, (_, i) => newSession(target, i));
    // All requests at once, so the slow domain's mails meet its bucket together.
    const requested = await Promise.all(sessions.map((s) => driveStep(target, 'reset-request', s, [202])));
    for (const r of requested) expect(r.status).toBe(202);
    for (const s of sessions) {
      const mail = await awaitMail(target, s, 30_000);
      expect(mail.verdict?.verdict, s.account).toBe('ok');
      expect(s.captures['token']).toMatch(/^[0-9a-f]{32}$/);
      expect((await driveStep(target, 'reset-confirm', s, [200])).status).toBe(200);
    }
    // One user asks again after finishing: a duplicate request.
    expect((await driveStep(target, 'reset-request', sessions[0]!, [202])).status).toBe(202);

    expect(isMailSource(target)).toBe(true);
    const stats = await target.mailStats();
    const s = stats.domains['slow.test']!;
    const f = stats.domains['fast.test']!;
    expect(s.delivered + f.delivered).toBeGreaterThanOrEqual(N);
    expect(s.delivered).toBeGreaterThanOrEqual(slow);
    // Burst 1 then 2/s: the k-th slow mail is accepted no earlier than (k - 1) / 2 s after the
    // first, so the slowest of `slow` mails waited at least (slow - 1) / 2 s, and every slow mail
    // beyond the first was refused (421) at least once.
    expect(s.timeToInboxMs.max).toBeGreaterThanOrEqual(((slow - 1) / 2) * 1000 - 50);
    expect(s.rateLimited).toBeGreaterThanOrEqual(slow - 1);
    expect(f.rateLimited).toBe(0);
    expect(s.lost + f.lost).toBe(0);
    expect(stats.backend).toMatchObject({
      resetRequests: N + 1,
      accountsRequesting: N,
      duplicateRequests: 1,
      completed: N,
    });

    const m = mailSummary(stats);
    expect(evaluateMailGate(parseMailGate('mail lost == 0'), m).pass).toBe(true);
    expect(evaluateMailGate(parseMailGate('mail time-to-inbox p99 < 10m'), m).pass).toBe(true);
    expect(evaluateMailGate(parseMailGate('mail fast.test deferred == 0'), m).pass).toBe(true);
    expect(m.backend?.completedWithin['1m']).toBe(1);
    // The same gates through the run's gate list (profile `gates`, `--gate`): parsed with the
    // others, judged on the summary's mail section; one that the figures fail, fails.
    const gates = parseGates([
      'mail lost == 0',
      'mail time-to-inbox p99 < 1ms',
      'mail nowhere.test lost == 0',
    ]);
    const results = evaluateGates(gates, { steps: [], arrivals: 0, dropped: 0, elapsedS: 1, mail: m });
    expect(results.map((r) => r.pass)).toEqual([true, false, false]);
    expect(results[2]!.message).toMatch(/no data/);
  }, 90_000);
});
