/**
 * The gate language. Every gate of a run is parsed here before the first request is sent; a bad
 * gate is a one-line `E_GATE` error naming the source, the bad token and its column.
 *
 * Grammar (blanks separate words; operators need no blanks around them):
 *
 * ```
 * gate        = selector statistic op value [ "abort-on-fail" [ "after" duration ] ]
 * selector    = "*" | name                      ; "*": every step (flow, take-down) must satisfy it
 *             | "takedown"                      ; every take-down (drain only)
 * name        = 1*( ALPHA / DIGIT / "-" / "_" / "." )   ; a step, a flow or a take-down
 * statistic   = [ source ] latency-stat          ; latency from the intended send time by default
 *             | "error-rate"
 *             | "rate(" class ")" | "count(" class ")"
 *             | "rps" | "dropped" | "goodput"
 *             | [ "fell-behind" ] "onset"       ; "reset-request onset > 180/s"
 *             | "drain"                         ; "takedown drain < 10m"
 * source      = "service." | "user-wait." | "user-wait "   ; "login user-wait p99 < 2s" works too
 * latency-stat= "p" number                      ; a percentile in (0, 100]: p50, p99, p99.99
 *             | "max" | "mean" | "min"
 * class       = one of OUTCOME_CLASSES           ; ok 4xx 429 5xx 503 timeout connect reset ...
 * op          = "<" | "<=" | ">" | ">=" | "==" | "!="
 * value       = number unit
 * number      = 1*DIGIT [ "." 1*DIGIT ]
 * duration    = 1*( number ( "ms" | "s" | "m" | "h" ) )   ; 30s, 1m30s, 500ms
 * ```
 *
 * Units by statistic: latency, service and user wait `ms` `s` `us`; error-rate and rate() `%`;
 * rps, goodput and onset `/s`; count() none; dropped none (a count of arrivals) or `%` (a share
 * of arrivals); drain `ms` `s` `m` `h`. A unit that does not fit the statistic is an error.
 *
 * Selectors by statistic: latency, error, rps and onset statistics select a step (or `*`);
 * `goodput` a flow (or `*`); `dropped` the run (`*`), a flow, or a step (the arrivals of the
 * flows that start with it); `drain` a take-down (an outage's name, `takedown` or `*`).
 */

import { StampedeError } from '../../harness/errors.js';
import { isOutcomeClass, OUTCOME_CLASSES, type OutcomeClass } from '../../harness/vocabulary/outcome.js';
import {
  EVERY_TAKEDOWN,
  GATE_OPS,
  type Gate,
  type GateStatistic,
  type GateUnit,
  KNOWN_UNITS,
  type LatencySource,
  statisticName,
} from './gate.js';
import { type GateToken, type LexProblem, lexGate } from './gate-lexer.js';
import { isMailGate, mailGateOf, parseMailGate } from './mail-gate.js';

const STEP_NAME = /^[A-Za-z0-9_.-]+$/;
const NUMBER_THEN_REST = /^(\d+(?:\.\d+)?)(.*)$/;
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const SECONDS_PER: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const STATISTICS_EXPECTED =
  'p<percentile>, max, mean, min, service.<one of those>, user-wait.<one of those>, error-rate, rate(<class>), count(<class>), rps, dropped, goodput, onset, drain';
const PREFIXES: readonly { readonly text: string; readonly source: LatencySource }[] = [
  { text: 'service.', source: 'service' },
  { text: 'user-wait.', source: 'user-wait' },
];
const OPS_EXPECTED = `an operator: ${GATE_OPS.join(' ')}`;

class GateSyntaxError extends Error {
  constructor(
    readonly problem: LexProblem,
    readonly atEnd = false,
  ) {
    super(problem.what);
  }
}

function fail(what: string, column: number, expected: string): never {
  throw new GateSyntaxError({ what, column, expected });
}

/** The values a statistic accepts, as said in messages. */
function unitsExpected(s: GateStatistic): string {
  switch (s.kind) {
    case 'percentile':
    case 'max':
    case 'mean':
    case 'min':
      return 'a number with a unit: ms, s, us';
    case 'error-rate':
    case 'rate':
      return 'a number with %';
    case 'rps':
    case 'goodput':
    case 'onset':
      return 'a number with /s';
    case 'count':
      return 'a plain number (a count)';
    case 'dropped':
      return 'a plain number (a count) or a number with % (a share of arrivals)';
    case 'drain':
      return 'a duration: a number with ms, s, m or h';
    case 'mail':
      return 'what mail-gate.ts accepts';
  }
}

function unitFits(s: GateStatistic, unit: GateUnit): boolean {
  switch (s.kind) {
    case 'mail':
      return true;
    case 'percentile':
    case 'max':
    case 'mean':
    case 'min':
      return unit === 'ms' || unit === 's' || unit === 'us';
    case 'error-rate':
    case 'rate':
      return unit === '%';
    case 'rps':
    case 'goodput':
    case 'onset':
      return unit === '/s';
    case 'count':
      return unit === '';
    case 'dropped':
      return unit === '' || unit === '%';
    case 'drain':
      return unit === 'ms' || unit === 's' || unit === 'm' || unit === 'h';
  }
}

function parseClass(tok: GateToken, prefix: string): OutcomeClass {
  const inner = tok.text.slice(prefix.length);
  if (!inner.endsWith(')')) fail(`bad statistic "${tok.text}"`, tok.column, `${prefix}<class>)`);
  const cls = inner.slice(0, -1);
  if (!isOutcomeClass(cls)) {
    fail(`unknown outcome class "${cls}"`, tok.column + prefix.length, `one of ${OUTCOME_CLASSES.join(' ')}`);
  }
  return cls;
}

function parseStatistic(tok: GateToken): GateStatistic {
  const prefix = PREFIXES.find((x) => tok.text.startsWith(x.text));
  const name = prefix ? tok.text.slice(prefix.text.length) : tok.text;
  const source: LatencySource = prefix?.source ?? 'latency';
  if (name === 'max' || name === 'mean' || name === 'min') return { kind: name, source };
  if (/^p/.test(name) && name !== 'p') {
    const p = Number(name.slice(1));
    if (!/^p\d+(?:\.\d+)?$/.test(name) || !(p > 0 && p <= 100)) {
      fail(
        `bad percentile "${tok.text}"`,
        tok.column,
        'p followed by a number in (0, 100], e.g. p99 or p99.9',
      );
    }
    return { kind: 'percentile', source, p };
  }
  let stat: GateStatistic;
  if (
    name === 'error-rate' ||
    name === 'rps' ||
    name === 'dropped' ||
    name === 'goodput' ||
    name === 'onset' ||
    name === 'drain'
  )
    stat = { kind: name };
  else if (name.startsWith('rate(')) stat = { kind: 'rate', outcome: parseClass(tok, 'rate(') };
  else if (name.startsWith('count(')) stat = { kind: 'count', outcome: parseClass(tok, 'count(') };
  else return fail(`bad statistic "${tok.text}"`, tok.column, STATISTICS_EXPECTED);
  if (prefix) {
    const p = prefix.text;
    fail(
      `"${p}" does not apply to ${name} in "${tok.text}"`,
      tok.column,
      `${p}p<percentile>, ${p}max, ${p}mean or ${p}min`,
    );
  }
  return stat;
}

function parseValue(tok: GateToken, stat: GateStatistic): { threshold: number; unit: GateUnit } {
  const m = NUMBER_THEN_REST.exec(tok.text);
  const unit = m?.[2] ?? '';
  if (!m || (unit !== '' && !(KNOWN_UNITS as readonly string[]).includes(unit))) {
    fail(`bad value "${tok.text}"`, tok.column, unitsExpected(stat));
  }
  const gateUnit = unit as GateUnit;
  if (!unitFits(stat, gateUnit)) {
    const what =
      gateUnit === ''
        ? `missing unit in "${tok.text}"`
        : `unit "${unit}" does not fit ${statisticName(stat)}`;
    fail(what, gateUnit === '' ? tok.column : tok.column + m[1]!.length, unitsExpected(stat));
  }
  return { threshold: Number(m[1]), unit: gateUnit };
}

function parseDurationS(tok: GateToken): number {
  if (!DURATION.test(tok.text))
    fail(`bad duration "${tok.text}"`, tok.column, 'a duration such as 30s, 1m30s or 500ms');
  let s = 0;
  for (const part of tok.text.matchAll(DURATION_PART))
    s += Number(part[1]) * (SECONDS_PER[part[2] ?? ''] ?? 0);
  return Math.round(s * 1e6) / 1e6;
}

/**
 * The two-word spellings `user-wait p99` and `fell-behind onset` as the one word the grammar
 * reads (`user-wait.p99`, `onset`); columns stay those of the first word.
 */
function joinTwoWordStatistics(tokens: readonly GateToken[]): GateToken[] {
  const out = [...tokens];
  const first = out[1];
  const second = out[2];
  if (first?.kind !== 'word' || second?.kind !== 'word') return out;
  if (first.text === 'user-wait') out.splice(1, 2, { ...first, text: `user-wait.${second.text}` });
  else if (first.text === 'fell-behind' && second.text === 'onset')
    out.splice(1, 2, { ...first, text: 'onset' });
  return out;
}

function checkSelector(selector: GateToken, statistic: GateStatistic): void {
  if (selector.text === EVERY_TAKEDOWN && statistic.kind !== 'drain') {
    fail(
      `"${EVERY_TAKEDOWN}" selects take-downs, not ${statisticName(statistic)}`,
      selector.column,
      `"${EVERY_TAKEDOWN} drain < <duration>", or a step name or * for ${statisticName(statistic)}`,
    );
  }
}

function parseTokens(expr: string, lexed: readonly GateToken[], source: string): Gate {
  const tokens = joinTwoWordStatistics(lexed);
  const end = expr.length + 1;
  const at = (i: number, expected: string, what: string): GateToken => {
    const tok = tokens[i];
    if (!tok) fail(`missing ${what}`, end, expected);
    return tok;
  };
  const selector = at(0, '"<step|*> <statistic> <op> <value>"', 'step');
  if (selector.kind === 'op')
    fail(`missing step before "${selector.text}"`, selector.column, 'a step name or *');
  if (tokens[1]?.kind === 'op') {
    fail(
      `missing step before "${selector.text}"`,
      selector.column,
      `"<step> ${selector.text} ..." or "* ${selector.text} ..."`,
    );
  }
  if (selector.text !== '*' && !STEP_NAME.test(selector.text)) {
    fail(`bad step name "${selector.text}"`, selector.column, 'a step name (letters, digits, - _ .) or *');
  }
  const statTok = at(1, STATISTICS_EXPECTED, 'statistic');
  const statistic = parseStatistic(statTok);
  checkSelector(selector, statistic);
  const opTok = at(2, OPS_EXPECTED, 'operator');
  if (opTok.kind !== 'op') fail(`expected an operator, got "${opTok.text}"`, opTok.column, OPS_EXPECTED);
  const valueTok = at(3, unitsExpected(statistic), 'value');
  if (valueTok.kind !== 'word')
    fail(`bad value "${valueTok.text}"`, valueTok.column, unitsExpected(statistic));
  const { threshold, unit } = parseValue(valueTok, statistic);

  let abortOnFail = false;
  let abortAfterS = 0;
  let i = 4;
  const next = tokens[i];
  if (next) {
    if (next.text !== 'abort-on-fail')
      fail(`unexpected "${next.text}"`, next.column, 'the end or abort-on-fail');
    abortOnFail = true;
    i++;
    const after = tokens[i];
    if (after) {
      if (after.text !== 'after')
        fail(`unexpected "${after.text}"`, after.column, 'the end or after <duration>');
      abortAfterS = parseDurationS(
        at(i + 1, 'a duration such as 30s, 1m30s or 500ms', 'duration after "after"'),
      );
      i += 2;
    }
  }
  const extra = tokens[i];
  if (extra) fail(`unexpected "${extra.text}"`, extra.column, 'the end of the gate');
  return {
    expr,
    source,
    step: selector.text,
    statistic,
    op: opTok.text as Gate['op'],
    threshold,
    unit,
    abortOnFail,
    abortAfterS,
  };
}

/**
 * Parses one gate expression. `source` names where it came from (`--gate`,
 * `profiles/x.yaml gates[2]`) and starts the error message. Throws `StampedeError('E_GATE')`
 * with a one-line located message: `--gate "x p99 < 25Oms": bad value "25Oms" at column 11 (...)`.
 */
export function parseGate(expr: string, source = '--gate'): Gate {
  const text = expr.trim();
  // Columns count in the trimmed text the message quotes, so the user can find them there.
  const where = `${source} "${text}"`;
  if (text === '')
    throw new StampedeError('E_GATE', `${source}: empty gate (expected "<step|*> <statistic> <op> <value>")`);
  try {
    const lexed = lexGate(text);
    if (!Array.isArray(lexed)) throw new GateSyntaxError(lexed);
    return parseTokens(text, lexed, source);
  } catch (err: unknown) {
    if (!(err instanceof GateSyntaxError)) throw err;
    const p = err.problem;
    throw new StampedeError('E_GATE', `${where}: ${p.what} at column ${p.column} (expected ${p.expected})`);
  }
}

/**
 * Parses every expression; problems are reported all at once (the first as the message, the
 * rest as details). `source` is used as-is for `--gate`, and as `<source>[i]` otherwise
 * (`profiles/x.yaml gates` -> `profiles/x.yaml gates[2]`).
 */
export function parseGates(exprs: readonly string[], source = '--gate'): Gate[] {
  const gates: Gate[] = [];
  const problems: string[] = [];
  exprs.forEach((expr, i) => {
    try {
      const where = source === '--gate' ? source : `${source}[${i}]`;
      gates.push(isMailGate(expr) ? mailGateOf(parseMailGate(expr, where)) : parseGate(expr, where));
    } catch (err: unknown) {
      if (err instanceof StampedeError) problems.push(err.message);
      else throw err;
    }
  });
  if (problems.length > 0) throw new StampedeError('E_GATE', problems[0]!, problems.slice(1));
  return gates;
}

export { checkGateSteps, type GateNames } from './gate-selectors.js';
