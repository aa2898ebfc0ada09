/**
 * `junit.xml` for gates: one `<testsuite>` (inside the usual `<testsuites>` root), one
 * `<testcase>` per gate, a `<failure>` with the measured value against the threshold for each
 * failed gate. This is the subset every common CI consumer reads (Jenkins, GitLab, GitHub test
 * reporters, Azure DevOps): counts on the suite, `classname` + `name` on each case.
 */
import type { GateResult, Summary } from '../run-dir/summary.js';
import { formatGateValue, formatMeasured } from './gate-evaluator.js';

// XML 1.0 forbids most control characters even when escaped; a step name or message must not
// make the whole file unreadable to CI.
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Escapes text for an XML attribute or element body. */
export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** JUnit's `timestamp` is an ISO date-time without zone or fraction (the Ant/Jenkins schema). */
function junitTimestamp(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 19);
}

/** The measured value against the threshold, for a failure's body. */
export function measuredVsThreshold(r: GateResult): string {
  const measured = formatMeasured(r);
  return `measured ${measured}, threshold ${formatGateValue(r.threshold, r.unit)}`;
}

/** Renders the gate results of a run as a JUnit XML document. */
export function renderJunitXml(results: readonly GateResult[], summary: Summary): string {
  const failures = results.filter((r) => !r.pass).length;
  const suite = `stampede gates: ${summary.profile.name}`;
  const classname = `stampede.gates.${summary.profile.name}`;
  const attrs = (o: Record<string, string | number>): string =>
    Object.entries(o)
      .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
      .join('');
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'stampede', tests: results.length, failures, errors: 0, time: summary.durationS })}>`,
    `  <testsuite${attrs({
      name: suite,
      tests: results.length,
      failures,
      errors: 0,
      skipped: 0,
      time: summary.durationS,
      timestamp: junitTimestamp(summary.startedAt),
    })}>`,
    '    <properties>',
    `      <property${attrs({ name: 'profile', value: summary.profile.name })}/>`,
    `      <property${attrs({ name: 'profile.hash', value: summary.profile.hash })}/>`,
    `      <property${attrs({ name: 'target', value: summary.target })}/>`,
    `      <property${attrs({ name: 'engine', value: summary.engine })}/>`,
    `      <property${attrs({ name: 'aborted', value: String(summary.aborted) })}/>`,
    '    </properties>',
  ];
  for (const r of results) {
    const head = `    <testcase${attrs({ classname, name: r.expr, time: 0 })}`;
    if (r.pass) {
      lines.push(`${head}>`, `      <system-out>${escapeXml(r.message)}</system-out>`, '    </testcase>');
      continue;
    }
    lines.push(
      `${head}>`,
      `      <failure${attrs({ message: r.message, type: r.actual === null ? 'no-data' : 'gate-failed' })}>${escapeXml(
        `${r.expr}: ${r.message} (${measuredVsThreshold(r)})`,
      )}</failure>`,
      '    </testcase>',
    );
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
