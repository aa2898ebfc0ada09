/**
 * `stampede compare --format junit`: one `<testsuite>` with one `<testcase>` per judged figure,
 * a `<failure>` for each regressed one, so a test-report UI lists what a release broke. A
 * mismatch compared anyway (`--allow-mismatch`) comes first twice: as an XML comment at the top
 * of the document and as the suite's first property; a figure without data is `<skipped>`.
 */
import { escapeXml } from '../gates/junit-xml.js';
import type { Comparison } from './compare-runs.js';
import { bannerLines, verdictCells } from './compare-tables.js';
import { figureName } from './judged-figure.js';

function attrs(o: Record<string, string | number>): string {
  return Object.entries(o)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

/** A comment body cannot hold `--`. */
function commentSafe(text: string): string {
  return escapeXml(text).replace(/--/g, '- -');
}

/** Renders the comparison as a JUnit XML document. */
export function renderCompareJunit(c: Comparison): string {
  const failures = c.figures.filter((f) => f.verdict === 'regressed').length;
  const skipped = c.figures.filter((f) => f.verdict === 'no data').length;
  const tests = c.figures.length;
  const suite = `stampede compare: ${c.base.profile} vs ${c.candidate.profile}`;
  const classname = `stampede.compare.${c.candidate.profile}`;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  for (const b of bannerLines(c)) lines.push(`<!-- ${commentSafe(b)} -->`);
  lines.push(
    `<testsuites${attrs({ name: 'stampede compare', tests, failures, errors: 0, skipped })}>`,
    `  <testsuite${attrs({ name: suite, tests, failures, errors: 0, skipped, time: 0 })}>`,
    '    <properties>',
  );
  for (const m of c.mismatch) lines.push(`      <property${attrs({ name: 'mismatch', value: m })}/>`);
  for (const n of c.notes) lines.push(`      <property${attrs({ name: 'note', value: n })}/>`);
  lines.push(
    `      <property${attrs({ name: 'base', value: c.base.dir })}/>`,
    `      <property${attrs({ name: 'candidate', value: c.candidate.dir })}/>`,
    `      <property${attrs({ name: 'method', value: c.method })}/>`,
    '    </properties>',
  );
  for (const f of c.figures) {
    const [, , base, candidate, delta, limit] = verdictCells(f);
    const line = `base ${base}, candidate ${candidate}, delta ${delta}, limit ${limit}: ${f.detail}`;
    lines.push(`    <testcase${attrs({ classname, name: figureName(f), time: 0 })}>`);
    if (f.verdict === 'regressed') {
      lines.push(
        `      <failure${attrs({ message: `regressed: ${line}`, type: 'regression' })}>${escapeXml(line)}</failure>`,
      );
    } else if (f.verdict === 'no data') {
      lines.push(`      <skipped${attrs({ message: `no data: ${f.detail}` })}/>`);
    } else {
      lines.push(`      <system-out>${escapeXml(`${f.verdict}: ${line}`)}</system-out>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
