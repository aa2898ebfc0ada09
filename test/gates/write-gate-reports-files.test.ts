import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderGateTable } from '../../reports/gates/gate-table.js';
import { writeGateReports } from '../../reports/gates/write-gate-reports.js';
import type { GateResult, Summary } from '../../reports/run-dir/summary.js';

const summary: Summary = {
  schemaVersion: 2,
  profile: { name: 'relaunch <"&">', file: 'profiles/x.yaml', hash: 'abc' },
  target: 'reference',
  engine: 'undici',
  latencyModel: 'intended-time',
  startedAt: '2025-01-02T03:04:05.678Z',
  durationS: 60,
  intervalS: 1,
  aborted: false,
  abortReason: null,
  degraded: [],
  shard: null,
  validity: { valid: true, problems: [] },
  arrivals: 10,
  started: 10,
  dropped: 0,
  completed: 10,
  succeeded: null,
  maxLatenessMs: 0,
  latenessMs: null,
  steps: {},
  flows: null,
  backlog: {
    source: 'cumulative-estimate',
    peakAtTarget: null,
    peakInClient: null,
    peakInBackoff: null,
    peakTotal: 0,
    peakAtS: null,
  },
  takedowns: [],
  fellBehind: null,
  metastable: null,
  gates: null,
  settings: {},
};

const results: GateResult[] = [
  {
    expr: 'login p99 < 250ms',
    pass: true,
    actual: 120.5,
    threshold: 250,
    unit: 'ms',
    message: 'p99 of login 120.5ms < 250ms',
  },
  {
    expr: 'reset-confirm p99 < 250ms',
    pass: false,
    actual: 812,
    threshold: 250,
    unit: 'ms',
    message: 'p99 of reset-confirm 812ms, not < 250ms',
  },
  {
    expr: '* error-rate < 1% <&|>',
    pass: false,
    actual: null,
    threshold: 1,
    unit: '%',
    message: 'no data: a|b\u0001',
  },
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stampede-gates-'));
  await writeFile(join(dir, 'summary.json'), JSON.stringify(summary));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeGateReports', () => {
  it('writes valid JUnit XML with one testcase per gate and failures that say measured vs threshold', async () => {
    await writeGateReports(dir, results, summary, {});
    const xml = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    const suite = doc.testsuites.testsuite;
    expect(suite).toMatchObject({
      name: 'stampede gates: relaunch <"&">',
      tests: '3',
      failures: '2',
      errors: '0',
    });
    expect(suite.timestamp).toBe('2025-01-02T03:04:05');
    expect(suite.testcase).toHaveLength(3);
    expect(suite.testcase[0].failure).toBeUndefined();
    expect(suite.testcase[1].failure.message).toBe('p99 of reset-confirm 812ms, not < 250ms');
    expect(suite.testcase[1].failure['#text']).toContain('measured 812ms, threshold 250ms');
    expect(suite.testcase[2].name).toBe('* error-rate < 1% <&|>');
    expect(suite.testcase[2].failure['#text']).toContain('measured no data, threshold 1%');
  });

  it('writes gates.md, records the results in summary.json and appends to the GitHub step summary', async () => {
    const stepSummary = join(dir, 'step-summary.md');
    await writeFile(stepSummary, '# earlier step\n');
    await writeGateReports(dir, results, summary, { GITHUB_STEP_SUMMARY: stepSummary });
    const md = await readFile(join(dir, 'gates.md'), 'utf8');
    expect(md).toContain('**2 of 3 gates failed.**');
    expect(md).toContain('| ❌ **fail** | `reset-confirm p99 < 250ms` | 812ms | 250ms |');
    expect(md).toContain('no data: a\\|b');
    // Every table row has the same number of unescaped cell separators.
    const rows = md.split('\n').filter((l) => l.startsWith('|'));
    const cells = rows.map((l) => l.replace(/\\\|/g, '').split('|').length);
    expect(new Set(cells).size).toBe(1);
    expect(await readFile(stepSummary, 'utf8')).toBe(`# earlier step\n${md}\n`);
    const written = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Summary;
    expect(written.gates).toEqual(results);
    expect(written.profile).toEqual(summary.profile);
  });

  it('leaves the step summary alone when the variable is not set', async () => {
    await writeGateReports(dir, results.slice(0, 1), summary, {});
    expect(await readFile(join(dir, 'gates.md'), 'utf8')).toContain('All 1 gates passed.');
  });
});

describe('renderGateTable', () => {
  it('aligns one line per gate and ends with the verdict', () => {
    const text = renderGateTable(results);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^PASS {2}login p99 < 250ms/);
    expect(lines[2]).toMatch(/^FAIL {2}reset-confirm p99 < 250ms/);
    expect(lines[3]).toContain('no data');
    expect(lines[4]).toBe('gates: 2 of 3 FAILED');
    const detail = lines[0]!.indexOf('detail');
    expect(lines[1]!.slice(detail)).toBe('p99 of login 120.5ms < 250ms');
    expect(lines[2]!.slice(detail)).toBe('p99 of reset-confirm 812ms, not < 250ms');
  });
});
