/**
 * With the in-flight cap reached the scheduler does not wake for arrivals (only an answer can
 * free a place); an answer first turns away the arrivals due before it. Proven on the virtual
 * clock against a one-place model computed by hand: each arrival is started exactly when the
 * place is free at its own time, else dropped, and counted in the interval of its own time.
 */
import { describe, expect, it } from 'vitest';
import { createArrivalStream } from '../../harness/arrivals/arrival-stream.js';
import { buildProfile, constant, region } from '../arrivals/profile-fixture.js';
import { runVirtual } from '../support/virtual-run.js';

const MS = 1e6;
const S = 1e9;

describe('scheduler at its in-flight cap', () => {
  it('drops exactly the arrivals due while every place is taken, each in its own interval', async () => {
    // 1000 arrivals/s for 3 s, one place, every answer 2.5 ms after its send.
    const profile = buildProfile({ regions: [region('eu', 0, [constant('flat', 3, 1000, 'uniform')])] });
    const answerNs = 2.5 * MS;
    const times = [...createArrivalStream(profile)].map((a) => a.atNs);
    // The hand model: the place is busy from a started arrival's time t to t + 2.5 ms.
    const started = [0, 0, 0, 0];
    const dropped = [0, 0, 0, 0];
    let busyUntil = Number.NEGATIVE_INFINITY;
    for (const t of times) {
      const interval = Math.floor(t / S);
      if (t >= busyUntil) {
        started[interval]!++;
        busyUntil = t + answerNs;
      } else dropped[interval]!++;
    }
    const run = await runVirtual(profile, () => ({ afterNs: answerNs, status: 200 }), { maxInFlight: 1 });
    // Sends happen at the started arrivals' own times (no arrival started late).
    const sent = run.transport.log.map((r) => r.sentNs);
    const expectedSent: number[] = [];
    busyUntil = Number.NEGATIVE_INFINITY;
    for (const t of times) {
      if (t >= busyUntil) {
        expectedSent.push(t);
        busyUntil = t + answerNs;
      }
    }
    expect(sent).toEqual(expectedSent);
    const byInterval = (pick: (s: (typeof run.snapshots)[number]) => number): number[] => {
      const out = [0, 0, 0, 0];
      for (const s of run.snapshots) if (s.index < 4) out[s.index]! += pick(s);
      return out;
    };
    expect(byInterval((s) => s.dropped)).toEqual(dropped);
    expect(byInterval((s) => s.arrivals - s.dropped)).toEqual(started);
    // Uniform at 1000/s with a 2.5 ms answer: about one arrival in three gets the place.
    expect(started[0]! + started[1]! + started[2]!).toBeGreaterThan(980);
    expect(started[0]! + started[1]! + started[2]!).toBeLessThan(1020);
  });
});
