/**
 * Bad input at the CLI, where a user types or points: flags and their combinations, profiles,
 * target files and modules, gate expressions, run directories, k6 output files. Each is refused
 * before anything is fired with exit 2, exactly one line on stderr starting `stampede:` that names
 * the problem, and no stack trace. Targets point at a closed loopback port, so an input wrongly
 * accepted fails on its message, never by sending load.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSyntheticRun } from '../reports/synthetic-run.js';
import { tempDir } from '../support/surge-fixture.js';
import { runCli } from './cli-process.js';

const dir = tempDir('stampede-bad-input-');
const at = (name: string): string => join(dir, name);

const PROFILE = `name: tiny
population: { accounts: 100 }
flows:
  a: { weight: 1, steps: [login] }
phases:
  - { constant: 10, duration: 1s }
`;
const TARGET = `name: closed
baseUrl: http://127.0.0.1:9
accounts: { name: "user-{{index}}", password: "pw" }
steps:
  login: { method: GET, path: "/login/{{account}}", expect: [200] }
`;

beforeAll(async () => {
  const files: Record<string, string> = {
    'good.yaml': PROFILE,
    'neg-rate.yaml': PROFILE.replace('constant: 10', 'constant: -10'),
    'syntax.yaml': 'name: [tiny\n',
    'typo.yaml': PROFILE.replace('duration: 1s', 'duraton: 1s, duration: 1s'),
    'bad-duration.yaml': PROFILE.replace('duration: 1s', 'duration: 1 fortnight'),
    'no-flows.yaml': PROFILE.replace(/flows:\n.*\n/, ''),
    'bad-gate.yaml': `${PROFILE}gates: ["login p99 < fast"]\n`,
    'target.yaml': TARGET,
    'target-remote.yaml': TARGET.replace('127.0.0.1:9', 'login.example.com'),
    'target-no-steps.yaml': TARGET.replace(/steps:\n.*\n/, ''),
    'target-bad-method.yaml': TARGET.replace('GET', 'YEET'),
    'no-default.mjs': 'export const target = {};\n',
    'factory-throws.mjs': 'export default () => { throw new Error("no config"); };\n',
    'not-a-target.mjs': 'export default () => ({ name: "half" });\n',
    'not-json.k6.json': 'not json at all\n',
    'no-value.k6.json':
      '{"type":"Point","metric":"http_req_duration","data":{"time":"2024-01-01T00:00:00Z","value":"x"}}\n',
    'empty.k6.json': '',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(at(name), text);
  await buildSyntheticRun(at('run-good'), { intervals: 5 });
  for (const bad of ['run-v99', 'run-partial', 'run-truncated', 'run-bad-hlog'])
    cpSync(at('run-good'), at(bad), { recursive: true });
  const summary = JSON.parse(readFileSync(at('run-v99/summary.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(at('run-v99/summary.json'), JSON.stringify({ ...summary, schemaVersion: 99 }));
  for (const f of ['summary.json', 'histograms.hlog', 'timeseries.csv']) rmSync(at(`run-partial/${f}`));
  const text = readFileSync(at('run-truncated/summary.json'), 'utf8');
  writeFileSync(at('run-truncated/summary.json'), text.slice(0, text.length / 2));
  writeFileSync(
    at('run-bad-hlog/histograms.hlog'),
    '#[StartTime: 0]\nTag=login.latency,0,1,2,@@@@not-base64@@@@\n',
  );
  mkdirSync(at('empty-dir'));
});

/** `run` of a good profile against the closed-port target, or against `--target` if `rest` names one. */
const run = (...rest: string[]): string[] => [
  'run',
  at('good.yaml'),
  ...(rest.includes('--target') ? [] : ['--target', at('target.yaml')]),
  ...rest,
];

/** [what, argv, what the one line must say]. */
const CASES: readonly (readonly [string, () => string[], RegExp])[] = [
  ['no command', () => [], /name a command/],
  ['unknown command', () => ['frobnicate'], /Unknown argument: frobnicate/],
  ['run without its profile', () => ['run'], /Not enough non-option arguments/],
  ['unknown flag', () => run('--bogus'), /Unknown argument: bogus/],
  ['--shard 3/2', () => run('--shard', '3/2'), /--shard: "3\/2" is not i\/n/],
  ['--shard 0/2', () => run('--shard', '0/2'), /--shard: "0\/2" is not i\/n/],
  ['--shard abc', () => run('--shard', 'abc'), /--shard: "abc" is not i\/n/],
  ['--workers 0', () => run('--workers', '0'), /--workers: "0" is not a whole number/],
  ['--workers 1.5', () => run('--workers', '1.5'), /--workers: "1.5" is not a whole number/],
  ['--workers 1000', () => run('--workers', '1000'), /--workers: "1000" is not a whole number from 1 to 256/],
  ['--engine nope', () => run('--engine', 'nope'), /Invalid values: Argument: engine, Given: "nope"/],
  [
    '--target given twice',
    () => run('--target', at('target.yaml'), '--target', at('target.yaml')),
    /--target: given more than once/,
  ],
  ['--out given twice', () => run('--out', at('a'), '--out', at('b')), /--out: given more than once/],
  ['--drain -1', () => run('--drain', '-1'), /--drain: "-1" is not a number of seconds/],
  [
    '--capacity without =',
    () => run('--capacity', 'adminWorkers'),
    /--capacity: "adminWorkers" is not key=number/,
  ],
  ['--gate without unit', () => run('--gate', 'login p99 < 250'), /--gate "login p99 < 250": missing unit/],
  ['--gate bad statistic', () => run('--gate', 'login latency < 1ms'), /bad statistic "latency"/],
  ['profile not found', () => ['run', at('missing.yaml')], /profile not found/],
  [
    'profile: negative rate',
    () => ['run', at('neg-rate.yaml')],
    /neg-rate\.yaml:6:\d+ {2}phases\[0\]\.constant {2}must be >= 0/,
  ],
  [
    'profile: YAML syntax',
    () => ['run', at('syntax.yaml')],
    /syntax\.yaml:\d+:\d+ {2}\(root\) {2}invalid YAML/,
  ],
  [
    'profile: typo key',
    () => ['plan', at('typo.yaml')],
    /typo\.yaml:6:\d+ {2}phases\[0\] {2}unknown key "duraton"/,
  ],
  [
    'profile: bad duration',
    () => ['plan', at('bad-duration.yaml')],
    /bad-duration\.yaml:6:\d+ {2}phases\[0\]\.duration/,
  ],
  ['profile: no flows', () => ['plan', at('no-flows.yaml')], /no-flows\.yaml:\d+:\d+ .*flows/],
  [
    'profile: bad gate',
    () => ['run', at('bad-gate.yaml'), '--target', at('target.yaml')],
    /gates.*"login p99 < fast"/,
  ],
  ['--target unknown kind', () => run('--target', 'nope.txt'), /--target: unknown target "nope\.txt"/],
  ['--target file missing', () => run('--target', at('missing.yaml')), /--target: file not found/],
  [
    'target not loopback',
    () => run('--target', at('target-remote.yaml')),
    /baseUrl host "login\.example\.com" is not loopback/,
  ],
  [
    'target bad method',
    () => run('--target', at('target-bad-method.yaml')),
    /target-bad-method\.yaml:5:\d+ {2}steps\.login\.method/,
  ],
  [
    'target module without default',
    () => run('--target', at('no-default.mjs')),
    /default export must be a factory/,
  ],
  [
    'target module factory throws',
    () => run('--target', at('factory-throws.mjs')),
    /the target factory failed: no config/,
  ],
  [
    'target module not a Target',
    () => run('--target', at('not-a-target.mjs')),
    /is not a Target \(missing origin, spec/,
  ],
  [
    'target unreachable (preflight)',
    () => run(),
    /target not reachable at http:\/\/127\.0\.0\.1:9: connection refused \(use --no-preflight/,
  ],
  ['report: no such dir', () => ['report', at('missing-run')], /no such run directory/],
  ['report: empty dir', () => ['report', at('empty-dir')], /meta\.json: missing/],
  [
    'report: bad --format',
    () => ['report', at('run-good'), '--format', 'pdf'],
    /Invalid values: Argument: format, Given: "pdf"/,
  ],
  ['report: newer schema version', () => ['report', at('run-v99')], /summary\.json: .*99/],
  [
    'report: partial dir',
    () => ['report', at('run-partial')],
    /run-partial.*(summary\.json|histograms\.hlog)/,
  ],
  ['report: truncated summary', () => ['report', at('run-truncated')], /summary\.json: not valid JSON/],
  ['report: corrupt hlog', () => ['report', at('run-bad-hlog')], /histograms\.hlog/],
  ['gate: without --gate', () => ['gate', at('run-good')], /gate/],
  ['compare: one run only', () => ['compare', at('run-good')], /Not enough non-option arguments/],
  [
    'compare: bad --max-regression',
    () => ['compare', at('run-good'), at('run-good'), '--max-regression', 'lots'],
    /--max-regression: "lots"/,
  ],
  [
    'import k6: missing file',
    () => ['import', 'k6', at('missing.json'), '--out', at('o1')],
    /missing\.json: cannot read/,
  ],
  [
    'import k6: not JSON',
    () => ['import', 'k6', at('not-json.k6.json'), '--out', at('o2')],
    /not-json\.k6\.json:1 {2}not valid JSON/,
  ],
  [
    'import k6: non-numeric value',
    () => ['import', 'k6', at('no-value.k6.json'), '--out', at('o3')],
    /no-value\.k6\.json:1 {2}Point without a numeric data\.value/,
  ],
  [
    'import k6: empty file',
    () => ['import', 'k6', at('empty.k6.json'), '--out', at('o4')],
    /empty\.k6\.json:1 {2}empty file/,
  ],
  [
    'export k6 without --target',
    () => ['export', 'k6', at('good.yaml'), '--out', at('x.ts')],
    /Missing required argument: target/,
  ],
  [
    'serve: port out of range',
    () => ['serve', 'reference', '--port', '99999'],
    /--port: must be an integer in \[0, 65535\]/,
  ],
];

describe.concurrent('bad input at the CLI: exit 2, one line, no stack trace', () => {
  it.each(CASES)('%s', async (_what, argv, message) => {
    const { code, stdout, stderr } = await runCli(argv(), 20_000, dir);
    const lines = stderr.split('\n').filter((l) => l !== '');
    expect({ code, lines }).toEqual({ code: 2, lines: [expect.stringMatching(/^stampede: /)] });
    expect(lines[0]).toMatch(message);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stdout).toBe('');
  });
});

describe('bad input with several problems', () => {
  it('a target file missing several fields lists each on its own indented line, after one headline', async () => {
    const { code, stderr } = await runCli(run('--target', at('target-no-steps.yaml')), 20_000, dir);
    expect(code).toBe(2);
    const lines = stderr.split('\n').filter((l) => l !== '');
    expect(lines[0]).toMatch(/^stampede: .*target-no-steps\.yaml:\d+:\d+ .*"steps"/);
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {2}\S/);
  });
});
