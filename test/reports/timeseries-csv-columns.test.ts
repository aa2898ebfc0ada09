/**
 * timeseries.csv is read by its header: columns by name, unknown columns ignored, a different
 * column order read the same, and a version-1 file (classes as `<step>.<class>`) still read.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { SeriesRow } from '../../reports/run-dir/series-row.js';
import {
  parseTimeseries,
  TimeseriesFormatError,
  TimeseriesLayout,
} from '../../reports/run-dir/timeseries-csv.js';

const STEPS = ['login', 'reset.request'];
const ROW: SeriesRow = {
  index: 3,
  tS: 3,
  plannedPerS: 20,
  arrivals: 20,
  started: 19,
  dropped: 1,
  completed: 18,
  succeeded: 17,
  inFlight: 4,
  maxLatenessMs: 0.4,
  latenessP99Ms: 0.3,
  backlog: { atTarget: 3, inClient: 1, inBackoff: 2 },
  health: { loopDelayP99Us: 1500, busy: 0.25 },
  flows: { reset: { arrivals: 20, dropped: 1, completed: 18, succeeded: 17 } },
  steps: [
    {
      offered: 20,
      retries: 1,
      outcomes: { ok: 18, '503': 1, 'target-error': 1 },
      finals: { ok: 18, '503': 1 },
      latencyMs: { p50: 4, p90: 6, p99: 9, max: 10 },
      latencyOkMs: { p50: 4, p90: 6, p99: 8, max: 9 },
      serviceMs: { p50: 3, p90: 5, p99: 7, max: 8 },
      userWaitMs: { p50: 4, p90: 7, p99: 900, max: 950 },
    },
    {
      offered: 0,
      retries: 0,
      outcomes: {},
      finals: null,
      latencyMs: null,
      latencyOkMs: null,
      serviceMs: null,
      userWaitMs: null,
    },
  ],
};

const layout = new TimeseriesLayout(STEPS, ['reset']);
const text = layout.header() + layout.line(ROW);

/** Adds a column (name, value) at position `at` of every line. */
function withColumn(csv: string, at: number, name: string, value: string): string {
  return csv
    .split('\n')
    .map((l, i) => {
      if (l === '') return l;
      const cells = l.split(',');
      cells.splice(at, 0, i === 0 ? name : value);
      return cells.join(',');
    })
    .join('\n');
}

describe('timeseries.csv by header', () => {
  it('round-trips a version-2 row', () => {
    expect(parseTimeseries(text, STEPS, false)).toEqual([ROW]);
  });

  it('ignores unknown columns, wherever they are', () => {
    const more = withColumn(withColumn(text, 4, 'cosmic_rays', '7'), 40, 'login.future_p42_ms', '1.5');
    expect(parseTimeseries(more, STEPS, false)).toEqual([ROW]);
  });

  it('reads columns by name, not by position', () => {
    const lines = text.split('\n');
    const cells = lines.slice(0, 2).map((l) => l.split(','));
    const order = cells[0]!.map((_, i) => i).reverse();
    const swapped = `${cells.map((c) => order.map((i) => c[i]).join(',')).join('\n')}\n`;
    expect(parseTimeseries(swapped, STEPS, false)).toEqual([ROW]);
  });

  it('reads a version-1 file (positional classes, no gauges): figures it lacks are null', async () => {
    const dir = new URL('../fixtures/run-dir-v1/synthetic/', import.meta.url);
    const v1 = await readFile(new URL('timeseries.csv', dir), 'utf8');
    const rows = parseTimeseries(v1, ['login', 'reset-request', 'await-mail'], false);
    expect(rows).toHaveLength(40);
    // Line 2 of the file: login 20 offered, 20 ok (index 0).
    expect(rows[0]!.steps[0]!.offered).toBe(20);
    expect(rows[0]!.steps[0]!.outcomes).toEqual({ ok: 20 });
    expect([rows[0]!.backlog, rows[0]!.succeeded, rows[0]!.flows, rows[0]!.steps[0]!.finals]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it('rejects a header without index or without a step of meta.json, naming the column', () => {
    expect(() => parseTimeseries(text.replace('index,', 'idx,'), STEPS, false)).toThrow(
      /line 1: header has no column "index"/,
    );
    expect(() => parseTimeseries(text, [...STEPS, 'logout'], false)).toThrow(TimeseriesFormatError);
  });
});
