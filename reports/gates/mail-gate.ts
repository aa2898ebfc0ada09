/**
 * Gates over the mail figures (summary.json `mail`), an extension of the gate language kept in
 * its own file: a gate whose first word is `mail` is parsed and evaluated here.
 *
 * Grammar (blanks separate words):
 *
 * ```
 * mail-gate   = "mail" [ domain ] mail-stat op value
 * domain      = lower-case domain name with a dot   ; absent: all domains together
 * mail-stat   = "time-to-inbox" ( "p50" | "p90" | "p99" | "max" ) ; value: a duration (ms, s, m, h)
 *             | "lost" | "deferred" | "greylisted" | "rejected"   ; value: a count
 *             | "expired-links" | "duplicate-requests"           ; a count; backend figures, no domain
 *             | "completed-within" duration                     ; value: a share with %; no domain
 * op          = "<" | "<=" | ">" | ">=" | "==" | "!="
 * ```
 *
 * e.g. `mail time-to-inbox p99 < 10m`, `mail lost == 0`, `mail gmail.test deferred < 100`,
 * `mail completed-within 10m >= 95%`. A gate without the figure it reads (no mail section, no
 * such domain, no backend figures) fails with "no data".
 */
import { StampedeError } from '../../harness/errors.js';
import { parseDuration } from '../../harness/profile/duration.js';
import type { MailDomainSummary, MailSummary } from '../run-dir/mail-summary.js';
import type { GateResult } from '../run-dir/summary.js';
import { compare, GATE_OPS, type Gate, type GateOp } from './gate.js';

/** What a mail gate measures. */
export type MailStatistic =
  | { readonly kind: 'time-to-inbox'; readonly p: 'p50' | 'p90' | 'p99' | 'max' }
  | {
      readonly kind: 'lost' | 'deferred' | 'greylisted' | 'rejected' | 'expired-links' | 'duplicate-requests';
    }
  | { readonly kind: 'completed-within'; readonly windowMin: string };

/** A parsed mail gate. Thresholds of time-to-inbox are in ms; of completed-within in %. */
export interface MailGate {
  readonly expr: string;
  readonly source: string;
  readonly domain: string | undefined;
  readonly statistic: MailStatistic;
  readonly op: GateOp;
  readonly threshold: number;
  readonly unit: 'ms' | '%' | '';
}

const DOMAIN = /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/;
const COUNTS = ['lost', 'deferred', 'greylisted', 'rejected', 'expired-links', 'duplicate-requests'] as const;
const BACKEND_ONLY = new Set<string>(['expired-links', 'duplicate-requests', 'completed-within']);
const WINDOWS = new Set(['1m', '5m', '10m', '30m']);

/** Whether `expr` is a mail gate (its first word is `mail`). */
export function isMailGate(expr: string): boolean {
  return /^mail(\s|$)/.test(expr.trim());
}

/** Parses a mail gate; a bad one is a one-line `E_GATE` error naming the source and the word. */
export function parseMailGate(expr: string, source = '--gate'): MailGate {
  const text = expr.trim();
  const words = text.split(/\s+/);
  const bad = (what: string): never => {
    throw new StampedeError('E_GATE', `${source} "${text}": ${what}`);
  };
  let i = 1;
  let domain: string | undefined;
  if (words[i] !== undefined && DOMAIN.test(words[i] ?? '')) domain = words[i++];
  const name = words[i++];
  let statistic: MailStatistic;
  if (name === 'time-to-inbox') {
    const p = words[i++] ?? '';
    // summary.json keeps these four per domain; other percentiles would need the histograms.
    if (p === 'p50' || p === 'p90' || p === 'p99' || p === 'max') statistic = { kind: 'time-to-inbox', p };
    else return bad(`"${p}": expected p50, p90, p99 or max after time-to-inbox`);
  } else if (name === 'completed-within') {
    const w = words[i++] ?? '';
    if (!WINDOWS.has(w)) return bad(`"${w}": completed-within takes one of ${[...WINDOWS].join(', ')}`);
    statistic = { kind: 'completed-within', windowMin: w };
  } else if ((COUNTS as readonly string[]).includes(name ?? '')) {
    statistic = { kind: name as (typeof COUNTS)[number] };
  } else {
    return bad(`"${name ?? ''}": expected time-to-inbox, completed-within or ${COUNTS.join(', ')}`);
  }
  if (domain !== undefined && BACKEND_ONLY.has(statistic.kind)) {
    return bad(`${statistic.kind} is a backend figure: it takes no domain`);
  }
  const op = words[i++] as GateOp;
  if (!GATE_OPS.includes(op)) return bad(`"${op ?? ''}": expected an operator (${GATE_OPS.join(' ')})`);
  const value = words[i++] ?? '';
  if (words[i] !== undefined) return bad(`"${words[i]}": unexpected after the value`);
  let threshold: number;
  let unit: MailGate['unit'];
  if (statistic.kind === 'time-to-inbox') {
    const s = parseDuration(value);
    if (s === undefined || /^\d+(\.\d+)?$/.test(value))
      return bad(`"${value}": expected a duration (500ms, 30s, 10m)`);
    threshold = s * 1000;
    unit = 'ms';
  } else if (statistic.kind === 'completed-within') {
    const m = /^(\d+(?:\.\d+)?)%$/.exec(value);
    if (!m) return bad(`"${value}": expected a share with % (95%)`);
    threshold = Number(m[1]);
    unit = '%';
  } else {
    if (!/^\d+$/.test(value)) return bad(`"${value}": expected a count (0, 10)`);
    threshold = Number(value);
    unit = '';
  }
  return { expr: text, source, domain, statistic, op, threshold, unit };
}

/** Evaluates a mail gate over summary.json's `mail` (null/undefined: the run has no mail figures). */
export function evaluateMailGate(gate: MailGate, mail: MailSummary | null | undefined): GateResult {
  const base = { expr: gate.expr, threshold: gate.threshold, unit: gate.unit };
  const noData = (why: string): GateResult => ({
    ...base,
    pass: false,
    actual: null,
    message: `no data: ${why}`,
  });
  if (!mail) return noData('the run has no mail figures');
  const s = gate.statistic;
  let actual: number;
  if (s.kind === 'expired-links' || s.kind === 'duplicate-requests' || s.kind === 'completed-within') {
    const b = mail.backend;
    if (!b) return noData('the target reports no backend mail figures');
    if (s.kind === 'expired-links') actual = b.expiredLinks;
    else if (s.kind === 'completed-within') actual = 100 * (b.completedWithin[s.windowMin] ?? 0);
    else actual = b.duplicateRequests;
  } else {
    const d: MailDomainSummary | undefined = gate.domain === undefined ? mail.all : mail.domains[gate.domain];
    if (!d) return noData(`no mail to ${gate.domain}`);
    if (s.kind === 'time-to-inbox') {
      if (d.timeToInboxMs.count === 0) return noData(`no mail reached ${gate.domain ?? 'any'} inbox`);
      actual = d.timeToInboxMs[s.p];
    } else if (s.kind === 'lost') {
      actual = gate.domain === undefined ? mail.lost : d.lost;
    } else {
      actual = d[s.kind];
    }
  }
  const pass = compare(actual, gate.op, gate.threshold);
  const shown = `${Number(actual.toPrecision(4))}${gate.unit}`;
  const limit = `${gate.threshold}${gate.unit}`;
  const what = gate.expr.split(/\s+/).slice(0, -2).join(' ');
  return {
    ...base,
    pass,
    actual,
    message: pass ? `${what} ${shown} ${gate.op} ${limit}` : `${what} ${shown}, not ${gate.op} ${limit}`,
  };
}

/** A mail gate in the common Gate shape: run-wide, judged by evaluateMailGate. */
export function mailGateOf(m: MailGate): Gate {
  return {
    expr: m.expr,
    source: m.source,
    step: '*',
    statistic: { kind: 'mail', gate: m },
    op: m.op,
    threshold: m.threshold,
    unit: m.unit,
    abortOnFail: false,
    abortAfterS: 0,
  };
}
