/**
 * The run's three backlog series (docs/measurement.md#backlog): requests at the target (written,
 * not answered), requests queued in the client (due, not yet written) and sessions waiting to
 * retry (in backoff). They come from the gauges every shard reads at each cut; sessions in think
 * time or between mailbox polls are in none of them. A run without gauges (version 1, imports)
 * gets one series instead, the cumulative estimate Σ offered − Σ answered over every step,
 * labelled as such (in version 1 it counts sessions in think time too).
 */
import type { SeriesRow } from '../run-dir/series-row.js';
import { countSum } from '../run-dir/series-row.js';
import type { BacklogSummary } from '../run-dir/summary.js';

/** The series, one value per row. */
export interface BacklogSeries {
  readonly source: BacklogSummary['source'];
  /** At target + in client (gauges), or the cumulative estimate. */
  readonly total: readonly number[];
  /** Null when the run has no gauges. */
  readonly atTarget: readonly number[] | null;
  readonly inClient: readonly number[] | null;
  readonly inBackoff: readonly number[] | null;
}

/** The backlog series of a run's rows: gauges when every row has them, else the estimate. */
export function backlogSeries(rows: readonly SeriesRow[]): BacklogSeries {
  if (rows.length > 0 && rows.every((r) => r.backlog !== null)) {
    const atTarget = rows.map((r) => r.backlog!.atTarget);
    const inClient = rows.map((r) => r.backlog!.inClient);
    return {
      source: 'gauges',
      total: atTarget.map((a, i) => a + inClient[i]!),
      atTarget,
      inClient,
      inBackoff: rows.map((r) => r.backlog!.inBackoff),
    };
  }
  let b = 0;
  const total = rows.map((r) => {
    for (const st of r.steps) b += st.offered - countSum(st.outcomes);
    b = Math.max(0, b);
    return b;
  });
  return { source: 'cumulative-estimate', total, atTarget: null, inClient: null, inBackoff: null };
}

function peak(xs: readonly number[] | null): number | null {
  if (xs === null) return null;
  let m = 0;
  for (const x of xs) if (x > m) m = x;
  return m;
}

/** Peaks of the series (summary.json `backlog`). */
export function backlogSummary(
  series: BacklogSeries,
  rows: readonly SeriesRow[],
  intervalS: number,
): BacklogSummary {
  let peakTotal = 0;
  let peakAtS: number | null = null;
  series.total.forEach((v, i) => {
    if (v > peakTotal) {
      peakTotal = v;
      // The gauge is read at the interval's end.
      peakAtS = Math.round((rows[i]!.tS + intervalS) * 1000) / 1000;
    }
  });
  return {
    source: series.source,
    peakAtTarget: peak(series.atTarget),
    peakInClient: peak(series.inClient),
    peakInBackoff: peak(series.inBackoff),
    peakTotal,
    peakAtS,
  };
}
