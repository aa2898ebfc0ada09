/**
 * The shared admin schedule (rules/admin-schedule.ts) completes every job at its computed end
 * however late it is advanced: a late timer never delays the next job. Truth: with every job
 * offered while the pool is busy, job j ends at max(end of job j - c, offer time of j) + S.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdminSchedule } from '../../targets/reference/rules/admin-schedule.js';

describe('admin schedule on computed times', () => {
  it('ends job j at max(end(j - c), offered(j)) + S however late advance runs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 30 }),
        (c, S, gaps, lateness) => {
          const schedule = new AdminSchedule<number>(c, S, 1_000_000);
          const ends = new Map<number, number>();
          const predicted: number[] = [];
          const done = (j: number, at: number) => ends.set(j, at);
          let t = 0;
          gaps.forEach((g, j) => {
            t += g;
            // A late "timer": advance at some later time first (never past the next offer).
            const late = lateness[j];
            if (late !== undefined) schedule.advance(t - Math.min(late, g), done);
            const offer = schedule.offer(t, j, done);
            if (!offer.accepted) throw new Error('unbounded queue rejected');
            predicted.push(offer.endsAt);
          });
          schedule.advance(Number.POSITIVE_INFINITY, done);
          // Independent truth: FIFO over c workers, each job S long.
          let offeredAt = 0;
          const truth: number[] = [];
          gaps.forEach((g, j) => {
            offeredAt += g;
            const prev = j >= c ? truth[j - c]! : Number.NEGATIVE_INFINITY;
            truth.push(Math.max(prev, offeredAt) + S);
          });
          expect(gaps.map((_, j) => ends.get(j))).toEqual(truth);
          expect(predicted).toEqual(truth);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects exactly the (c + Q + 1)-th job offered to a busy pool, with the exact drain end', () => {
    const s = new AdminSchedule<number>(3, 100, 4);
    const offers = Array.from({ length: 9 }, (_, j) => s.offer(j, j, () => undefined));
    expect(offers.map((o) => o.accepted)).toEqual([true, true, true, true, true, true, true, false, false]);
    // In service end at 100, 101, 102; waiting k = 0..3 end at 200, 201, 202, 300.
    expect(offers.slice(3, 7).map((o) => (o.accepted ? o.endsAt : -1))).toEqual([200, 201, 202, 300]);
    const rejected = offers[7];
    expect(rejected?.accepted === false && rejected.drainEndsAt).toBe(300);
  });
});
