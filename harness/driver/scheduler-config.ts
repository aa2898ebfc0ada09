/**
 * What a Scheduler (harness/driver/scheduler.ts) is built from: the shard's share of the profile
 * and its limits (SchedulerConfig), what it drives and reports to (SchedulerDeps), and what it
 * hands back at the end (SchedulerResult).
 */
import type { GeneratorHealth, IntervalSnapshot } from '../../reports/recorder/interval-snapshot.js';
import type { Target } from '../../targets/target.js';
import type { Shard } from '../arrivals/arrival.js';
import type { Profile } from '../profile/profile.js';
import type { Transport } from '../transports/transport.js';
import type { Clock } from './clock.js';

/** One shard's run: the profile, its slice of the arrival stream, and its limits. */
export interface SchedulerConfig {
  readonly profile: Profile;
  /** Slice of the arrival stream this scheduler runs. */
  readonly shard: Shard;
  readonly intervalMs: number;
  /** Sessions in flight this shard may hold before it drops arrivals. */
  readonly maxInFlight: number;
  readonly requestTimeoutMs: number;
  /** After the last arrival, how long sessions still running may take before they are cancelled. */
  readonly drainMs: number;
  /** Epoch ms of t0: interval bounds in files are epoch ms. */
  readonly t0EpochMs: number;
  /**
   * Encode each cut interval inside the send loop, at the cut, instead of after the due sends.
   * For the lateness bench only (bench/lateness-probe.ts: the before of issue 13 item 5).
   */
  readonly sealAtCut?: boolean;
}

/** What the scheduler drives and where its snapshots go. */
export interface SchedulerDeps {
  readonly clock: Clock;
  readonly target: Target;
  /** The transport for an origin; called once per origin, the scheduler keeps it. */
  readonly transportFor: (origin: string) => Transport;
  /** Called with each interval's snapshot, in index order, never concurrently. */
  readonly onSnapshot: (s: IntervalSnapshot) => void;
  /** The generator's own health over the interval being cut (real clock only). */
  readonly health?: () => GeneratorHealth;
}

/** The end of a shard's run. */
export interface SchedulerResult {
  /** Sessions cancelled at the end (drain deadline or stop). */
  readonly cancelled: number;
}
