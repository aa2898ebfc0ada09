/**
 * The model's admin pool in virtual time, against hand-computed truth: c = 4 workers, S = 20 ms
 * (c / S = 200/s), queue bound Q = 20, reset requests every 4 ms (lambda = 250/s > c / S).
 */
import { describe, expect, it } from 'vitest';
import { MS, modelRig, type Recorded } from './model-script.js';

describe('reference model admin pool', () => {
  it('fills the queue at lambda - c/S, then accepts exactly c/S and answers 503 at lambda - c/S', () => {
    const rig = modelRig({ adminWorkers: 4, resetServiceMs: 20, resetQueue: 20 });
    const sent: Recorded[] = [];
    // 1000 arrivals: t_j = 4 j ms, j = 0..999 (4 s), each a different account.
    for (let j = 0; j < 1000; j++) sent.push(rig.sendAt(j * 4 * MS, 'reset-request', rig.session(j)));
    const completed: number[] = [];
    for (const t of [1000, 3000]) {
      rig.clock.runUntil(t * MS);
      rig.model.service.admin.advance(t * MS, () => undefined);
      completed.push(rig.model.service.admin.completed);
    }
    rig.clock.run();
    const statusAt = (j: number) => sent[j]?.status;
    // Before any rejection, job j = 4q + r starts at 20 q + 4 r ms (worker r, one job per S) and
    // ends 20 ms later. At arrival j (t = 4 j ms) the jobs started are those with 5q + r <= j, so
    // the queue holds j - started(j): it grows by one every 20 ms (lambda - c/S = 50/s) and
    // first reaches Q = 20 at j = 104 (started(104) = 84: q <= 19 all 80, q = 20 r = 0..3),
    // t = 416 ms: the first 503.
    const first503 = sent.findIndex((r) => r.status === 503);
    expect(first503).toBe(104);
    expect(sent.slice(0, 104).every((r) => r.status === 202)).toBe(true);
    // From then on the queue stays full; ends fall at offsets 0, 4, 8, 12 ms of every 20 ms, so
    // the arrivals at those offsets find a freed slot and the one at offset 16 does not.
    for (let j = 104; j < 1000; j++) expect(statusAt(j)).toBe((j * 4) % 20 === 16 ? 503 : 202);
    // Window [1 s, 3 s): 500 arrivals; accepted = c/S x 2 s = 400; 503 = (lambda - c/S) x 2 s = 100.
    const win = sent.filter((r) => r.sentNs >= 1000 * MS && r.sentNs < 3000 * MS);
    expect(win.filter((r) => r.status === 202)).toHaveLength(400);
    expect(win.filter((r) => r.status === 503)).toHaveLength(100);
    // Throughput of the pool itself: ends in (1 s, 3 s] = 4 per 20 ms x 100 periods = 400 = c/S x 2 s.
    expect((completed[1] ?? 0) - (completed[0] ?? 0)).toBe(400);
    // Answers are immediate (hashCost 0, no overhead): latency 0 in virtual time.
    expect(sent.every((r) => r.doneNs === r.sentNs)).toBe(true);
  });

  it("answers 503 with Retry-After = ceil(exact drain), the server's rule, in the same headers", () => {
    const rig = modelRig({ adminWorkers: 2, resetServiceMs: 10_000, resetQueue: 5 });
    const sent: Recorded[] = [];
    for (let j = 0; j < 9; j++) sent.push(rig.sendAt(j * MS, 'reset-request', rig.session(j)));
    rig.clock.run();
    expect(sent.map((r) => r.status)).toEqual([202, 202, 202, 202, 202, 202, 202, 503, 503]);
    // In service: ends 10 000 and 10 001 ms. Waiting k = 0..4 end on worker k mod 2 after
    // floor(k/2) + 1 services: the last (k = 4) at 10 000 + 3 x 10 000 = 40 000 ms.
    // At t = 7 ms: ceil((40 000 - 7) / 1000) = 40; at 8 ms: 40.
    expect(sent[7]?.headers?.['retry-after']).toBe('40');
    expect(sent[8]?.headers?.['retry-after']).toBe('40');
    expect(sent[7]?.body).toBe('{"code":"RESET_QUEUE_FULL"}');
    expect(sent[0]?.body).toBe('{"requestId":"r1"}');
    expect(sent[0]?.headers?.['retry-after']).toBeUndefined();
  });
});
