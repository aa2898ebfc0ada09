/**
 * The target's own metrics (its scraped Prometheus exposition), re-exported beside stampede's
 * series: every family name gets the `stampede_target_` prefix and every sample the run labels,
 * so a dashboard puts the backend's queue depths next to the load that fills them and a second
 * run never mixes with the first. Parsed once per scrape into flat samples, which render both as
 * exposition text (the endpoint) and as remote-write series (the pusher).
 */
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';
import type { PushSeries } from './push-series.js';
import { TARGET_PREFIX } from './telemetry-series.js';

/** One sample of a re-exported family. */
interface TargetSample {
  /** Full sample name (family name plus `_bucket`, `_sum`, `_count` for histograms). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface TargetFamily {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly samples: readonly TargetSample[];
}

const PROM_TYPES: Readonly<Record<PromFamily['type'], string>> = {
  COUNTER: 'counter',
  GAUGE: 'gauge',
  HISTOGRAM: 'histogram',
  SUMMARY: 'summary',
  UNTYPED: 'untyped',
};

/** The latest scrape of the target, prefixed and labelled. */
export class TargetExposition {
  readonly #runLabels: Readonly<Record<string, string>>;
  #families: readonly TargetFamily[] = [];

  constructor(runLabels: Readonly<Record<string, string>>) {
    this.#runLabels = runLabels;
  }

  /**
   * Replaces the held families with those of `text`. Text that does not parse keeps the previous
   * scrape (a target answering garbage mid-run must not blank the dashboard nor stop the run).
   */
  update(text: string): boolean {
    let parsed: PromFamily[];
    try {
      parsed = parsePrometheusTextFormat(text);
    } catch {
      return false;
    }
    this.#families = parsed.map((f) => this.#family(f));
    return true;
  }

  /** The families in the Prometheus text format (0.0.4), empty before the first scrape. */
  render(): string {
    const out: string[] = [];
    for (const f of this.#families) {
      out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
      for (const s of f.samples) out.push(`${s.name}${labelText(s.labels)} ${formatValue(s.value)}`);
    }
    return out.length === 0 ? '' : `${out.join('\n')}\n`;
  }

  /** The samples as remote-write series (labels include `__name__`). */
  series(): PushSeries[] {
    const out: PushSeries[] = [];
    for (const f of this.#families) {
      for (const s of f.samples) out.push({ labels: { __name__: s.name, ...s.labels }, value: s.value });
    }
    return out;
  }

  #family(f: PromFamily): TargetFamily {
    const name = `${TARGET_PREFIX}${f.name}`;
    const samples: TargetSample[] = [];
    const add = (
      suffix: string,
      labels: Readonly<Record<string, string>> | undefined,
      v: string | undefined,
    ) => {
      const value = Number(v);
      if (v === undefined || Number.isNaN(value)) return;
      samples.push({ name: `${name}${suffix}`, labels: { ...labels, ...this.#runLabels }, value });
    };
    for (const m of f.metrics) {
      if (m.buckets !== undefined) {
        for (const [le, n] of Object.entries(m.buckets)) add('_bucket', { ...m.labels, le }, n);
        add('_sum', m.labels, m.sum);
        add('_count', m.labels, m.count);
      } else if (m.quantiles !== undefined) {
        for (const [q, v] of Object.entries(m.quantiles)) add('', { ...m.labels, quantile: q }, v);
        add('_sum', m.labels, m.sum);
        add('_count', m.labels, m.count);
      } else {
        add('', m.labels, m.value);
      }
    }
    return { name, help: f.help, type: PROM_TYPES[f.type] ?? 'untyped', samples };
  }
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}
