/**
 * Native sharding: a profile run as --shard 1/2 and --shard 2/2 (at the same time, as two machines
 * would) and merged equals the unsharded run: arrivals and requests per step exactly, and the
 * merged histograms hold every request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeRunDirs } from '../../reports/merge/merge-run-dirs.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { spawnTestServer, type TestServer } from '../support/spawn-test-server.js';
import { runTestSurge, tempDir, writeGetTarget } from '../support/surge-fixture.js';

const PROFILE = `
name: shard-me
population: { accounts: 1000000, seed: 21 }
client: { maxInFlight: 10000, connections: 16, requestTimeout: 5s }
flows:
  two-logins:
    weight: 1
    steps: [login, { step: login, name: login-again }]
phases:
  - { ramp: [50, 250], duration: 3s }
`;

describe('shard and merge', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await spawnTestServer('ok');
  });
  afterAll(async () => {
    await server.stop();
  });

  it('merges two shards into exactly the unsharded counts', async () => {
    const target = writeGetTarget(tempDir(), server.origin);
    const whole = await runTestSurge({ profileYaml: PROFILE, target });
    const [a, b] = await Promise.all([
      runTestSurge({ profileYaml: PROFILE, target, shard: { index: 0, count: 2 } }),
      runTestSurge({ profileYaml: PROFILE, target, shard: { index: 1, count: 2 } }),
    ]);
    expect(a.summary.arrivals).toBeGreaterThan(0);
    expect(b.summary.arrivals).toBeGreaterThan(0);
    const out = `${tempDir()}/merged`;
    const merged = await mergeRunDirs([a.dir, b.dir], out);
    expect(merged.arrivals).toBe(whole.summary.arrivals);
    for (const step of ['login', 'login-again']) {
      expect(merged.steps[step]!.count, step).toBe(whole.summary.steps[step]!.count);
      expect(merged.steps[step]!.offered, step).toBe(whole.summary.steps[step]!.offered);
    }
    const data = await readRunDir(out);
    // Every send's lateness survives the merge too: as many values as the unsharded run has.
    expect(data.lateness.totalCount).toBe((await readRunDir(whole.dir)).lateness.totalCount);
    expect(data.lateness.totalCount).toBeGreaterThanOrEqual(whole.summary.arrivals);
    expect(merged.latenessMs).not.toBeNull();
    for (const h of data.histograms) {
      expect(h.latency.totalCount, h.step).toBe(whole.summary.steps[h.step]!.count);
    }
  });
});
