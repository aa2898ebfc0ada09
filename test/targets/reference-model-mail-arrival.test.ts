/**
 * The model's mail: the outbox at mailPerS (fixed pacing, the server's rule), then a pluggable
 * per-domain delivery rule. The model knows each arrival time (mailArrivalNs), and a mailbox
 * poll agrees with it to the nanosecond.
 */
import { describe, expect, it } from 'vitest';
import { perDomainPacing } from '../../targets/reference/rules/mail-pacing.js';
import { interpretInto, MS, modelRig, type Recorded } from './model-script.js';

describe('reference model mail', () => {
  it('delivers the k-th mail (k = 0, 1, ...) at k / R with the outbox at R = 10/s', () => {
    // S = 0 and 100 workers: every reset ends (and issues its mail) at 0.
    const rig = modelRig({ adminWorkers: 100, resetServiceMs: 0, mailPerS: 10 });
    const sessions = Array.from({ length: 20 }, (_, k) => rig.session(k));
    for (const s of sessions) rig.sendAt(0, 'reset-request', s);
    rig.clock.runUntil(0);
    // Mail k leaves at max(0, previous + 100 ms) = k x 100 ms.
    sessions.forEach((s, k) => {
      expect(rig.model.mailArrivalNs(s.account)).toBe(k * 100 * MS);
    });
    const before: Recorded[] = [];
    const at: Recorded[] = [];
    sessions.forEach((s, k) => {
      if (k > 0) before.push(rig.sendAt(k * 100 * MS - 1, 'await-mail', s));
      at.push(rig.sendAt(k * 100 * MS, 'await-mail', s));
    });
    rig.clock.run();
    before.forEach((r, i) => {
      expect(interpretInto(rig, 'await-mail', r, sessions[i + 1]!)).toBe('pending');
    });
    at.forEach((r, k) => {
      expect(interpretInto(rig, 'await-mail', r, sessions[k]!)).toBe('ok');
    });
    // The outbox gauge: 20 sent by 1.9 s.
    expect(rig.model.service.mail.gauges(rig.clock.now()).delivered).toBe(20);
  });

  it('restarts the slot clock when the outbox was idle (no saved-up burst)', () => {
    const rig = modelRig({ adminWorkers: 10, resetServiceMs: 0, mailPerS: 10 });
    const a = rig.session(1);
    const b = rig.session(2);
    const c = rig.session(3);
    rig.sendAt(0, 'reset-request', a);
    rig.sendAt(1000 * MS, 'reset-request', b);
    rig.sendAt(1050 * MS, 'reset-request', c);
    rig.clock.run();
    expect(rig.model.mailArrivalNs(a.account)).toBe(0);
    // Idle for 1 s: b leaves when ready; c waits one interval after b.
    expect(rig.model.mailArrivalNs(b.account)).toBe(1000 * MS);
    expect(rig.model.mailArrivalNs(c.account)).toBe(1100 * MS);
    expect(rig.model.mailArrivalNs(rig.session(9).account)).toBe(Number.POSITIVE_INFINITY);
  });

  it('applies a per-domain throttle rule after the outbox', () => {
    // Odd accounts at slow.example, paced at 2/s there; the outbox sends 10/s.
    const rig = modelRig(
      { adminWorkers: 100, resetServiceMs: 0, mailPerS: 10 },
      {
        mailDelivery: perDomainPacing({ 'slow.example': 2 }),
        domainOf: (i) => (i % 2 ? 'slow.example' : 'fast.example'),
      },
    );
    const sessions = Array.from({ length: 6 }, (_, k) => rig.session(k));
    for (const s of sessions) rig.sendAt(0, 'reset-request', s);
    rig.clock.run();
    const arrivals = sessions.map((s) => rig.model.mailArrivalNs(s.account) / MS);
    // Sent at 0, 100, ..., 500 ms. Even accounts arrive on send: 0, 200, 400.
    // Odd ones (sent 100, 300, 500) arrive at 100, max(300, 100 + 500) = 600, max(500, 600 + 500) = 1100.
    expect(arrivals).toEqual([0, 100, 200, 600, 400, 1100]);
  });
});
