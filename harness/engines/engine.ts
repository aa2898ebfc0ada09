/**
 * The plug-in point between the run coordinator and the thing that generates load. An engine
 * fires the profile's traffic at a started target and streams interval snapshots to its sink; it
 * never writes files, prints or decides exit codes (the coordinator does).
 *
 * Contract: `run` resolves when every shard is done (or stopped); it must not reject for anything
 * the target does: a failing target is data. It rejects only when the engine cannot run at all.
 * The sink's methods are called from the main thread, never concurrently.
 */

import type { IntervalSnapshot } from '../../reports/recorder/interval-snapshot.js';
import type { LatencyModel } from '../../reports/run-dir/run-meta.js';
import type { Target } from '../../targets/target.js';
import type { Shard } from '../arrivals/arrival.js';
import type { RunT0 } from '../driver/real-clock.js';
import type { Profile } from '../profile/profile.js';

/** Where an engine delivers what it measured. */
export interface SnapshotSink {
  /** All shards are ready; returns the run's t0 that every shard must use. */
  started(): RunT0;
  snapshot(shard: number, s: IntervalSnapshot): void;
  shardDone(shard: number, cancelledSessions: number): void;
  /** A shard died; what it shipped before stays, the run is marked degraded. */
  shardFailed(shard: number, reason: string): void;
}

export interface EngineRunOptions {
  readonly profile: Profile;
  /** Started already; engines rebuild it in their threads from `target.spec()`. */
  readonly target: Target;
  readonly intervalMs: number;
  /** Parallel shards (worker threads) to use. */
  readonly workers: number;
  /** The global slice of the stream this process runs (`--shard i/n`), or null. */
  readonly shard: Shard | null;
  readonly drainMs: number;
  /** Engine-specific knobs from the CLI (e.g. autocannon `connections`, `duration`). */
  readonly options: Readonly<Record<string, number | string | boolean>>;
  readonly sink: SnapshotSink;
  /** Aborted on Ctrl-C / SIGTERM / abort-on-fail: stop firing, finish in-flight work briefly. */
  readonly signal: AbortSignal;
}

export interface Engine {
  readonly name: string;
  readonly latencyModel: LatencyModel;
  /** Number of shards `run` will report on (the coordinator waits for each before closing an interval). */
  shardCount(opts: Pick<EngineRunOptions, 'workers'>): number;
  run(opts: EngineRunOptions): Promise<void>;
}
