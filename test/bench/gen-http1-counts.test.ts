/**
 * The http1 bench generator counts what it sends: against a node:http server that counts what it
 * receives, at a rate small enough for any machine. And the section's window error, on counts made
 * by hand.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Http1GenResult } from '../../bench/gen-http1.js';
import { rateErrorPct } from '../../bench/sections/transport-cpu.js';
import { type NodePeer, startNodePeer } from '../support/node-peer.js';

const GEN = fileURLToPath(new URL('../../bench/gen-http1.ts', import.meta.url));
const run = promisify(execFile);

describe('bench/gen-http1', () => {
  let peer: NodePeer;
  beforeAll(async () => {
    peer = await startNodePeer();
  });
  afterAll(async () => {
    await peer.stop();
  });

  it('sends rate x seconds requests, each counted in the second it was written', async () => {
    // The generator's path is `/`, which the node peer answers with 404: any status counts.
    const args = { origin: peer.origin, mode: 'rate', rate: 200, seconds: 3, connections: 4 };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', GEN, JSON.stringify(args)], {
      timeout: 60_000,
    });
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as Http1GenResult;
    // 200/s for 3 s = 600, at intended times i/200 s: 200 in each second from the first request.
    expect(r.requests).toBe(600);
    expect(r.dropped).toBe(0);
    expect(peer.requests('/')).toBe(600);
    // A late tick may move the few requests due at a second's edge into the next second.
    expect(r.writtenPerSecond.reduce((a, b) => a + b, 0)).toBe(600);
    for (const n of r.writtenPerSecond) expect(Math.abs(n - 200)).toBeLessThanOrEqual(20);
    expect(r.cpuUsPerRequest).toBeGreaterThan(0);
  });

  it('rate error: the worst window of whole seconds after the first', () => {
    // Windows of 2 s after dropping the first: [20000 + 19900] and [20100 + 19800].
    // |39900 - 40000| / 40000 = 0.25 %, |39900 - 40000| / 40000 = 0.25 %; the 5 of the first second is ignored.
    expect(rateErrorPct([5, 20000, 19900, 20100, 19800], 20000, 2)).toBeCloseTo(0.25, 10);
    // 3 whole seconds after the first, windows of 2: one window, the odd second left out.
    expect(rateErrorPct([0, 20000, 20400, 1], 20000, 2)).toBeCloseTo(1, 10);
    expect(rateErrorPct([20000], 20000, 2)).toBeNull();
  });
});
