/**
 * `stampede compare` as text (terminal) and Markdown: per step, the percentiles of both runs
 * with absolute and relative deltas, error rates, fall-behind points and the verdict; the method
 * is named in both. The two forms share their rows, so they always say the same thing.
 */
import { escapeMarkdownCell } from '../gates/gate-markdown.js';
import type { Comparison, Paired, StepComparison } from './compare-runs.js';

function num(v: number | null, unit: string): string {
  if (v === null) return '-';
  return `${Number(v.toPrecision(4))}${unit}`;
}

function signed(v: number | null, unit: string): string {
  if (v === null) return '-';
  return `${v > 0 ? '+' : ''}${Number(v.toPrecision(3))}${unit}`;
}

function rel(v: number | null): string {
  return v === null ? '-' : `${v > 0 ? '+' : ''}${(100 * v).toFixed(1)}%`;
}

function row(label: string, p: Paired, unit: string, deltaUnit = unit): string[] {
  return [label, num(p.base, unit), num(p.candidate, unit), signed(p.delta, deltaUnit), rel(p.relative)];
}

/** The rows of one step: label, base, candidate, delta, relative delta. */
function stepRows(s: StepComparison): string[][] {
  const rows = Object.entries(s.latencyMs).map(([label, p]) => row(label, p, 'ms'));
  rows.push(row('errors', s.errorRatePct, '%', 'pp'));
  rows.push(row('requests', s.count, ''));
  const fb = (v: number | null) => (v === null ? 'never' : `${v}s`);
  rows.push(['fell behind at', fb(s.fellBehindAtS.base), fb(s.fellBehindAtS.candidate), '', '']);
  return rows;
}

function verdictLine(c: Comparison): string {
  const regressed = c.steps.filter((s) => s.verdict.verdict === 'regressed').map((s) => s.step);
  const limit = `${(100 * c.maxRegression).toFixed(1)}%`;
  return regressed.length > 0
    ? `REGRESSED beyond ${limit}: ${regressed.join(', ')}`
    : `no regression beyond ${limit}`;
}

const HEADER = ['', 'base', 'candidate', 'delta', 'relative'];

/** Plain-text comparison for the terminal. */
export function renderCompareText(c: Comparison): string {
  const out = [
    `compare: base ${c.base.profile} (${c.base.startedAt}, ${c.base.target}) vs candidate ${c.candidate.profile} (${c.candidate.startedAt}, ${c.candidate.target})`,
    `method: ${c.method}; alpha ${c.alpha}; max regression ${(100 * c.maxRegression).toFixed(1)}%`,
    '',
  ];
  for (const s of c.steps) {
    out.push(`step ${s.step}: ${s.verdict.verdict} (${s.verdict.reason})`);
    const rows = [HEADER, ...stepRows(s)];
    const widths = HEADER.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
    for (const r of rows) {
      out.push(
        `  ${r.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]!) : cell.padStart(widths[k]!))).join('  ')}`.trimEnd(),
      );
    }
    out.push('');
  }
  out.push(`dropped arrivals: ${num(c.droppedPct.base, '%')} -> ${num(c.droppedPct.candidate, '%')}`);
  out.push(verdictLine(c));
  return `${out.join('\n')}\n`;
}

/** Markdown comparison (a section with one table per step). */
export function renderCompareMarkdown(c: Comparison): string {
  const e = escapeMarkdownCell;
  const out = [
    `### stampede compare: ${e(c.base.profile)} vs ${e(c.candidate.profile)}`,
    '',
    `**${e(verdictLine(c))}.** Base ${e(c.base.startedAt)} (${e(c.base.target)}), candidate ${e(c.candidate.startedAt)} (${e(c.candidate.target)}).`,
    '',
    `Method: ${e(c.method)}; alpha ${c.alpha}.`,
    '',
  ];
  for (const s of c.steps) {
    const mark = s.verdict.verdict === 'regressed' ? '❌' : s.verdict.verdict === 'improved' ? '✅' : '➖';
    out.push(`#### ${mark} ${e(s.step)}: ${e(s.verdict.verdict)}`, '', e(s.verdict.reason), '');
    out.push('| | base | candidate | delta | relative |', '| --- | ---: | ---: | ---: | ---: |');
    for (const r of stepRows(s)) out.push(`| ${r.map(e).join(' | ')} |`);
    out.push('');
  }
  out.push(`Dropped arrivals: ${num(c.droppedPct.base, '%')} → ${num(c.droppedPct.candidate, '%')}.`, '');
  return out.join('\n');
}
