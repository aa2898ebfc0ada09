/**
 * What makes two runs comparable: the traffic hash (seed, name and capacity left out), the
 * latency model and validity are refusals; engine, target and settings are notes. Runs are a
 * frozen version-1 directory read back, given v2 fields by hand.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { trafficHash } from '../../harness/profile/traffic-hash.js';
import { matchRuns } from '../../reports/compare/run-match.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import type { RunData } from '../../reports/run-dir/run-data.js';

const base = await readRunDir(join(process.cwd(), 'test/fixtures/run-dir-v1/shard-1'));

function variant(change: {
  trafficHash?: string;
  engine?: string;
  latencyModel?: RunData['summary']['latencyModel'];
  valid?: boolean;
}): RunData {
  const s = base.summary;
  return {
    ...base,
    summary: {
      ...s,
      profile: { ...s.profile, trafficHash: change.trafficHash ?? 'aaaa' },
      engine: change.engine ?? s.engine,
      latencyModel: change.latencyModel ?? s.latencyModel,
      validity:
        change.valid === false
          ? {
              valid: false,
              problems: [
                {
                  kind: 'worker-lost',
                  workersLost: 1,
                  lostShare: 0.5,
                  workers: [],
                  message: 'worker 1 lost',
                },
              ],
            }
          : s.validity,
    },
  };
}

describe('matchRuns', () => {
  it('compares another engine with the same latency model, saying so', () => {
    const m = matchRuns(variant({}), variant({ engine: 'http1' }));
    expect(m.mismatches).toEqual([]);
    expect(m.notes).toEqual(['engines: base undici, candidate http1']);
  });

  it('refuses other traffic, another latency model and an invalid run, each on its own line', () => {
    const m = matchRuns(
      variant({}),
      variant({ trafficHash: 'bbbb', latencyModel: 'k6-import', valid: false }),
    );
    expect(m.mismatches).toEqual([
      'different traffic (profile traffic hash): base fixture aaaa, candidate fixture bbbb',
      'different latency models: base intended-time, candidate k6-import',
      'candidate run is invalid (summary.validity): worker 1 lost',
    ]);
  });

  it('the traffic hash leaves out name, description, seed, gates and target capacity, not the rate', async () => {
    const dir = join(process.cwd(), 'profiles');
    const smoke = await loadProfile(join(dir, 'smoke.yaml'));
    const renamed = {
      ...smoke,
      name: 'other',
      description: 'other',
      file: '/elsewhere.yaml',
      gates: [],
      population: { ...smoke.population, seed: 43 },
      reference: { ...smoke.reference, adminWorkers: 99 },
    };
    expect(trafficHash(renamed)).toBe(trafficHash(smoke));
    expect(trafficHash({ ...smoke, rateScale: 2 })).not.toBe(trafficHash(smoke));
    expect(trafficHash({ ...smoke, population: { ...smoke.population, accounts: 1 } })).not.toBe(
      trafficHash(smoke),
    );
  });
});
