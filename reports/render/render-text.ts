/**
 * The terminal rendering of a run: what `stampede run` prints at the end and
 * `stampede report --format text` prints any time after. Plain text, aligned columns, no colour
 * (it lands in CI logs too).
 */
import type { RunData } from '../run-dir/run-data.js';
import {
  alignColumns,
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
import { mailSectionText } from './mail-section.js';
import { STEP_TABLE_HEAD, STEP_TABLE_NOTE, STEP_TABLE_NUMERIC, stepTableRows } from './step-table.js';

function header(run: RunData): string[] {
  const s = run.summary;
  const lines = [
    // Validity first: a reader who stops at the first line must not miss it.
    ...validityLines(s),
    `stampede run: ${s.profile.name} (${s.profile.file})`,
    `target ${s.target}, engine ${s.engine}, ${latencyModelText(s.latencyModel)}`,
    `started ${s.startedAt}, ${fmtCount(s.durationS)} s in ${s.intervalS} s intervals` +
      (s.shard ? `, shard ${s.shard.index + 1}/${s.shard.count}` : ''),
    `sessions: ${fmtCount(s.arrivals)} arrived, ${fmtCount(s.started)} started, ${fmtCount(s.dropped)} dropped, ` +
      `${fmtCount(s.completed)} completed` +
      (s.succeeded === null ? '' : `, ${fmtCount(s.succeeded)} succeeded`) +
      `; ${latenessText(s)}`,
    backlogText(s),
  ];
  if (s.aborted) lines.push(`ABORTED: ${s.abortReason ?? 'no reason given'} (partial results)`);
  for (const d of s.degraded) lines.push(`degraded: ${d}`);
  return lines;
}

function stepTable(run: RunData): string[] {
  const rows = [[...STEP_TABLE_HEAD], ...stepTableRows(run)];
  const lines = alignColumns(rows, STEP_TABLE_NUMERIC);
  lines.splice(1, 0, '-'.repeat(Math.max(...lines.map((l) => l.length))));
  return [...lines, STEP_TABLE_NOTE];
}

function takeDownTable(run: RunData): string[] {
  const t = run.summary.takedowns;
  if (t.length === 0) return [];
  const rows = [[...TAKEDOWN_HEAD], ...t.map(takeDownRow)];
  return [
    'Take-downs (planned outages; not counted as falling behind):',
    ...alignColumns(
      rows,
      TAKEDOWN_HEAD.map((_, i) => i > 0),
    ).map((l) => `  ${l}`),
  ];
}

function metastableLines(run: RunData): string[] {
  const m = run.summary.metastable;
  return m === null ? [] : ['Metastability:', ...m.map((x) => `  ${metastableSentence(x)}`)];
}

function fallBehindParagraph(run: RunData): string[] {
  const fb = run.summary.fellBehind;
  if (fb === null) return ['No step fell behind: every step kept up with its offered load.'];
  return ['Fell behind:', ...fb.map((f) => `  ${fallBehindSentence(f)}`)];
}

function eventLines(run: RunData): string[] {
  if (run.events.length === 0) return [];
  const t0 = run.meta.t0Ms;
  return [
    'Events:',
    ...run.events.map((e) => `  ${fmtOffset(Math.round((e.atMs - t0) / 100) / 10)} ${e.kind}: ${e.detail}`),
  ];
}

/** The whole text report, ending with a newline. */
export function renderText(run: RunData): string {
  const parts: string[][] = [
    header(run),
    stepTable(run),
    takeDownTable(run),
    run.summary.mail ? mailSectionText(run.summary.mail) : [],
    fallBehindParagraph(run),
    metastableLines(run),
  ].filter((p) => p.length > 0);
  const ev = eventLines(run);
  if (ev.length > 0) parts.push(ev);
  const gates = run.summary.gates;
  if (gates !== null) parts.push(['Gates:', ...gates.map((g) => `  ${gateLine(g)}`)]);
  return `${parts.map((p) => p.join('\n')).join('\n\n')}\n`;
}
