/**
 * Metastability hint (docs/measurement.md#metastability): a step that stays degraded after a
 * take-down or a drop of its load while the new requests offered to it are below what it
 * sustained before. A target that cannot serve a load it served earlier is held down by
 * something other than demand (retry storms, cold caches, a queue that never drains): the
 * failure mode take-downs are meant to break and sometimes cause.
 *
 * Degraded here means the throughput verdict confirmed as a fall-behind's is (ok trailing
 * offered, the target shedding or the backlog above its band) with ok below what the step
 * sustained: a queue that drains at a load below capacity answers more than is offered, and a
 * target answering at its sustained rate while a retry herd keeps it shedding is at capacity;
 * neither is flagged. Intervals inside an outage or its drain span are not judged; a drain that never
 * ends is judged once its span (`maxDrainIntervals`) is over.
 */
import type { MetastableHint } from '../run-dir/summary.js';
import { type AnalysisOptions, firstSustained, round3 } from './analysis-options.js';
import type { AnalysisInput, StepSignals } from './step-signals.js';

/** The hint of one step, or null. */
function stepHint(
  input: AnalysisInput,
  step: number,
  s: StepSignals,
  excluded: readonly boolean[],
  o: AnalysisOptions,
): MetastableHint | null {
  const { rows, intervalS } = input;
  const n = rows.length;
  // What the step sustained so far: the best ok count it held for `window` consecutive healthy
  // intervals (the rolling minimum), outside outages; a single burst is not a sustained rate.
  const healthy = (i: number): boolean => !excluded[i] && !s.throughput[i] && s.offered[i]! >= o.minOffered;
  const sustained: number[] = [];
  const peakOffered: number[] = [];
  let best = 0;
  let peak = 0;
  for (let i = 0; i < n; i++) {
    sustained.push(best);
    peakOffered.push(peak);
    if (i + 1 >= o.window) {
      let held = Number.POSITIVE_INFINITY;
      for (let k = i - o.window + 1; k <= i; k++) held = healthy(k) ? Math.min(held, s.ok[k]!) : 0;
      best = Math.max(best, held);
    }
    peak = Math.max(peak, s.newOffered[i]!);
  }
  const below = (i: number): boolean =>
    s.newOffered[i]! >= o.minOffered && s.newOffered[i]! < sustained[i]! * (1 - o.metastableTolerance);
  const afterTakeDown = (i: number): boolean =>
    input.outages.some((out) => rows[i]!.tS >= out.startS + out.durationS);
  const afterDrop = (i: number): boolean => s.newOffered[i]! < peakOffered[i]! * (1 - o.metastableTolerance);
  // Degraded for real: the fall-behind's own evidence (shedding, or a backlog above its band),
  // and answering less than it sustained. A target still answering at its sustained rate while
  // the retry herd of a surge or a take-down keeps it shedding is at capacity, draining that herd
  // at (capacity − new load): not held down below it.
  const degraded = (i: number): boolean =>
    s.throughput[i]! && s.confirmed[i]! && s.ok[i]! < sustained[i]! * (1 - o.metastableTolerance);
  const at = firstSustained(
    n,
    0,
    o.window,
    (i) => !excluded[i] && degraded(i) && below(i) && (afterTakeDown(i) || afterDrop(i)),
  );
  if (at < 0) return null;
  return {
    step: input.steps[step] ?? String(step),
    atS: rows[at]!.tS,
    after: afterTakeDown(at) ? 'take-down' : 'load-drop',
    offeredRatePerS: round3(s.newOffered[at]! / intervalS),
    sustainedRatePerS: round3(sustained[at]! / intervalS),
  };
}

/** Every step with a metastability hint, earliest first; null when none. */
export function analyzeMetastability(
  input: AnalysisInput,
  signals: readonly StepSignals[],
  excluded: readonly boolean[],
  o: AnalysisOptions,
): MetastableHint[] | null {
  const found: MetastableHint[] = [];
  signals.forEach((s, step) => {
    const h = stepHint(input, step, s, excluded, o);
    if (h !== null) found.push(h);
  });
  return found.length === 0 ? null : found.sort((a, b) => a.atS - b.atS);
}
