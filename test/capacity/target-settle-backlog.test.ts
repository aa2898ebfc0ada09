/**
 * Settling waits for a target's backlog to drain, and only that long. Truth by construction:
 * - the reference target with 1 admin worker x 200 ms holds N resets submitted at once for
 *   N x 200 ms: its queue-depth and busy-worker gauges are back at idle after that;
 * - a loopback server with one 20 ms worker behind a FIFO answers a burst of 100 requests in
 *   100 x 20 ms = 2 s: a low-rate probe's latency is back at its idle level after that.
 * Timers on a loaded machine only run late, so each lower bound is firm; the upper bounds are
 * loose on purpose.
 */

import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { settlerFor } from '../../harness/capacity/target-settle.js';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { ReferenceTarget } from '../../targets/reference/reference-target.js';
import { resolveTarget } from '../../targets/registry.js';
import { tempDir, writeGetTarget } from '../support/surge-fixture.js';

const PROFILE = `
name: settle
population: { accounts: 1000, seed: 5, mustResetShare: 1 }
flows:
  reset: { weight: 1, steps: [reset-request] }
phases:
  - { constant: 10, duration: 1s }
`;

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

// Two targets of their own, each waited on for its own truth: side by side.
describe.concurrent('settling between probes', () => {
  it('waits for the reference target admin queue to drain, read from /metrics, bounded', async () => {
    const dir = tempDir('stampede-settle-');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'profile.yaml'), PROFILE);
    const profile = await loadProfile(join(dir, 'profile.yaml'));
    const target = new ReferenceTarget();
    await target.start({
      population: profile.population,
      capacity: { adminWorkers: 1, resetServiceMs: 200, resetQueue: 50, mailPerS: 5000, hashCost: 0 },
    });
    cleanups.push(() => target.stop());
    const settler = await settlerFor(target, profile);
    expect(settler.method).toBe('metrics');
    const submit = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const res = await request(`${target.origin()}/v1/password-reset`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ account: target.credentials(i).account }),
        });
        await res.body.dump();
        expect(res.statusCode).toBe(202);
      }
    };
    // 11 resets x 200 ms on one worker: idle again 2.2 s after the first was submitted.
    const t0 = performance.now();
    await submit(11);
    const spentS = (performance.now() - t0) / 1000;
    const done = await settler.settle(10, new AbortController().signal);
    expect(done.settled, done.detail).toBe(true);
    expect(done.tookS + spentS).toBeGreaterThanOrEqual(2.2 - 0.05);
    expect(done.tookS).toBeLessThan(6);

    await submit(11);
    const bounded = await settler.settle(0.5, new AbortController().signal);
    expect(bounded.settled).toBe(false);
    expect(bounded.tookS).toBeGreaterThanOrEqual(0.5);
    expect(bounded.tookS).toBeLessThan(2);
    expect(bounded.detail).toContain('stampede_ref_admin_queue_depth');
  }, 60_000);

  it('without metrics, waits until a low-rate probe sees the idle latency again', async () => {
    // One worker, 20 ms per request, FIFO.
    let busyUntil = 0;
    const server: Server = createServer((req, res) => {
      req.resume();
      const now = performance.now();
      busyUntil = Math.max(now, busyUntil) + 20;
      setTimeout(() => res.end('ok'), busyUntil - now);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dir = tempDir('stampede-settle-');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'profile.yaml'), PROFILE.replace('steps: [reset-request]', 'steps: [login]'));
    const profile = await loadProfile(join(dir, 'profile.yaml'));
    const target = await resolveTarget(writeGetTarget(dir, origin), dir);
    const settler = await settlerFor(target, profile);
    expect(settler.method).toBe('latency');
    // 100 requests at once: the last is answered 100 x 20 ms = 2 s later.
    const burst = Array.from({ length: 100 }, () => request(`${origin}/login/x`).then((r) => r.body.dump()));
    const done = await settler.settle(10, new AbortController().signal);
    await Promise.all(burst);
    expect(done.settled, done.detail).toBe(true);
    expect(done.tookS).toBeGreaterThanOrEqual(2 - 0.1);
    expect(done.tookS).toBeLessThan(6);
    expect(done.detail).toMatch(/^login latency median/);
  }, 60_000);
});
