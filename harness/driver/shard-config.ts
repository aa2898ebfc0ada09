/**
 * Everything a shard (one worker thread) needs to run its slice of the surge. Plain data: it
 * crosses the thread boundary as `workerData`.
 */
import type { IntervalSnapshot } from '../../reports/recorder/interval-snapshot.js';
import type { TargetSpec } from '../../targets/target.js';
import type { Shard } from '../arrivals/arrival.js';
import type { Profile } from '../profile/profile.js';
import type { RunT0 } from './real-clock.js';

export interface ShardConfig {
  readonly profile: Profile;
  readonly target: TargetSpec;
  /** Wire transport name (harness/transports/transport-registry.ts). */
  readonly transport: string;
  /** Slice of the arrival stream (global `--shard` combined with the worker index). */
  readonly shard: Shard;
  /** Worker number, for messages. */
  readonly worker: number;
  readonly intervalMs: number;
  /** Sessions in flight this shard may hold before it drops arrivals. */
  readonly maxInFlight: number;
  readonly connections: number;
  readonly pipelining: number;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** After the last arrival, how long sessions still running may take before they are cancelled. */
  readonly drainMs: number;
}

/** Messages a shard sends to the coordinator. */
export type ShardMessage =
  | { readonly type: 'ready'; readonly worker: number }
  | { readonly type: 'snapshot'; readonly worker: number; readonly snapshot: IntervalSnapshot }
  | { readonly type: 'done'; readonly worker: number; readonly cancelled: number }
  | { readonly type: 'error'; readonly worker: number; readonly message: string };

/** Messages the coordinator sends to a shard. */
export type CoordinatorMessage =
  /** Every shard is ready: t0 is the shared start of the run (monotonic and epoch). */
  { readonly type: 'start'; readonly t0: RunT0 } | { readonly type: 'stop'; readonly graceMs: number };
