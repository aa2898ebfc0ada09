/**
 * Fall-behind (docs/measurement.md#fall-behind): for each step, the first interval from which
 * the target stopped keeping up, sustained, outside planned outages and their drain, and when
 * its backlog and latency were back to baseline.
 *
 * An interval is behind for a step when its throughput or latency verdict holds
 * (`step-signals.ts`) and it lies outside every take-down span (`take-downs.ts`). A stretch of at
 * least `window` consecutive behind intervals is a fall-behind once it is beyond the noise of a
 * cut somewhere in it (the target shed load, the backlog left its baseline band, or latency left
 * its baseline); the onset is the stretch's first interval: an interval that met the definition,
 * or, for a shedding target, the earlier intervals right before it that already shed beyond the
 * baseline's noise (below the threshold), never an earlier one that was fine. A short stretch whose backlog stayed within the band (a
 * few requests in flight at a cut on a ramp) is noise. Recovery is the first of `window` consecutive
 * intervals after it whose backlog and latency are at baseline (not the end of arrivals: a queue
 * still draining is not recovered), outside take-down spans (a step idled by an outage has not
 * recovered by being idle).
 *
 * p99 before and after are the same statistic over windows of the same length on each side of
 * the onset: the median interval p99 of the `window` intervals before it and of the `window`
 * intervals from it. The worst interval p99 of the whole fallen-behind span is `p99PeakMs`.
 */
import type { FellBehind } from '../run-dir/summary.js';
import { type AnalysisOptions, firstSustained, median, round3 } from './analysis-options.js';
import type { AnalysisInput, StepSignals } from './step-signals.js';

function medianP99(s: StepSignals, from: number, to: number): number | null {
  const xs: number[] = [];
  for (let i = Math.max(0, from); i < Math.min(to, s.p99.length); i++) {
    const p = s.p99[i];
    if (p !== null && p !== undefined) xs.push(p);
  }
  return xs.length === 0 ? null : median(xs);
}

/**
 * The new-offered rate at interval i: the median over the five intervals centred on it (fewer
 * at the run's edges), per second. One interval's count of n requests scatters by about √n
 * (±14 % at 50 a 250 ms interval) and the onset is picked where the count was high or low; the
 * median of five keeps a ramp's value at i and, unlike a mean, the level after a step.
 */
function offeredRateAt(s: StepSignals, i: number, intervalS: number): number {
  const xs: number[] = [];
  for (let k = Math.max(0, i - 2); k <= Math.min(s.newOffered.length - 1, i + 2); k++)
    xs.push(s.newOffered[k]!);
  return median(xs) / intervalS;
}

/** Start of the first stretch of >= `window` consecutive `behind` rows with a `sure` row in it, or -1. */
function confirmedStretch(
  n: number,
  window: number,
  behind: (i: number) => boolean,
  sure: (i: number) => boolean,
): number {
  let i = 0;
  while (i < n) {
    if (!behind(i)) {
      i++;
      continue;
    }
    let end = i;
    let confirmed = false;
    while (end < n && behind(end)) confirmed = sure(end++) || confirmed;
    if (end - i >= window && confirmed) return i;
    i = end;
  }
  return -1;
}

/** The finding of one step, or null when it kept up. */
export function stepFallBehind(
  input: AnalysisInput,
  step: number,
  s: StepSignals,
  excluded: readonly boolean[],
  o: AnalysisOptions,
): FellBehind | null {
  const { rows, intervalS } = input;
  const n = rows.length;
  const behind = (i: number): boolean => !excluded[i] && (s.throughput[i]! || s.latency[i]!);
  let onset = confirmedStretch(n, o.window, behind, (i) => s.confirmed[i]! || s.latency[i]!);
  if (onset < 0) return null;
  const reason = s.throughput[onset] ? 'throughput' : 'latency';
  // A shedding target's first turned-away requests are below the shedding threshold (a rate
  // limiter just past its rate sheds 1 %): the onset is where the shedding began, over intervals
  // that shed beyond the baseline's noise with ok below offered, never over one that was all ok,
  // nor over one where the generator was late (its bunched sends overflow a short queue below
  // the target's capacity).
  if (s.throughput[onset]) {
    while (
      onset > 0 &&
      !excluded[onset - 1] &&
      !s.late[onset - 1]! &&
      s.shedAny[onset - 1]! &&
      s.ok[onset - 1]! < s.offered[onset - 1]!
    ) {
      onset--;
    }
  }
  const recovered = firstSustained(n, onset + 1, o.window, (i) => !excluded[i] && s.atBaseline(i), true);
  const end = recovered < 0 ? n : recovered;
  let peakBacklog = 0;
  let peakP99: number | null = null;
  for (let i = onset; i < end; i++) {
    peakBacklog = Math.max(peakBacklog, s.backlog[i]!);
    const p = s.p99[i];
    if (p !== null && p !== undefined && (peakP99 === null || p > peakP99)) peakP99 = p;
  }
  const w = Math.min(o.window, n - onset);
  const before = onset === 0 ? 0 : s.backlog[onset - 1]!;
  const growth = (s.backlog[onset + w - 1]! - before) / (w * intervalS);
  const first = rows[onset]!;
  return {
    step: input.steps[step] ?? String(step),
    atS: first.tS,
    at: new Date(input.t0Ms + first.tS * 1000).toISOString(),
    // New requests only: retries are the clients' reaction to the fall-behind, not the demand.
    offeredRatePerS: round3(offeredRateAt(s, onset, intervalS)),
    achievedRatePerS: round3(s.ok[onset]! / intervalS),
    reason,
    p99BeforeMs: medianP99(s, onset - o.window, onset) ?? s.baselineP99 ?? 0,
    p99AfterMs: medianP99(s, onset, onset + o.window) ?? 0,
    p99PeakMs: peakP99 ?? 0,
    peakBacklog,
    backlogGrowthPerS: round3(growth),
    // The backlog is read at the cut: back at baseline by the end of that interval.
    recoveredAtS: recovered < 0 ? null : round3(rows[recovered]!.tS + intervalS),
  };
}

/** Every step that fell behind, earliest first (ties in step order); null when none did. */
export function analyzeFallBehind(
  input: AnalysisInput,
  signals: readonly StepSignals[],
  excluded: readonly boolean[],
  o: AnalysisOptions,
): FellBehind[] | null {
  const found: FellBehind[] = [];
  signals.forEach((s, step) => {
    const f = stepFallBehind(input, step, s, excluded, o);
    if (f !== null) found.push(f);
  });
  if (found.length === 0) return null;
  return found.sort((a, b) => a.atS - b.atS);
}
