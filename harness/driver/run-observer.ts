/**
 * The coordinator's one hook for whatever watches a run live (the telemetry endpoint and
 * remote-write pusher today). The coordinator calls it on the main thread, never concurrently,
 * in this order: `started` once at t0, then `snapshot` for every shard snapshot as it arrives
 * and `intervalClosed` whenever intervals are complete across shards, then `finished` once
 * after the engine is done and before the run directory is finished.
 *
 * An observer must not throw and must not slow the coordinator: it only reads what it is given
 * (snapshots stay owned by the run writer; it must not change them).
 */
import type { IntervalSnapshot } from '../../reports/recorder/interval-snapshot.js';
import type { RunMeta } from '../../reports/run-dir/run-meta.js';

/** What an observer learns at t0. */
export interface RunStart {
  /** The run's meta.json (steps, t0, interval, profile, engine, shard). */
  readonly meta: RunMeta;
  /** The run directory. */
  readonly outDir: string;
  /** The target's Prometheus endpoint, when it has one (`MetricsSource`). */
  readonly metricsUrl: string | null;
  /** Records a notable event in the run directory (events.json, the report's event list). */
  readonly event: (kind: string, detail: string) => void;
}

/** How the run ended, as far as the observer needs to know. */
export interface RunFinish {
  /** Interrupted, failed or stopped by a gate: the run-state gauge says `aborted`. */
  readonly aborted: boolean;
}

/** Watches a run as it goes; see the file comment for the calling contract. */
export interface RunObserver {
  started(run: RunStart): void;
  snapshot(shard: number, s: IntervalSnapshot): void;
  /** Every shard has delivered intervals up to and including `index` (or is gone). */
  intervalClosed(index: number): void;
  /**
   * The engine is done. Resolves when the observer's last act (a final push) is over, bounded
   * by its own deadline; events it records before resolving reach the run directory.
   */
  finished(end: RunFinish): Promise<void>;
}
