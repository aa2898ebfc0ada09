/**
 * What compare reads from one run, beyond the summary's own fields: the final outcomes a step's
 * error rates are judged on, the window rates are taken over, the per-interval percentiles the
 * latency persistence check uses, and the generator's own delay (the latency noise floor).
 */
import { NOT_BACKEND_CLASSES } from '../../harness/vocabulary/outcome.js';
import { median } from '../analysis/analysis-options.js';
import type { RunData } from '../run-dir/run-data.js';
import type { StepSummary } from '../run-dir/summary.js';
import type { IntervalPercentiles } from './latency-verdict.js';

/**
 * The seconds rates are taken over: the planned arrival window, equal for two runs of equal
 * traffic. Over the whole run (drain included) a candidate that drains slower would lose
 * goodput for the same users served; its slowness is judged once, by latency and user wait.
 */
export function windowS(run: RunData): number {
  return run.meta.plannedDurationS > 0 ? run.meta.plannedDurationS : run.summary.durationS;
}

/**
 * The generator's own delay in a run, ms: the larger of its send-lateness p99 and the median of
 * its per-interval event-loop delay p99. Intended-time latency includes both (a request sent
 * late, or a response read late, is slower by that much whatever the target did), so a latency
 * shift no larger than this cannot be put on the build. Valid runs keep it under 10 ms.
 */
export function generatorDelayMs(run: RunData): number {
  const loop = run.series.flatMap((r) => (r.health ? [r.health.loopDelayP99Us / 1000] : []));
  return Math.max(run.summary.latenessMs?.p99 ?? 0, loop.length > 0 ? median(loop) : 0);
}

/** Whether a class is the backend's doing (not `cancelled` nor `target-error`). */
function isJudged(cls: string): boolean {
  return !(NOT_BACKEND_CLASSES as readonly string[]).includes(cls);
}

/** Final outcomes of a step (attempts in version-1 runs), only the backend's classes. */
export function outcomesOf(s: StepSummary | undefined): Readonly<Record<string, number>> | null {
  if (s === undefined) return null;
  const counts = s.finals ?? s.attempts;
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(counts)) if (isJudged(k)) out[k] = n;
  return out;
}

/** Sum of a by-name count record. */
function total(counts: Readonly<Record<string, number>>): number {
  let n = 0;
  for (const k in counts) n += counts[k] ?? 0;
  return n;
}

/** The count of the classes `failed` picks over the total, or null without counts. */
export function share(
  counts: Readonly<Record<string, number>> | null,
  failed: (cls: string) => boolean,
): { k: number; n: number } | null {
  if (counts === null) return null;
  let k = 0;
  for (const [cls, n] of Object.entries(counts)) if (failed(cls)) k += n;
  return { k, n: total(counts) };
}

/** Per-interval p50 and p99 of a step's ok latency or user wait, ms, intervals with data only. */
export function intervals(
  run: RunData,
  step: number,
  kind: 'latencyOkMs' | 'userWaitMs',
): IntervalPercentiles {
  const p50: number[] = [];
  const p99: number[] = [];
  for (const r of run.series) {
    const l = r.steps[step]?.[kind];
    if (l) {
      p50.push(l.p50);
      p99.push(l.p99);
    }
  }
  return { p50, p99 };
}
