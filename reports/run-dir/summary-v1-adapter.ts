/**
 * The one way a version-1 run directory enters this version: its summary.json and time series
 * become the version-2 in-memory shape (`Summary`, `SeriesRow`), so every renderer, gate,
 * compare and merge reads one shape. What version 1 recorded is kept as it said (counts, gate
 * results, how the run ended); what it never recorded (final outcomes, ok latency, user wait,
 * flows, backlog gauges) is null; the analysis is re-run on its series with today's definitions,
 * on the cumulative backlog estimate, labelled as such (`backlog.source`).
 */
import type { Histogram } from 'hdr-histogram-js';
import { UNFINISHED_REASON } from './run-data.js';
import type { RunMeta } from './run-meta.js';
import { type StepHistogramSet, totalsFromSeries } from './run-totals.js';
import type { SeriesRow } from './series-row.js';
import { summarize } from './summarize.js';
import type { GateResult, Summary } from './summary.js';

/** The fields of a version-1 summary.json this adapter reads (summary-v1.schema.json). */
export interface SummaryV1 {
  readonly schemaVersion: 1;
  readonly durationS: number;
  readonly aborted: boolean;
  readonly abortReason: string | null;
  readonly degraded: readonly string[];
  readonly arrivals: number;
  readonly started: number;
  readonly dropped: number;
  readonly completed: number;
  readonly maxLatenessMs: number;
  readonly steps: Readonly<
    Record<
      string,
      {
        readonly ok: number;
        readonly errors: Readonly<Record<string, number>>;
        readonly offered: number;
        readonly retries: number;
      }
    >
  >;
  readonly gates: readonly GateResult[] | null;
}

/** A version-1 summary (already checked against summary-v1.schema.json) as a version-2 Summary. */
export function summaryFromV1(
  v1: SummaryV1,
  meta: RunMeta,
  series: readonly SeriesRow[],
  histograms: readonly StepHistogramSet[],
  lateness: Histogram,
): Summary {
  const totals = totalsFromSeries(series, histograms, lateness);
  // A writer that died left a summary older than its series: rebuild the counts from the series.
  const rebuilt = v1.aborted && v1.abortReason === UNFINISHED_REASON;
  if (!rebuilt) {
    totals.arrivals = v1.arrivals;
    totals.started = v1.started;
    totals.dropped = v1.dropped;
    totals.completed = v1.completed;
    totals.maxLatenessUs = Math.round(v1.maxLatenessMs * 1000);
    meta.steps.forEach((name, i) => {
      const s = v1.steps[name];
      const t = totals.steps[i];
      if (s === undefined || t === undefined) return;
      for (const k of Object.keys(t.outcomes)) delete t.outcomes[k];
      if (s.ok > 0) t.outcomes['ok'] = s.ok;
      for (const [k, n] of Object.entries(s.errors)) if (n > 0) t.outcomes[k] = n;
      t.offered = s.offered;
      t.retries = s.retries;
    });
  }
  const degraded = [...v1.degraded];
  if (rebuilt)
    degraded.push('summary rebuilt from histograms.hlog and timeseries.csv (the run did not finish)');
  return summarize({
    meta,
    totals,
    series,
    end: { aborted: v1.aborted, abortReason: v1.abortReason, degraded },
    ...(rebuilt ? {} : { durationS: v1.durationS }),
    gates: v1.gates,
  });
}
