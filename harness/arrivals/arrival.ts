import { ZERO_NS } from '../vocabulary/zero-ns.js';

/**
 * One arrival of the open model: a user shows up at `atNs` (nanoseconds from the run start) in
 * `region` and runs `flow` with `account`. Indices point into `Profile.flows` / `Profile.regions`.
 */
export interface Arrival {
  /** Intended time, ns from run start. A double: exact to the ns for runs up to 104 days. */
  atNs: number;
  /** Index into `Profile.flows`. */
  flow: number;
  /** Account index in the population. */
  account: number;
  /** Index into `Profile.regions`. */
  region: number;
  /** Position in the whole (unsharded) stream, 0-based; unique per arrival. */
  seq: number;
}

/** A shard selector: shard `index` (0-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * A lazy arrival stream. `next(into)` fills `into` with the next arrival in time order and returns
 * true, or returns false at the end; it allocates nothing per arrival.
 */
export interface ArrivalSource {
  next(into: Arrival): boolean;
}

export function emptyArrival(): Arrival {
  return { atNs: ZERO_NS, flow: 0, account: 0, region: 0, seq: 0 };
}
