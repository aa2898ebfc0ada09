/**
 * When the admin pool fell behind in each region: each region's reset-request tallies
 * (harness/simulate/region-probe.ts) as a one-step series handed to the run's own fall-behind
 * analysis (reports/analysis/fall-behind.ts), so a region's onset means exactly what a step's
 * onset means in summary.json. Throughput verdicts only: latency is not kept per region.
 */
import { analyzeFallBehind } from '../../reports/analysis/fall-behind.js';
import type { RunMeta } from '../../reports/run-dir/run-meta.js';
import type { SeriesRow } from '../../reports/run-dir/series-row.js';
import type { FellBehind } from '../../reports/run-dir/summary.js';
import type { RegionTally } from './region-probe.js';

/** One region's verdict. */
export interface RegionFallBehind {
  readonly region: string;
  /** The finding, or null when the region's reset requests kept up all run. */
  readonly fellBehind: FellBehind | null;
}

/** Every region of `tallies`, in the profile's order (`regionOrder`). */
export function regionFallBehind(
  tallies: ReadonlyMap<string, RegionTally>,
  meta: RunMeta,
  regionOrder: readonly string[],
): RegionFallBehind[] {
  const intervalS = meta.intervalMs / 1000;
  const names = [
    ...regionOrder.filter((r) => tallies.has(r)),
    ...[...tallies.keys()].filter((r) => !regionOrder.includes(r)),
  ];
  return names.map((region) => {
    const t = tallies.get(region)!;
    const rows: SeriesRow[] = t.offered.map((offered, i) => ({
      index: i,
      tS: Math.round(i * meta.intervalMs) / 1000,
      plannedPerS: 0,
      arrivals: 0,
      started: 0,
      dropped: 0,
      completed: 0,
      inFlight: 0,
      maxLatenessMs: 0,
      steps: [
        { offered, retries: t.retries[i]!, outcomes: t.outcomes[i]!, latencyMs: null, serviceMs: null },
      ],
    }));
    const outages = meta.outages.filter((o) => o.regions.length === 0 || o.regions.includes(region));
    const found = analyzeFallBehind({ t0Ms: meta.t0Ms, intervalS, steps: ['reset-request'], rows, outages });
    return { region, fellBehind: found?.[0] ?? null };
  });
}
