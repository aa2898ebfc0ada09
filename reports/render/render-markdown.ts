/**
 * The Markdown rendering: a summary fit for a pull-request comment or a CI job summary
 * (`$GITHUB_STEP_SUMMARY`). Same figures and sentences as the text report.
 */
import type { RunData } from '../run-dir/run-data.js';
import {
  backlogText,
  fallBehindSentence,
  fmtCount,
  fmtOffset,
  gateLine,
  latencyModelText,
  latenessText,
  metastableSentence,
  TAKEDOWN_HEAD,
  takeDownRow,
  validityLines,
} from './figures-format.js';
import { mailSectionMarkdown } from './mail-section.js';
import { STEP_TABLE_HEAD, STEP_TABLE_NOTE, STEP_TABLE_NUMERIC, stepTableRows } from './step-table.js';

/** Escapes what Markdown tables and inline text would otherwise interpret. */
export function mdEscape(s: string): string {
  return s.replace(/([\\`*_[\]|<>#])/g, '\\$1').replace(/\r?\n/g, ' ');
}

/** A table with padded, aligned cells: readable as plain text, and stable under formatters. */
function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly boolean[],
): string[] {
  const widths = head.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [line(head), `| ${rule.join(' | ')} |`, ...rows.map(line)];
}

function overview(run: RunData): string[] {
  const s = run.summary;
  const invalid = validityLines(s).map((l) => `> **${mdEscape(l)}**`);
  const lines = [
    `## stampede run: ${mdEscape(s.profile.name)}`,
    '',
    ...(invalid.length > 0 ? [...invalid, ''] : []),
    `- profile: \`${s.profile.file.replaceAll('`', "'")}\` (hash \`${s.profile.hash.replaceAll('`', "'")}\`)`,
    `- target ${mdEscape(s.target)}, engine ${mdEscape(s.engine)}; ${latencyModelText(s.latencyModel)}`,
    `- started ${s.startedAt}, ${fmtCount(s.durationS)} s in ${s.intervalS} s intervals` +
      (s.shard ? `, shard ${s.shard.index + 1}/${s.shard.count}` : ''),
    `- sessions: ${fmtCount(s.arrivals)} arrived, ${fmtCount(s.started)} started, ${fmtCount(s.dropped)} dropped, ` +
      `${fmtCount(s.completed)} completed` +
      (s.succeeded === null ? '' : `, ${fmtCount(s.succeeded)} succeeded`) +
      `; ${latenessText(s)}`,
    `- ${backlogText(s)}`,
  ];
  if (s.aborted)
    lines.push(`- **ABORTED**: ${mdEscape(s.abortReason ?? 'no reason given')} (partial results)`);
  for (const d of s.degraded) lines.push(`- degraded: ${mdEscape(d)}`);
  return lines;
}

function steps(run: RunData): string[] {
  const rows = stepTableRows(run).map((cells) => cells.map(mdEscape));
  return [
    '### Steps',
    '',
    ...table(STEP_TABLE_HEAD, rows, STEP_TABLE_NUMERIC),
    '',
    `_${mdEscape(STEP_TABLE_NOTE)}_`,
  ];
}

function takeDowns(run: RunData): string[] {
  const t = run.summary.takedowns;
  if (t.length === 0) return [];
  const rows = t.map((x) => takeDownRow(x).map(mdEscape));
  return [
    '### Take-downs',
    '',
    ...table(
      TAKEDOWN_HEAD,
      rows,
      TAKEDOWN_HEAD.map((_, i) => i > 0),
    ),
  ];
}

function metastable(run: RunData): string[] {
  const m = run.summary.metastable;
  return m === null ? [] : ['### Metastability', '', ...m.map((x) => `- ${mdEscape(metastableSentence(x))}`)];
}

function fallBehind(run: RunData): string[] {
  const fb = run.summary.fellBehind;
  const body = fb === null ? ['No step fell behind.'] : fb.map((f) => `- ${mdEscape(fallBehindSentence(f))}`);
  return ['### Fall-behind', '', ...body];
}

function gates(run: RunData): string[] {
  const g = run.summary.gates;
  if (g === null) return [];
  return ['### Gates', '', ...g.map((x) => `- ${x.pass ? '✅' : '❌'} ${mdEscape(gateLine(x))}`)];
}

function events(run: RunData): string[] {
  if (run.events.length === 0) return [];
  const t0 = run.meta.t0Ms;
  return [
    '### Events',
    '',
    ...run.events.map(
      (e) =>
        `- ${fmtOffset(Math.round((e.atMs - t0) / 100) / 10)} ${mdEscape(e.kind)}: ${mdEscape(e.detail)}`,
    ),
  ];
}

function settings(run: RunData): string[] {
  const entries = Object.entries(run.summary.settings);
  if (entries.length === 0) return [];
  const rows = entries.map(([k, v]) => [mdEscape(k), mdEscape(String(v))]);
  return ['### Settings', '', ...table(['setting', 'value'], rows, [false, false])];
}

/** The whole Markdown report, ending with a newline. */
export function renderMarkdown(run: RunData): string {
  const sections = [
    overview(run),
    steps(run),
    takeDowns(run),
    run.summary.mail ? mailSectionMarkdown(run.summary.mail) : [],
    fallBehind(run),
    metastable(run),
    gates(run),
    events(run),
    settings(run),
  ];
  return `${sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n')}\n`;
}
