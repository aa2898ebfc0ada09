/**
 * `timeseries.csv`: one line per closed interval, appended while the run goes so a crash keeps
 * every interval already closed. Wide format (one column per figure) so a spreadsheet or
 * `pandas.read_csv` reads it as is. Empty cells are "no data".
 *
 * Read by header: every column is found by its name, columns this build does not know are
 * ignored, and a missing optional column reads as null. So a version-1 file (outcome classes as
 * `<step>.<class>`, service p50/p99 only) and a later version's file read with the same code.
 * Column names (docs/run-directory.md lists them): run-level `index`, `t_s`, ...; per flow
 * `flow:<flow>.<figure>`; per step `<step>.offered`, `<step>.retries`, `<step>.attempt.<class>`,
 * `<step>.final.<class>`, `<step>.<latency|latency_ok|service|user_wait>_<p50|p90|p99|max>_ms`.
 */
import { OUTCOME_CLASSES } from '../../harness/vocabulary/outcome.js';
import type { FlowInterval } from '../recorder/interval-snapshot.js';
import type { IntervalLatency, SeriesRow, StepRow } from './series-row.js';

/** Run-level columns, in file order (version 1 had the first nine but `succeeded`). */
const RUN_COLUMNS = [
  'index',
  't_s',
  'planned_per_s',
  'arrivals',
  'started',
  'dropped',
  'completed',
  'succeeded',
  'in_flight',
  'max_lateness_ms',
  'lateness_p99_ms',
  'backlog_at_target',
  'backlog_in_client',
  'backlog_in_backoff',
  'loop_delay_p99_ms',
  'busy',
] as const;
type RunColumn = (typeof RUN_COLUMNS)[number];

/** Run-level columns a file must have; the others read as null (or 0 for counts) when absent. */
const REQUIRED_RUN: readonly RunColumn[] = ['index', 't_s'];

const FLOW_FIGURES = ['arrivals', 'dropped', 'completed', 'succeeded'] as const;
const LATENCY_KINDS = ['latency', 'latency_ok', 'service', 'user_wait'] as const;
type LatencyKind = (typeof LATENCY_KINDS)[number];
const QUANTILES = ['p50', 'p90', 'p99', 'max'] as const;
type Quantile = (typeof QUANTILES)[number];
const LATENCY_COLUMN = /^(latency|latency_ok|service|user_wait)_(p50|p90|p99|max)_ms$/;

function quote(cell: string): string {
  return /[",\n\r]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** Splits one CSV line, honouring quoted cells (names may hold commas). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function num(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

/** Header and lines of one run's file: the columns follow its steps and flows. */
export class TimeseriesLayout {
  readonly #steps: readonly string[];
  readonly #flows: readonly string[];

  constructor(steps: readonly string[], flows: readonly string[] = []) {
    this.#steps = steps;
    this.#flows = flows;
  }

  /** Header line (with newline). */
  header(): string {
    const cols: string[] = [...RUN_COLUMNS];
    for (const f of this.#flows) for (const g of FLOW_FIGURES) cols.push(quote(`flow:${f}.${g}`));
    for (const s of this.#steps) {
      cols.push(quote(`${s}.offered`), quote(`${s}.retries`));
      for (const c of OUTCOME_CLASSES) cols.push(quote(`${s}.attempt.${c}`));
      for (const c of OUTCOME_CLASSES) cols.push(quote(`${s}.final.${c}`));
      for (const k of LATENCY_KINDS) for (const q of QUANTILES) cols.push(quote(`${s}.${k}_${q}_ms`));
    }
    return `${cols.join(',')}\n`;
  }

  /** One row as a CSV line (with newline); classes unknown to this build have no column. */
  line(row: SeriesRow): string {
    const b = row.backlog;
    const cells: string[] = [
      String(row.index),
      String(row.tS),
      String(row.plannedPerS),
      String(row.arrivals),
      String(row.started),
      String(row.dropped),
      String(row.completed),
      num(row.succeeded),
      String(row.inFlight),
      String(row.maxLatenessMs),
      num(row.latenessP99Ms),
      num(b?.atTarget),
      num(b?.inClient),
      num(b?.inBackoff),
      num(row.health === null ? null : row.health.loopDelayP99Us / 1000),
      num(row.health?.busy),
    ];
    for (const f of this.#flows) {
      const fl = row.flows?.[f];
      for (const g of FLOW_FIGURES) cells.push(row.flows === null ? '' : String(fl?.[g] ?? 0));
    }
    for (const st of row.steps) {
      cells.push(String(st.offered), String(st.retries));
      for (const c of OUTCOME_CLASSES) cells.push(String(st.outcomes[c] ?? 0));
      for (const c of OUTCOME_CLASSES) cells.push(st.finals === null ? '' : String(st.finals[c] ?? 0));
      for (const l of [st.latencyMs, st.latencyOkMs, st.serviceMs, st.userWaitMs]) {
        cells.push(num(l?.p50), num(l?.p90), num(l?.p99), num(l?.max));
      }
    }
    return `${cells.join(',')}\n`;
  }
}

/** Why a time series could not be read: the caller names the file. */
export class TimeseriesFormatError extends Error {}

/** What one column of a file feeds. */
type Column =
  | { readonly t: 'run'; readonly key: RunColumn }
  | { readonly t: 'flow'; readonly flow: string; readonly key: (typeof FLOW_FIGURES)[number] }
  | { readonly t: 'count'; readonly step: number; readonly key: 'offered' | 'retries' }
  | { readonly t: 'attempt' | 'final'; readonly step: number; readonly cls: string }
  | { readonly t: 'lat'; readonly step: number; readonly kind: LatencyKind; readonly q: Quantile }
  | null;

/** The step a column belongs to (longest matching name) and the rest of its name. */
function stepOf(name: string, steps: readonly string[]): { step: number; rest: string } | null {
  let best = -1;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (name.startsWith(`${s}.`) && (best < 0 || s.length > steps[best]!.length)) best = i;
  }
  return best < 0 ? null : { step: best, rest: name.slice(steps[best]!.length + 1) };
}

function columnOf(name: string, steps: readonly string[]): Column {
  if ((RUN_COLUMNS as readonly string[]).includes(name)) return { t: 'run', key: name as RunColumn };
  if (name.startsWith('flow:')) {
    const dot = name.lastIndexOf('.');
    const key = name.slice(dot + 1);
    if (dot < 0 || !(FLOW_FIGURES as readonly string[]).includes(key)) return null;
    return { t: 'flow', flow: name.slice(5, dot), key: key as (typeof FLOW_FIGURES)[number] };
  }
  const sr = stepOf(name, steps);
  if (sr === null) return null;
  const { step, rest } = sr;
  if (rest === 'offered' || rest === 'retries') return { t: 'count', step, key: rest };
  if (rest.startsWith('attempt.')) return { t: 'attempt', step, cls: rest.slice(8) };
  if (rest.startsWith('final.')) return { t: 'final', step, cls: rest.slice(6) };
  const m = LATENCY_COLUMN.exec(rest);
  if (m !== null) return { t: 'lat', step, kind: m[1] as LatencyKind, q: m[2] as Quantile };
  // Version 1: attempts by class as `<step>.<class>`.
  if ((OUTCOME_CLASSES as readonly string[]).includes(rest)) return { t: 'attempt', step, cls: rest };
  return null;
}

interface StepAcc {
  offered: number;
  retries: number;
  outcomes: Record<string, number>;
  finals: Record<string, number> | null;
  lat: Record<LatencyKind, Partial<Record<Quantile, number | null>>>;
}

function latencyOf(q: Partial<Record<Quantile, number | null>>): IntervalLatency | null {
  if (q.p50 == null || q.p99 == null) return null;
  return { p50: q.p50, p90: q.p90 ?? null, p99: q.p99, max: q.max ?? null };
}

/**
 * Parses a whole file. `allowTruncatedTail`: a last line without its newline (the writer died in
 * the middle of it) is dropped instead of rejected; only an aborted run may have one.
 */
export function parseTimeseries(
  text: string,
  steps: readonly string[],
  allowTruncatedTail: boolean,
): SeriesRow[] {
  const nl = text.indexOf('\n');
  if (nl < 0) throw new TimeseriesFormatError('line 1: header missing or truncated');
  const names = splitCsv(text.slice(0, nl));
  for (const r of REQUIRED_RUN) {
    if (!names.includes(r)) throw new TimeseriesFormatError(`line 1: header has no column "${r}"`);
  }
  for (const s of steps) {
    if (!names.includes(`${s}.offered`))
      throw new TimeseriesFormatError(`line 1: header has no column "${s}.offered" (a step of meta.json)`);
  }
  const cols = names.map((n) => columnOf(n, steps));
  const lines = text.slice(nl + 1).split('\n');
  const last = lines.pop();
  if (last !== undefined && last !== '' && !allowTruncatedTail) {
    throw new TimeseriesFormatError(`line ${lines.length + 2}: truncated (no newline at the end)`);
  }
  return lines.map((line, i) => parseRow(line, i + 2, cols, steps.length));
}

function parseRow(line: string, ln: number, cols: readonly Column[], stepCount: number): SeriesRow {
  const cells = line.split(',');
  if (cells.length !== cols.length) {
    throw new TimeseriesFormatError(`line ${ln}: ${cells.length} columns, expected ${cols.length}`);
  }
  const run: Partial<Record<RunColumn, number | null>> = {};
  let flows: Record<
    string,
    { arrivals: number; dropped: number; completed: number; succeeded: number }
  > | null = null;
  const acc: StepAcc[] = Array.from({ length: stepCount }, () => ({
    offered: 0,
    retries: 0,
    outcomes: {},
    finals: null,
    lat: { latency: {}, latency_ok: {}, service: {}, user_wait: {} },
  }));
  cols.forEach((c, k) => {
    if (c === null) return;
    const cell = cells[k]!;
    let v: number | null = null;
    if (cell !== '') {
      v = Number(cell);
      if (!Number.isFinite(v)) throw new TimeseriesFormatError(`line ${ln}: column ${k + 1} is not a number`);
    }
    if (c.t === 'run') run[c.key] = v;
    else if (c.t === 'flow') {
      if (v === null) return;
      flows ??= {};
      flows[c.flow] ??= { arrivals: 0, dropped: 0, completed: 0, succeeded: 0 };
      const f = flows[c.flow]!;
      f[c.key] = v;
    } else if (c.t === 'lat') acc[c.step]!.lat[c.kind][c.q] = v;
    else if (v === null) {
      if (c.t !== 'final') throw new TimeseriesFormatError(`line ${ln}: empty column ${k + 1}`);
    } else if (c.t === 'count') acc[c.step]![c.key] = v;
    else if (c.t === 'attempt') {
      if (v > 0) acc[c.step]!.outcomes[c.cls] = v;
    } else {
      const a = acc[c.step]!;
      a.finals ??= {};
      if (v > 0) a.finals[c.cls] = v;
    }
  });
  const need = (key: RunColumn): number => {
    const v = run[key];
    if (v === undefined || v === null) {
      if (REQUIRED_RUN.includes(key)) throw new TimeseriesFormatError(`line ${ln}: empty column ${key}`);
      return 0;
    }
    return v;
  };
  const opt = (key: RunColumn): number | null => run[key] ?? null;
  const atTarget = opt('backlog_at_target');
  const loop = opt('loop_delay_p99_ms');
  const steps: StepRow[] = acc.map((a) => ({
    offered: a.offered,
    retries: a.retries,
    outcomes: a.outcomes,
    finals: a.finals,
    latencyMs: latencyOf(a.lat.latency),
    latencyOkMs: latencyOf(a.lat.latency_ok),
    serviceMs: latencyOf(a.lat.service),
    userWaitMs: latencyOf(a.lat.user_wait),
  }));
  return {
    index: need('index'),
    tS: need('t_s'),
    plannedPerS: need('planned_per_s'),
    arrivals: need('arrivals'),
    started: need('started'),
    dropped: need('dropped'),
    completed: need('completed'),
    succeeded: opt('succeeded'),
    inFlight: need('in_flight'),
    maxLatenessMs: need('max_lateness_ms'),
    latenessP99Ms: opt('lateness_p99_ms'),
    backlog:
      atTarget === null
        ? null
        : { atTarget, inClient: opt('backlog_in_client') ?? 0, inBackoff: opt('backlog_in_backoff') ?? 0 },
    health: loop === null ? null : { loopDelayP99Us: Math.round(loop * 1000), busy: opt('busy') ?? 0 },
    flows: flows as Readonly<Record<string, FlowInterval>> | null,
    steps,
  };
}
