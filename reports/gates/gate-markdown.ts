/**
 * The gate results as Markdown: a heading with the verdict and one table row per gate, for
 * `gates.md` and GitHub's job summary (`$GITHUB_STEP_SUMMARY`).
 */
import type { GateResult, Summary } from '../run-dir/summary.js';
import { formatGateValue, formatMeasured } from './gate-evaluator.js';

/** Escapes text for a Markdown table cell: pipes, backticks, angle brackets, newlines. */
export function escapeMarkdownCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/`/g, '\\`')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ');
}

/** Renders the results as a Markdown section (heading, verdict line, table). */
export function renderGateMarkdown(results: readonly GateResult[], summary: Summary): string {
  const failed = results.filter((r) => !r.pass).length;
  const verdict =
    results.length === 0
      ? 'No gates were evaluated.'
      : failed === 0
        ? `All ${results.length} gates passed.`
        : `**${failed} of ${results.length} gates failed.**`;
  const lines = [
    `### stampede gates: ${escapeMarkdownCell(summary.profile.name)}`,
    '',
    `${verdict} Target ${escapeMarkdownCell(summary.target)}, engine ${escapeMarkdownCell(summary.engine)}, ` +
      `${summary.durationS}s from ${escapeMarkdownCell(summary.startedAt)}${summary.aborted ? ' (run **aborted**)' : ''}.`,
    '',
  ];
  if (results.length === 0) return `${lines.join('\n')}\n`;
  lines.push('| | Gate | Measured | Threshold | Detail |', '| --- | --- | ---: | ---: | --- |');
  for (const r of results) {
    const mark = r.pass ? '✅ pass' : '❌ **fail**';
    const measured = formatMeasured(r);
    lines.push(
      `| ${mark} | \`${r.expr.replace(/`/g, "'").replace(/\|/g, '\\|')}\` | ${escapeMarkdownCell(measured)} | ` +
        `${escapeMarkdownCell(formatGateValue(r.threshold, r.unit))} | ${escapeMarkdownCell(r.message)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
