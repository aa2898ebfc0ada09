/**
 * Whether a probe's run counts: the one place capacity reads a run's validity from its summary.
 *
 * A summary that carries `validity: { valid, problems }` (schema v2, the measurement-truth work)
 * is taken at its word. An older summary is judged here by the same two rules: arrivals turned
 * away by the client's in-flight cap, and a send schedule kept too late (lateness p99 past
 * `LATENESS_P99_BOUND_MS`). An aborted or degraded run (Ctrl-C, a dead worker) never counts either:
 * part of its load is missing.
 */
import type { Summary } from '../../reports/run-dir/summary.js';

/**
 * Send lateness p99 above which a probe's schedule was not kept, ms. At 20 ms the generator has
 * fallen behind by more than the service time of most login backends: the offered rate the target
 * saw is then no longer the probe's rate.
 */
export const LATENESS_P99_BOUND_MS = 20;

/** A run's validity as capacity sees it. */
export interface ProbeValidity {
  readonly valid: boolean;
  /** One line per problem, e.g. `dropped: 120 arrivals turned away by the in-flight cap (500)`. */
  readonly problems: readonly string[];
}

/** The v2 summary's own verdict, when it has one. */
interface ValiditySummary {
  readonly validity?: { readonly valid: boolean; readonly problems: readonly unknown[] };
}

function problemText(p: unknown): string {
  if (typeof p === 'string') return p;
  if (p !== null && typeof p === 'object') {
    const o = p as Record<string, unknown>;
    const kind = typeof o['kind'] === 'string' ? o['kind'] : typeof o['code'] === 'string' ? o['code'] : null;
    const detail =
      typeof o['message'] === 'string' ? o['message'] : typeof o['detail'] === 'string' ? o['detail'] : null;
    if (kind !== null || detail !== null) return [kind, detail].filter((x) => x !== null).join(': ');
  }
  return JSON.stringify(p);
}

/** Reads the validity of a run from its summary (v2's `validity`, else the rules above). */
export function probeValidity(summary: Summary): ProbeValidity {
  const problems: string[] = [];
  if (summary.aborted) problems.push(`aborted: ${summary.abortReason ?? 'no reason recorded'}`);
  for (const d of summary.degraded) problems.push(`degraded: ${d}`);
  const v2 = (summary as Summary & ValiditySummary).validity;
  if (v2 !== undefined) {
    problems.push(...v2.problems.map(problemText));
    return { valid: v2.valid && problems.length === 0, problems };
  }
  if (summary.dropped > 0) {
    const cap = summary.settings['maxInFlight'];
    problems.push(
      `dropped: ${summary.dropped} of ${summary.arrivals} arrivals turned away by the in-flight cap${cap === undefined ? '' : ` (${cap})`}`,
    );
  }
  const late = summary.latenessMs;
  if (late !== null && late.p99 > LATENESS_P99_BOUND_MS) {
    problems.push(
      `schedule-late: send lateness p99 ${late.p99.toFixed(1)} ms > ${LATENESS_P99_BOUND_MS} ms (max ${late.max.toFixed(0)} ms)`,
    );
  }
  return { valid: problems.length === 0, problems };
}
