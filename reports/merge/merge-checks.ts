/**
 * What makes a set of run directories mergeable: shards of one profile (same profile hash), the
 * same interval length, and shards that do not overlap (no shard index twice, no whole-stream run
 * beside a shard, one shard count). Each refusal is a one-line error naming the directory.
 */
import { StampedeError } from '../../harness/errors.js';
import type { RunData } from '../run-dir/run-data.js';

/** One input of a merge: where it was read from and what it holds. */
export interface MergeInput {
  readonly dir: string;
  readonly run: RunData;
}

/** How much of the arrival stream the inputs cover together. */
export interface ShardCoverage {
  /** Shard count of the inputs (1 for a single whole-stream run). */
  readonly count: number;
  /** Shard indices present, ascending. */
  readonly indices: readonly number[];
  /** True when every shard of the stream is present. */
  readonly complete: boolean;
}

/** Throws `E_USAGE`/`E_RUN_DIR` unless the inputs can be merged exactly; returns their coverage. */
export function checkMergeable(inputs: readonly MergeInput[]): ShardCoverage {
  if (inputs.length < 2)
    throw new StampedeError('E_USAGE', `merge needs at least 2 run directories (got ${inputs.length})`);
  const first = inputs[0]!;
  const seen = new Map<number, string>();
  let count: number | null = null;
  for (const { dir, run } of inputs) {
    const m = run.meta;
    if (m.profile.hash !== first.run.meta.profile.hash) {
      throw new StampedeError(
        'E_RUN_DIR',
        `${dir}: profile ${m.profile.name} (hash ${m.profile.hash}) differs from ${first.dir} (${first.run.meta.profile.name}, hash ${first.run.meta.profile.hash}); merge only shards of one profile`,
      );
    }
    if (m.intervalMs !== first.run.meta.intervalMs) {
      throw new StampedeError(
        'E_RUN_DIR',
        `${dir}: interval ${m.intervalMs}ms differs from ${first.dir} (${first.run.meta.intervalMs}ms)`,
      );
    }
    if (m.shard === undefined) {
      throw new StampedeError(
        'E_RUN_DIR',
        `${dir}: covers the whole arrival stream (not a shard), so it overlaps every other input`,
      );
    }
    if (count !== null && m.shard.count !== count) {
      throw new StampedeError(
        'E_RUN_DIR',
        `${dir}: shard ${m.shard.index + 1}/${m.shard.count} is from a split into ${m.shard.count}, the others into ${count}`,
      );
    }
    count = m.shard.count;
    const twin = seen.get(m.shard.index);
    if (twin !== undefined) {
      throw new StampedeError(
        'E_RUN_DIR',
        `${dir}: shard ${m.shard.index + 1}/${m.shard.count} is also in ${twin} (overlapping shards)`,
      );
    }
    seen.set(m.shard.index, dir);
  }
  const indices = [...seen.keys()].sort((a, b) => a - b);
  return { count: count ?? 1, indices, complete: indices.length === count };
}
