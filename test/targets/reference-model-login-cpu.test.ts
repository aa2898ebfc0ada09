/**
 * The model's login CPU: one core, FIFO, each login one KDF of hashCost × ITERATIONS_PER_COST
 * iterations at the given seconds per iteration. Hand truth with secondsPerIteration = 100 ns:
 * C = 1 × 8192 × 100 ns = 819 200 ns per login.
 */
import { describe, expect, it } from 'vitest';
import { MS, modelRig, type Recorded } from './model-script.js';

const C = 8192 * 100;

describe('reference model login CPU', () => {
  it('answers the k-th of k logins sent together at k × C', () => {
    const rig = modelRig({ hashCost: 1 }, { secondsPerIteration: 100e-9 });
    const sent: Recorded[] = [];
    for (let k = 0; k < 10; k++) sent.push(rig.sendAt(0, 'login', rig.session(k)));
    rig.clock.run();
    // k = 1..10: the core takes them up in order, each costs C.
    expect(sent.map((r) => r.doneNs)).toEqual(Array.from({ length: 10 }, (_, i) => (i + 1) * C));
    // All written at their send time (no client queue), answered 403 (they must reset).
    expect(sent.every((r) => r.writtenNs === 0 && r.status === 403)).toBe(true);
  });

  it('queues a free request behind the logins, and costs nothing for it; an idle core answers at once', () => {
    const rig = modelRig({ hashCost: 2 }, { secondsPerIteration: 100e-9 });
    const logins = [0, 1, 2].map((k) => rig.sendAt(0, 'login', rig.session(k)));
    const reset = rig.sendAt(0, 'reset-request', rig.session(5));
    // Arrives at 10 ms, long after the core has drained (3 × 2C = 4.9 ms): served at once.
    const late = rig.sendAt(10 * MS, 'login', rig.session(6));
    rig.clock.run();
    // hashCost 2 doubles the iterations: 2C per login.
    expect(logins.map((r) => r.doneNs)).toEqual([2 * C, 4 * C, 6 * C]);
    // The reset request waits for the core (FIFO) but hashes nothing: answered when it frees.
    expect(reset.doneNs).toBe(6 * C);
    expect(reset.status).toBe(202);
    expect(late.doneNs).toBe(10 * MS + 2 * C);
  });

  it('adds the per-request overhead to every request, and hashCost 0 costs only that', () => {
    const rig = modelRig({ hashCost: 0 }, { secondsPerIteration: 100e-9, requestOverheadS: 50e-6 });
    const sent = [0, 1, 2].map((k) => rig.sendAt(0, 'login', rig.session(k)));
    rig.clock.run();
    expect(sent.map((r) => r.doneNs)).toEqual([50_000, 100_000, 150_000]);
  });

  it('holds a login throughput of exactly 1 / C under overload (open arrivals at 2 / C)', () => {
    const rig = modelRig({ hashCost: 1, mustResetShare: 0 }, { secondsPerIteration: 100e-9 });
    // 2000 logins every C / 2: the core answers one per C, so the n-th answer is at (n + 1) C.
    const sent = Array.from({ length: 2000 }, (_, n) => rig.sendAt((n * C) / 2, 'login', rig.session(n)));
    rig.clock.run();
    sent.forEach((r, n) => {
      expect(r.doneNs).toBe((n + 1) * C);
    });
    expect(sent.every((r) => r.status === 200)).toBe(true);
  });
});
