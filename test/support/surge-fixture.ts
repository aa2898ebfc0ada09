/**
 * Runs a real surge from a test: writes a profile and an http target file into a temp dir, loads
 * them the way the CLI does, and runs the coordinator with worker threads against a loopback server.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { derivedDrainS } from '../../harness/driver/drain.js';
import { ProgressDisplay } from '../../harness/driver/progress-display.js';
import { runSurge, type SurgeResult } from '../../harness/driver/run-coordinator.js';
import type { Engine } from '../../harness/engines/engine.js';
import { openModelEngine } from '../../harness/engines/open-model-engine.js';

const undiciEngine = openModelEngine('undici');

import { loadProfile } from '../../harness/profile/load-profile.js';
import type { Gate } from '../../reports/gates/gate.js';
import { resolveTarget } from '../../targets/registry.js';
import type { Target } from '../../targets/target.js';

/** A fresh temp directory for one test. */
export function tempDir(prefix = 'stampede-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** An http target file with one GET step for `login`, against `origin`. */
export function writeGetTarget(dir: string, origin: string): string {
  const file = join(dir, 'target.yaml');
  writeFileSync(
    file,
    [
      'name: test-server',
      `baseUrl: ${origin}`,
      'accounts: { name: "user-{{index}}", password: "pw" }',
      'steps:',
      '  login: { method: GET, path: "/login/{{account}}", expect: [200] }',
      '',
    ].join('\n'),
  );
  return file;
}

export interface SurgeRun {
  readonly profileYaml: string;
  /** `reference`, or an http target file path. */
  readonly target: string | Target;
  readonly workers?: number;
  readonly gates?: readonly Gate[];
  readonly signal?: AbortSignal;
  readonly capacity?: Record<string, number>;
  /** Seconds, or `derived`: the drain the CLI derives from the flows (harness/driver/drain.ts). */
  readonly drainS?: number | 'derived';
  readonly shard?: { index: number; count: number } | null;
  readonly engine?: Engine;
  readonly engineOptions?: Record<string, number | string | boolean>;
}

const silent = new Writable({
  write(_chunk, _enc, done) {
    done();
  },
});

export async function runTestSurge(run: SurgeRun): Promise<SurgeResult & { dir: string }> {
  const dir = tempDir();
  const profileFile = join(dir, 'profile.yaml');
  writeFileSync(profileFile, run.profileYaml);
  const profile = await loadProfile(profileFile);
  const target = typeof run.target === 'string' ? await resolveTarget(run.target, dir) : run.target;
  const outDir = join(dir, 'run');
  const capacity: Record<string, number> = {};
  for (const [k, v] of Object.entries(profile.reference)) if (typeof v === 'number') capacity[k] = v;
  Object.assign(capacity, run.capacity ?? {});
  const result = await runSurge({
    profile,
    target,
    engine: run.engine ?? undiciEngine,
    outDir,
    workers: run.workers ?? 1,
    shard: run.shard ?? null,
    drainS: run.drainS === 'derived' ? derivedDrainS(profile) : (run.drainS ?? 5),
    capacity,
    gates: run.gates ?? [],
    engineOptions: run.engineOptions ?? {},
    progress: new ProgressDisplay(silent, {}),
    signal: run.signal ?? new AbortController().signal,
  });
  return { ...result, dir: outDir };
}
