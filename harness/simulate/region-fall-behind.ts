/**
 * When the admin pool fell behind in each region, and how long each take-down of that region
 * took to drain there: each region's reset-request tallies (harness/simulate/region-probe.ts) as
 * a one-step version-2 series handed to the run's own analysis (reports/analysis/analyze-run.ts),
 * so a region's onset and drain mean exactly what a step's mean in summary.json. The series has
 * no latency and no gauges (the probe keeps neither per region): the verdicts are throughput
 * verdicts and the backlog is Σ offered − Σ answered.
 */
import { analyzeRun } from '../../reports/analysis/analyze-run.js';
import type { RunMeta } from '../../reports/run-dir/run-meta.js';
import { emptySeriesRow, emptyStepRow, type SeriesRow } from '../../reports/run-dir/series-row.js';
import type { FellBehind, TakeDown } from '../../reports/run-dir/summary.js';
import { OUTCOME_CLASSES } from '../vocabulary/outcome.js';
import type { RegionTally } from './region-probe.js';

/** One region's findings. */
export interface RegionFallBehind {
  readonly region: string;
  /** The finding, or null when the region's reset requests kept up all run. */
  readonly fellBehind: FellBehind | null;
  /** The outages that took this region down, judged on its own reset requests. */
  readonly takedowns: readonly TakeDown[];
}

/** A region's tallies as a one-step series of `intervalMs` intervals (outcomes by class name). */
export function regionSeries(t: RegionTally, intervalMs: number): SeriesRow[] {
  return t.offered.map((offered, i) => {
    const outcomes: Record<string, number> = {};
    t.outcomes[i]!.forEach((n, k) => {
      if (n > 0) outcomes[OUTCOME_CLASSES[k]!] = n;
    });
    return {
      ...emptySeriesRow(i, Math.round(i * intervalMs) / 1000),
      steps: [{ ...emptyStepRow(), offered, retries: t.retries[i]!, outcomes }],
    };
  });
}

/** Every region of `tallies`, in the profile's order (`regionOrder`), then any other seen. */
export function regionFallBehind(
  tallies: ReadonlyMap<string, RegionTally>,
  meta: RunMeta,
  regionOrder: readonly string[],
): RegionFallBehind[] {
  const names = [
    ...regionOrder.filter((r) => tallies.has(r)),
    ...[...tallies.keys()].filter((r) => !regionOrder.includes(r)),
  ];
  return names.map((region) => {
    const rows = regionSeries(tallies.get(region)!, meta.intervalMs);
    const outages = meta.outages.filter((o) => o.regions.length === 0 || o.regions.includes(region));
    const a = analyzeRun({
      t0Ms: meta.t0Ms,
      intervalS: meta.intervalMs / 1000,
      steps: ['reset-request'],
      rows,
      outages,
    });
    return { region, fellBehind: a.fellBehind?.[0] ?? null, takedowns: a.takedowns };
  });
}
