/**
 * Scrapes a target's Prometheus endpoint once per interval from the main thread, so the report can
 * put the server's own view (queue depths, in flight) beside the client's. A failed scrape is
 * skipped, never fatal: the target may be down for maintenance, which is exactly when it matters
 * least to stop measuring.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { request } from 'undici';
import type { TargetMetricsSample } from '../../reports/run-dir/run-meta.js';

/** Flattens gauges and counters into `name{label="v",…}` -> value; histograms keep their sum and count. */
export function flattenPrometheus(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const family of parsePrometheusTextFormat(text)) {
    for (const m of family.metrics) {
      const labels = m.labels ? Object.entries(m.labels) : [];
      const key =
        labels.length === 0
          ? family.name
          : `${family.name}{${labels.map(([k, v]) => `${k}="${v}"`).join(',')}}`;
      if (m.value !== undefined) {
        const v = Number(m.value);
        if (Number.isFinite(v)) out[key] = v;
      } else if (m.count !== undefined) {
        out[`${key}_count`] = Number(m.count);
        if (m.sum !== undefined) out[`${key}_sum`] = Number(m.sum);
      }
    }
  }
  return out;
}

/** One scrape; resolves null when the endpoint did not answer usably within `timeoutMs`. */
export async function scrapeMetrics(url: string, timeoutMs: number): Promise<TargetMetricsSample | null> {
  try {
    const res = await request(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.body.text();
    if (res.statusCode !== 200) return null;
    return { atMs: performance.timeOrigin + performance.now(), values: flattenPrometheus(text) };
  } catch {
    return null;
  }
}
