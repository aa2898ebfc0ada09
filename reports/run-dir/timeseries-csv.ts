/**
 * `timeseries.csv`: one line per closed interval, appended while the run goes so a crash keeps
 * every interval already closed. Wide format (one column per step and figure) so a spreadsheet or
 * `pandas.read_csv` reads it as is. Empty cells are "no data" (a step that completed nothing).
 */
import { OUTCOME_CLASSES } from '../../harness/vocabulary/outcome.js';
import type { SeriesRow, StepRow } from './series-row.js';

const GLOBAL_COLUMNS = [
  'index',
  't_s',
  'planned_per_s',
  'arrivals',
  'started',
  'dropped',
  'completed',
  'in_flight',
  'max_lateness_ms',
] as const;

const STEP_FIGURES = [
  'offered',
  ...OUTCOME_CLASSES,
  'retries',
  'latency_p50_ms',
  'latency_p90_ms',
  'latency_p99_ms',
  'latency_max_ms',
  'service_p50_ms',
  'service_p99_ms',
] as const;

function quote(cell: string): string {
  return /[",\n\r]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** Header line (with newline) for a run with these step names. */
export function timeseriesHeader(steps: readonly string[]): string {
  const cols: string[] = [...GLOBAL_COLUMNS];
  for (const s of steps) for (const f of STEP_FIGURES) cols.push(quote(`${s}.${f}`));
  return `${cols.join(',')}\n`;
}

function num(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

/** One row as a CSV line (with newline). */
export function timeseriesLine(row: SeriesRow): string {
  const cells: string[] = [
    String(row.index),
    String(row.tS),
    String(row.plannedPerS),
    String(row.arrivals),
    String(row.started),
    String(row.dropped),
    String(row.completed),
    String(row.inFlight),
    String(row.maxLatenessMs),
  ];
  for (const st of row.steps) {
    cells.push(String(st.offered));
    for (const c of st.outcomes) cells.push(String(c));
    cells.push(String(st.retries));
    cells.push(
      num(st.latencyMs?.p50),
      num(st.latencyMs?.p90),
      num(st.latencyMs?.p99),
      num(st.latencyMs?.max),
    );
    cells.push(num(st.serviceMs?.p50), num(st.serviceMs?.p99));
  }
  return `${cells.join(',')}\n`;
}

/** Why a time series could not be read: the caller names the file. */
export class TimeseriesFormatError extends Error {}

function parseCell(cell: string | undefined, line: number, col: number, optional: boolean): number | null {
  if (cell === undefined) throw new TimeseriesFormatError(`line ${line}: missing column ${col + 1}`);
  if (cell === '') {
    if (optional) return null;
    throw new TimeseriesFormatError(`line ${line}: empty column ${col + 1}`);
  }
  const v = Number(cell);
  if (!Number.isFinite(v)) throw new TimeseriesFormatError(`line ${line}: column ${col + 1} is not a number`);
  return v;
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
  const header = timeseriesHeader(steps);
  if (!text.startsWith(header)) {
    throw new TimeseriesFormatError('line 1: header does not match the steps of meta.json');
  }
  const lines = text.slice(header.length).split('\n');
  const last = lines.pop();
  if (last !== undefined && last !== '' && !allowTruncatedTail) {
    throw new TimeseriesFormatError(`line ${lines.length + 2}: truncated (no newline at the end)`);
  }
  const width = GLOBAL_COLUMNS.length + steps.length * STEP_FIGURES.length;
  const rows: SeriesRow[] = [];
  lines.forEach((text, i) => {
    const ln = i + 2;
    const cells = text.split(',');
    if (cells.length !== width) {
      throw new TimeseriesFormatError(`line ${ln}: ${cells.length} columns, expected ${width}`);
    }
    const g = (c: number): number => parseCell(cells[c], ln, c, false)!;
    const stepRows: StepRow[] = [];
    let c = GLOBAL_COLUMNS.length;
    for (let s = 0; s < steps.length; s++) {
      const offered = g(c++);
      const outcomes: number[] = [];
      for (let k = 0; k < OUTCOME_CLASSES.length; k++) outcomes.push(g(c++));
      const retries = g(c++);
      const lat = [0, 1, 2, 3].map((k) => parseCell(cells[c + k], ln, c + k, true));
      c += 4;
      const svc = [0, 1].map((k) => parseCell(cells[c + k], ln, c + k, true));
      c += 2;
      stepRows.push({
        offered,
        outcomes,
        retries,
        latencyMs: lat[0] == null ? null : { p50: lat[0], p90: lat[1]!, p99: lat[2]!, max: lat[3]! },
        serviceMs: svc[0] == null ? null : { p50: svc[0], p99: svc[1]! },
      });
    }
    rows.push({
      index: g(0),
      tS: g(1),
      plannedPerS: g(2),
      arrivals: g(3),
      started: g(4),
      dropped: g(5),
      completed: g(6),
      inFlight: g(7),
      maxLatenessMs: g(8),
      steps: stepRows,
    });
  });
  return rows;
}
