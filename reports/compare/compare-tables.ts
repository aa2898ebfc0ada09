/**
 * `stampede compare` as text (terminal) and Markdown (a CI job summary): the mismatch banner
 * first when runs were compared despite one, then the verdict line, then the verdict table with
 * one row per judged figure (base, candidate, delta, limit, verdict). Both forms share their
 * cells (`verdictCells`), so they always say the same thing; the HTML and JUnit forms use them too.
 */
import { escapeMarkdownCell } from '../gates/gate-markdown.js';
import type { Comparison } from './compare-runs.js';
import { figureName, type JudgedFigure } from './judged-figure.js';

function num(v: number | null, unit: string): string {
  if (v === null) return '-';
  return `${Number(v.toPrecision(4))}${unit}`;
}

function signed(v: number | null, unit: string): string {
  if (v === null) return '-';
  return `${v > 0 ? '+' : ''}${Number(v.toPrecision(3))}${unit}`;
}

/** How a value reads when it is missing for a reason (never fell behind, never drained). */
function shown(f: JudgedFigure, v: number | null): string {
  if (v !== null) return num(v, f.unit);
  if (f.figure === 'fell-behind onset') return 'never';
  if (f.figure === 'drain') return 'not drained';
  return '-';
}

/** The label of a verdict, as every form prints it. */
export function verdictLabel(f: JudgedFigure): string {
  return f.verdict === 'regressed' ? 'REGRESSED' : f.verdict === 'improved' ? 'improved' : f.verdict;
}

/** The cells of one row: verdict, figure, base, candidate, delta, limit. */
export function verdictCells(f: JudgedFigure): string[] {
  return [
    verdictLabel(f),
    figureName(f),
    shown(f, f.base),
    shown(f, f.candidate),
    signed(f.delta, f.deltaUnit),
    f.limit,
  ];
}

/** The column headers of `verdictCells`. */
export const VERDICT_HEADER = ['verdict', 'figure', 'base', 'candidate', 'delta', 'limit'];

/** The banner lines: mismatches compared anyway (first), then notes. */
export function bannerLines(c: Comparison): string[] {
  const out: string[] = [];
  for (const m of c.mismatch) out.push(`MISMATCH (compared anyway: --allow-mismatch): ${m}`);
  for (const n of c.notes) out.push(`note: ${n}`);
  return out;
}

/** One line: what regressed, or that nothing did. */
export function verdictLine(c: Comparison): string {
  return c.regressed
    ? `REGRESSED: ${c.regressions.join(', ')}`
    : `no regression in ${c.figures.length} judged figures`;
}

function who(c: Comparison, which: 'base' | 'candidate'): string {
  const r = c[which];
  return `${which} ${r.dir} (${r.profile}, ${r.startedAt}, ${r.target}, ${r.engine}, ${r.latencyModel})`;
}

/** Plain-text comparison for the terminal. */
export function renderCompareText(c: Comparison): string {
  const out = [...bannerLines(c)];
  if (out.length > 0) out.push('');
  out.push(`compare: ${who(c, 'base')}`, `     vs: ${who(c, 'candidate')}`, verdictLine(c), '');
  const rows = [VERDICT_HEADER, ...c.figures.map(verdictCells)];
  const widths = VERDICT_HEADER.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  for (const r of rows) {
    out.push(
      r
        .map((cell, k) => (k >= 2 && k <= 4 ? cell.padStart(widths[k]!) : cell.padEnd(widths[k]!)))
        .join('  ')
        .trimEnd(),
    );
  }
  const why = c.figures.filter((f) => f.verdict === 'regressed');
  if (why.length > 0) {
    out.push('', 'why:');
    for (const f of why) out.push(`  ${figureName(f)}: ${f.detail}`);
  }
  out.push('', `latency method: ${c.method}; alpha ${c.thresholds.alpha}`, verdictLine(c));
  return `${out.join('\n')}\n`;
}

/** Markdown comparison: a section for a CI job summary (`$GITHUB_STEP_SUMMARY`). */
export function renderCompareMarkdown(c: Comparison): string {
  const e = escapeMarkdownCell;
  const out: string[] = [];
  for (const line of bannerLines(c)) out.push(`> **${e(line)}**`, '>');
  if (out.length > 0) out.splice(out.length - 1, 1, '');
  out.push(
    `### stampede compare: ${e(c.base.profile)} vs ${e(c.candidate.profile)}`,
    '',
    `**${e(verdictLine(c))}.** Base \`${e(c.base.dir)}\` (${e(c.base.startedAt)}), candidate \`${e(c.candidate.dir)}\` (${e(c.candidate.startedAt)}).`,
    '',
    '| | figure | base | candidate | delta | limit | detail |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- |',
  );
  for (const f of c.figures) {
    const mark =
      f.verdict === 'regressed' ? '❌' : f.verdict === 'improved' ? '✅' : f.verdict === 'ok' ? '✔️' : '➖';
    const [label, ...cells] = verdictCells(f);
    out.push(`| ${mark} ${e(label!)} | ${cells.map(e).join(' | ')} | ${e(f.detail)} |`);
  }
  out.push('', `Latency method: ${e(c.method)}; alpha ${c.thresholds.alpha}.`, '');
  return out.join('\n');
}
