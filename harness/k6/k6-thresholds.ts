/**
 * Profile gates as k6 thresholds with the same meaning, over the script's own metrics where k6's
 * built-in ones mean something else (k6-session-source.ts names them). A gate on `*` means
 * "every step" in stampede (the worst step decides), so it becomes one threshold per step; k6's
 * aggregate metrics would average the steps instead. What k6 cannot express is returned with the
 * reason, for the script's header and stderr, never dropped.
 *
 * | gate                 | threshold                                                         |
 * | -------------------- | ----------------------------------------------------------------- |
 * | `pNN`/max/mean/min   | `http_req_duration{step}` (await-mail: `stampede_await_mail{step}`) |
 * | `service.pNN` ...    | `http_req_duration{step}` (await-mail: its polls)                  |
 * | `error-rate`         | `stampede_failed{step}` rate (the script's non-ok share)           |
 * | `rate(<class>)`      | `stampede_rate_<class>{step}` rate                                  |
 * | `count(<class>)`     | `stampede_attempts{step,outcome}` count                            |
 * | `rps`                | `stampede_attempts{step,outcome:ok}` rate                          |
 * | `dropped` (count)    | `dropped_iterations` count (each k6 instance: its share)           |
 * | `dropped` (%)        | `dropped_iterations` count against % × planned arrivals per instance |
 *
 * "No data fails" in stampede; an empty k6 metric passes, so every step gate also gets
 * `stampede_attempts{step}: count>0`. `abort-on-fail` (no grace) is k6's `abortOnFail`;
 * `after <d>` has no k6 form (`delayAbortEval` waits from the test's start, it does not ask
 * for d of continuous failure), so the threshold is kept and the abort listed as untranslated.
 */
import type { Gate } from '../../reports/gates/gate.js';
import { MICROS_PER_UNIT } from '../../reports/gates/gate.js';
import { parseGates } from '../../reports/gates/gate-parser.js';

/** A k6 threshold in its string form or its object form (the only form that can abort). */
export type K6Threshold = string | { readonly threshold: string; readonly abortOnFail: true };

/** Which of the script's own metrics the thresholds read (the script records only those). */
export interface GateMetrics {
  /** `stampede_attempts` (count(), rps and the no-data guards). */
  readonly attempts: boolean;
  /** `stampede_failed` (error-rate). */
  readonly failed: boolean;
  /** Classes with a `stampede_rate_<class>` Rate (rate()). */
  readonly rateClasses: readonly string[];
}

/** Thresholds keyed by metric (with tag filter), the metrics they need, and what was not translated. */
export interface K6Thresholds {
  readonly thresholds: Record<string, K6Threshold[]>;
  readonly metrics: GateMetrics;
  /** `"<gate>": <reason>` for each gate (or part of one) k6 cannot express. */
  readonly untranslated: readonly string[];
  /** Where a translated gate still differs from the native one. */
  readonly notes: readonly string[];
}

/** What the translation needs to know about the run. */
export interface ThresholdContext {
  /** Step names and kinds, in run order. */
  readonly steps: readonly { readonly name: string; readonly kind: string }[];
  /** Planned arrivals of the whole run (every scenario). */
  readonly plannedArrivals: number;
  /** k6 instances: each evaluates its own thresholds over its share (k6-operator). */
  readonly pods: number;
}

/** The k6 metric name of a class's Rate (k6 names allow letters, digits and `_`). */
export function rateMetricName(outcome: string): string {
  return `stampede_rate_${outcome.replace('-', '_')}`;
}

function num(v: number): string {
  return String(Number(v.toPrecision(12)));
}

/** The threshold of one gate on one step, or the reason there is none. */
function stepThreshold(g: Gate, step: string, kind: string): { key: string; expr: string } | string {
  const s = g.statistic;
  switch (s.kind) {
    case 'percentile':
    case 'max':
    case 'mean':
    case 'min': {
      const ms = (g.threshold * MICROS_PER_UNIT[g.unit as 'ms' | 's' | 'us']) / 1000;
      const stat = s.kind === 'percentile' ? `p(${num(s.p)})` : s.kind === 'mean' ? 'avg' : s.kind;
      const key =
        kind === 'await-mail'
          ? s.source === 'latency'
            ? `stampede_await_mail{step:${step}}`
            : `http_req_duration{step:${step},poll:true}`
          : `http_req_duration{step:${step}}`;
      return { key, expr: `${stat}${g.op}${num(ms)}` };
    }
    case 'error-rate':
      // stampede's rates are percentages of completed requests; k6's `rate` is a fraction.
      return { key: `stampede_failed{step:${step}}`, expr: `rate${g.op}${num(g.threshold / 100)}` };
    case 'rate':
      return {
        key: `${rateMetricName(s.outcome)}{step:${step}}`,
        expr: `rate${g.op}${num(g.threshold / 100)}`,
      };
    case 'count':
      return {
        key: `stampede_attempts{step:${step},outcome:${s.outcome}}`,
        expr: `count${g.op}${num(g.threshold)}`,
      };
    case 'rps':
      return { key: `stampede_attempts{step:${step},outcome:ok}`, expr: `rate${g.op}${num(g.threshold)}` };
    case 'dropped':
      return 'dropped';
  }
}

/**
 * Translates `gateExprs` (the profile's `gates`, unparsed). Throws the gate parser's
 * StampedeError on a malformed gate.
 */
export function gatesToThresholds(
  gateExprs: readonly string[],
  ctx: ThresholdContext,
  source: string,
): K6Thresholds {
  const gates = parseGates(gateExprs, source);
  const thresholds: Record<string, K6Threshold[]> = {};
  const untranslated: string[] = [];
  const notes: string[] = [];
  let attempts = false;
  let failed = false;
  const rateClasses = new Set<string>();
  const add = (key: string, expr: string, abort: boolean): void => {
    const list = thresholds[key] ?? [];
    const t: K6Threshold = abort ? { threshold: expr, abortOnFail: true } : expr;
    if (!list.some((x) => JSON.stringify(x) === JSON.stringify(t))) list.push(t);
    thresholds[key] = list;
  };
  for (const g of gates) {
    const abort = g.abortOnFail && g.abortAfterS === 0;
    if (g.abortOnFail && g.abortAfterS > 0) {
      untranslated.push(
        `"${g.expr}": abort-on-fail after ${g.abortAfterS}s means failing continuously for ${g.abortAfterS}s; k6's delayAbortEval only delays the first evaluation from the test start, so the threshold is kept without the abort`,
      );
    }
    if (g.statistic.kind === 'dropped') {
      if (g.step !== '*')
        notes.push(`"${g.expr}": k6 counts dropped iterations for the whole test, not per step`);
      if (g.unit === '%') {
        // k6 has no share of dropped iterations; each instance's planned arrivals are known here.
        const limit = (g.threshold / 100) * (ctx.plannedArrivals / ctx.pods);
        add('dropped_iterations', `count${g.op}${num(limit)}`, abort);
        notes.push(
          `"${g.expr}": ${num(g.threshold)}% of this instance's planned ${num(Math.round(ctx.plannedArrivals / ctx.pods))} arrivals`,
        );
      } else {
        add('dropped_iterations', `count${g.op}${num(g.threshold / ctx.pods)}`, abort);
        if (ctx.pods > 1 && g.threshold > 0)
          notes.push(`"${g.expr}": each of ${ctx.pods} k6 instances allows 1/${ctx.pods} of it`);
      }
      continue;
    }
    const targets = g.step === '*' ? ctx.steps : ctx.steps.filter((s) => s.name === g.step);
    if (targets.length === 0) {
      untranslated.push(`"${g.expr}": no step ${g.step} in the profile`);
      continue;
    }
    for (const st of targets) {
      const t = stepThreshold(g, st.name, st.kind);
      if (typeof t === 'string') continue;
      add(t.key, t.expr, abort);
      // No data fails in stampede; an empty k6 metric would pass.
      add(`stampede_attempts{step:${st.name}}`, 'count>0', false);
      attempts = true;
      if (g.statistic.kind === 'error-rate') failed = true;
      if (g.statistic.kind === 'rate') rateClasses.add(g.statistic.outcome);
    }
    if ('source' in g.statistic) {
      notes.push(
        `"${g.expr}": k6's http_req_duration runs from the actual send (sending + waiting + receiving, no connect time); the script sends when the session means to, so it differs from stampede's intended-time latency only when k6 itself lags`,
      );
    }
    if (g.statistic.kind === 'rps') {
      notes.push(`"${g.expr}": k6's rate is per second of the whole test (gracefulStop included)`);
    }
    if (ctx.pods > 1 && (g.statistic.kind === 'count' || g.statistic.kind === 'rps')) {
      notes.push(`"${g.expr}": each of ${ctx.pods} k6 instances evaluates it over its own share`);
    }
  }
  return { thresholds, metrics: { attempts, failed, rateClasses: [...rateClasses] }, untranslated, notes };
}
