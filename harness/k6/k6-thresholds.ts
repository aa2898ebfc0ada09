/**
 * Profile gates as k6 thresholds, where k6 can express them. A gate on `*` means "every step" in
 * stampede (the worst step decides), so it becomes one threshold per step name; k6's own
 * aggregate metrics would average the steps instead. What k6 cannot express is returned as a
 * note for the script's header, never dropped.
 *
 * k6 measures latency from the actual send (`http_req_duration`), so `p99` and `service.p99`
 * both map to it; the note says so once.
 */
import type { Gate } from '../../reports/gates/gate.js';
import { MICROS_PER_UNIT } from '../../reports/gates/gate.js';
import { parseGates } from '../../reports/gates/gate-parser.js';

/** A k6 threshold in its object form (the only form that can abort). */
export type K6Threshold =
  | string
  | { readonly threshold: string; readonly abortOnFail: true; readonly delayAbortEval: string };

/** Thresholds keyed by metric (with tag filter), plus what could not be translated and why. */
export interface K6Thresholds {
  readonly thresholds: Record<string, K6Threshold[]>;
  readonly untranslated: readonly string[];
  readonly notes: readonly string[];
}

function num(v: number): string {
  return String(Number(v.toPrecision(12)));
}

/** k6's statistic name and threshold value for one gate, or the reason there is none. */
function expression(
  g: Gate,
): { metric: 'http_req_duration' | 'http_req_failed' | 'http_reqs'; expr: string; filter?: string } | string {
  const s = g.statistic;
  switch (s.kind) {
    case 'percentile':
    case 'max':
    case 'mean':
    case 'min': {
      // Placeholder until the k6 exporter translates them (see reports/gates/gate-parser.ts).
      if (s.source === 'user-wait') return 'user wait spans retries; k6 has no metric for it';
      const ms = (g.threshold * MICROS_PER_UNIT[g.unit as 'ms' | 's' | 'us']) / 1000;
      const stat = s.kind === 'percentile' ? `p(${num(s.p)})` : s.kind === 'mean' ? 'avg' : s.kind;
      return { metric: 'http_req_duration', expr: `${stat}${g.op}${num(ms)}` };
    }
    case 'error-rate':
      // stampede's error rate is a percentage of completed requests; k6's `rate` is a fraction.
      return { metric: 'http_req_failed', expr: `rate${g.op}${num(g.threshold / 100)}` };
    case 'rps':
      return {
        metric: 'http_reqs',
        expr: `rate${g.op}${num(g.threshold)}`,
        filter: 'expected_response:true',
      };
    case 'count':
      if (s.outcome === '429' || s.outcome === '503') {
        return {
          metric: 'http_reqs',
          expr: `count${g.op}${num(g.threshold)}`,
          filter: `status:${s.outcome}`,
        };
      }
      return `count(${s.outcome}) has no k6 metric (k6 tags only the raw status)`;
    case 'rate':
      return `rate(${s.outcome}) is a share of one outcome class; k6 has no metric for it`;
    case 'dropped':
      return 'dropped';
    case 'goodput':
    case 'onset':
    case 'drain':
      return `${s.kind} is a stampede analysis figure; k6 has no metric for it`;
  }
}

/**
 * Translates `gateExprs` (the profile's `gates`, unparsed) for a script whose requests carry a
 * `step` tag from `steps`. Throws the gate parser's StampedeError on a malformed gate.
 */
export function gatesToThresholds(
  gateExprs: readonly string[],
  steps: readonly string[],
  source: string,
): K6Thresholds {
  const gates = parseGates(gateExprs, source);
  const thresholds: Record<string, K6Threshold[]> = {};
  const untranslated: string[] = [];
  const notes: string[] = [];
  const add = (key: string, expr: string, g: Gate): void => {
    const list = thresholds[key] ?? [];
    list.push(
      g.abortOnFail
        ? { threshold: expr, abortOnFail: true, delayAbortEval: `${Math.max(1, Math.ceil(g.abortAfterS))}s` }
        : expr,
    );
    thresholds[key] = list;
  };
  for (const g of gates) {
    const e = expression(g);
    if (e === 'dropped') {
      if (g.unit === '%') {
        untranslated.push(`"${g.expr}": k6 has no dropped-iterations share (only a count)`);
      } else {
        add('dropped_iterations', `count${g.op}${num(g.threshold)}`, g);
        if (g.step !== '*')
          notes.push(`"${g.expr}": k6 counts dropped iterations for the whole test, not per step`);
      }
      continue;
    }
    if (typeof e === 'string') {
      untranslated.push(`"${g.expr}": ${e}`);
      continue;
    }
    const targets = g.step === '*' ? steps : [g.step];
    for (const step of targets) {
      const filter = e.filter ? `step:${step},${e.filter}` : `step:${step}`;
      add(`${e.metric}{${filter}}`, e.expr, g);
    }
    if ('source' in g.statistic && g.statistic.source === 'latency') {
      notes.push(
        `"${g.expr}": k6 measures from the actual send (service time), not from the intended send time`,
      );
    }
    if (e.metric === 'http_reqs' && g.statistic.kind === 'rps') {
      notes.push(
        `"${g.expr}": k6's rate is over the whole test duration, stampede's over the run's elapsed time`,
      );
    }
  }
  return { thresholds, untranslated, notes };
}
