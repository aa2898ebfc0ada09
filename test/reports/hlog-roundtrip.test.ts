import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { afterAll, describe, expect, it } from 'vitest';
import { HLOG_KINDS, hlogTag, LATENESS_TAG } from '../../reports/run-dir/hlog-file.js';
import { countSum } from '../../reports/run-dir/series-row.js';
import { buildSyntheticRun } from './synthetic-run.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-hlog-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('histograms.hlog', () => {
  it('is read back by the standard HistogramLogReader: every interval, equal counts and percentiles', async () => {
    const { writer, meta } = await buildSyntheticRun(join(root, 'run'), { shards: 2 });
    const text = await readFile(join(writer.dir, 'histograms.hlog'), 'utf8');
    const reader = new hdr.HistogramLogReader(text, 64);
    const seen = new Map<string, hdr.Histogram>();
    let lines = 0;
    for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
      lines++;
      const index = Math.round((h.startTimeStampMsec - meta.t0Ms) / 1000);
      seen.set(`${index}/${h.tag}`, h);
      expect(h.endTimeStampMsec - h.startTimeStampMsec).toBeCloseTo(1000, 6);
    }
    const series = writer.runData().series;
    let expected = 0;
    for (const row of series) {
      meta.steps.forEach((step, i) => {
        const st = row.steps[i]!;
        const count = countSum(st.outcomes);
        const lat = seen.get(`${row.index}/${hlogTag(step, 'latency')}`);
        const svc = seen.get(`${row.index}/${hlogTag(step, 'service')}`);
        if (count === 0) {
          expect(lat).toBeUndefined();
          return;
        }
        // latency and service always; ok latency when an attempt was ok; user wait when a step ended.
        const ok = st.outcomes['ok'] ?? 0;
        const finals = countSum(st.finals);
        expected += 2 + (ok > 0 ? 1 : 0) + (finals > 0 ? 1 : 0);
        expect(seen.get(`${row.index}/${hlogTag(step, 'latency-ok')}`)?.totalCount ?? 0).toBe(ok);
        expect(seen.get(`${row.index}/${hlogTag(step, 'user-wait')}`)?.totalCount ?? 0).toBe(finals);
        expect(lat?.totalCount).toBe(count);
        expect(svc?.totalCount).toBe(count);
        expect(lat!.getValueAtPercentile(50) / 1000).toBe(st.latencyMs!.p50);
        expect(lat!.getValueAtPercentile(99) / 1000).toBe(st.latencyMs!.p99);
        expect(lat!.maxValue / 1000).toBe(st.latencyMs!.max);
        expect(svc!.getValueAtPercentile(99) / 1000).toBe(st.serviceMs!.p99);
      });
    }
    // One send-lateness line per interval that had arrivals; together they hold every lateness.
    let latenessLines = 0;
    let latenessCount = 0;
    for (const [key, h] of seen) {
      if (!key.endsWith(`/${LATENESS_TAG}`)) continue;
      latenessLines++;
      latenessCount += h.totalCount;
    }
    expect(latenessLines).toBe(series.filter((r) => r.arrivals > 0).length);
    expect(latenessCount).toBe(writer.runData().lateness.totalCount);
    expect(latenessCount).toBe(writer.runData().summary.arrivals);
    expect(lines).toBe(expected + latenessLines);
    expect(lines).toBeGreaterThan(100);
  });

  it('declares StartTime and BaseTime at t0 and tags without spaces or commas', async () => {
    const { writer, meta } = await buildSyntheticRun(join(root, 'hdr'), { intervals: 3 });
    const text = await readFile(join(writer.dir, 'histograms.hlog'), 'utf8');
    expect(text).toContain(`#[StartTime: ${(meta.t0Ms / 1000).toFixed(3)} (seconds since epoch)`);
    expect(text).toContain(`#[BaseTime: ${(meta.t0Ms / 1000).toFixed(3)} (seconds since epoch)]`);
    expect(text).toContain('#[Histogram log format version 1.3]');
    expect(hdr.listTags(text).sort()).toEqual(
      [...meta.steps.flatMap((s) => HLOG_KINDS.map((k) => `${s}.${k}`)), LATENESS_TAG].sort(),
    );
    expect(hlogTag('a step, odd', 'latency')).toBe('a_step__odd.latency');
  });
});
