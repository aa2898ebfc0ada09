/**
 * The flat form of the live series that a push carries: one labelled value per series (labels
 * include `__name__`), read from the prom-client registry as it stands, so the remote-write
 * receiver gets exactly what a scrape of the endpoint would return at that moment.
 */
import type { Registry } from 'prom-client';

/** One series' current value. */
export interface PushSeries {
  /** Label set including `__name__` (the sample name, e.g. `stampede_offered_total`). */
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Every series of `registry` with its default labels applied. */
export async function registrySeries(registry: Registry): Promise<PushSeries[]> {
  const out: PushSeries[] = [];
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const v of metric.values) {
      if (!Number.isFinite(v.value)) continue;
      const labels: Record<string, string> = {
        __name__: (v as { metricName?: string }).metricName ?? metric.name,
      };
      for (const [k, l] of Object.entries(v.labels)) if (l !== undefined) labels[k] = String(l);
      out.push({ labels, value: v.value });
    }
  }
  return out;
}
