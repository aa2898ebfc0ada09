/**
 * The reference target's own event-loop lag over a run (targets/reference/loop-lag.ts), read from
 * the last scrape of its /metrics in target-metrics.json. The target shares the generator's
 * machine: a run whose target lagged measured the machine's CPU, not the target's capacity, and a
 * truth about that capacity is not judged on it (as a run whose generator was late is not).
 */
import type { TargetMetricsSample } from '../../reports/run-dir/run-meta.js';

/** The target's loop lag p99 over the run, ms; null when no scrape carried it. */
export function targetLoopLagP99Ms(samples: readonly TargetMetricsSample[]): number | null {
  for (let i = samples.length - 1; i >= 0; i--) {
    const v = samples[i]!.values['stampede_ref_event_loop_lag_p99_seconds'];
    if (v !== undefined) return v * 1000;
  }
  return null;
}
