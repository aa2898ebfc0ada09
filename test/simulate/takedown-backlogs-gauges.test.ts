/**
 * The backlogs a simulation reports at each take-down's start and end
 * (harness/simulate/takedown-backlogs.ts), read from hand-made series rows and model gauges: the
 * in-backoff gauge of the interval ending at the boundary, the model's gauges of the last sample
 * taken by it.
 */
import { describe, expect, it } from 'vitest';
import { takedownBacklogs } from '../../harness/simulate/takedown-backlogs.js';
import type { RunData } from '../../reports/run-dir/run-data.js';
import { emptySeriesRow, emptyStepRow, type SeriesRow } from '../../reports/run-dir/series-row.js';

const T0 = 1_000_000;
// Ten 10 s intervals; interval i ends at 10(i+1) s with 100·i users in backoff.
const rows: SeriesRow[] = Array.from({ length: 10 }, (_, i) => ({
  ...emptySeriesRow(i, i * 10),
  backlog: { atTarget: 0, inClient: 0, inBackoff: 100 * i },
  steps: [emptyStepRow()],
}));
// Model gauges at every boundary 0, 10, ... 100 s: admin queue 2·t, outbox 1000 + t.
const samples = Array.from({ length: 11 }, (_, k) => ({
  atMs: T0 + k * 10_000,
  values: { stampede_ref_admin_queue_depth: 2 * k * 10, stampede_ref_mail_outbox_depth: 1000 + k * 10 },
}));

/** A run with one 40 s take-down `w` from 25 s, over these interval rows and model samples. */
function runWith(series: unknown[], targetMetrics: unknown[]): RunData {
  return {
    meta: { t0Ms: T0, intervalMs: 10_000, outages: [{ name: 'w', startS: 25, durationS: 40, regions: [] }] },
    series,
    targetMetrics,
  } as unknown as RunData;
}

describe('take-down backlogs', () => {
  it('reads each gauge at the last boundary by the start and by the end', () => {
    const data = runWith(rows, samples);
    // Start 25 s: the last interval ending by then is #1 (10-20 s): 100 in backoff; the last
    // sample by then is at 20 s: queue 40, outbox 1020. End 65 s: interval #5 (50-60 s): 500;
    // sample at 60 s: queue 120, outbox 1060.
    expect(takedownBacklogs(data)).toEqual([
      {
        name: 'w',
        inBackoffAtStart: 100,
        inBackoffAtEnd: 500,
        adminQueueAtStart: 40,
        adminQueueAtEnd: 120,
        outboxAtStart: 1020,
        outboxAtEnd: 1060,
      },
    ]);
  });

  it('says null where the run has no gauge (no backlog rows, no model samples)', () => {
    const data = runWith(
      rows.map((r) => ({ ...r, backlog: null })),
      [],
    );
    const [b] = takedownBacklogs(data);
    expect(b).toMatchObject({ inBackoffAtStart: null, adminQueueAtEnd: null, outboxAtStart: null });
  });
});
