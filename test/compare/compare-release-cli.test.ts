/**
 * `stampede compare` judges a release, on real runs made through the CLI:
 * - a build answering every 5th request with a fast 503 against the same server healthy: exit 1,
 *   the table names the login error rate (20 % of final outcomes, 503 by class);
 * - the reference target with its admin pool halved under a reset-heavy surge that crosses the
 *   halved capacity: exit 1 naming forced-reset goodput and reset-request's fall-behind onset;
 * - two same-build runs (different seeds and names): exit 0; different traffic: exit 2, one line;
 * - `--allow-mismatch`: the mismatch heads text, md, html, json and junit; junit.xml read by an
 *   independent parser has one test case per judged figure; the html renders in Chromium.
 *
 * Runs use `--allow-invalid`: this shared machine may make the generator late, which marks a run
 * invalid; compare then needs `--allow-mismatch`, which the helper adds only when a run is invalid.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderedCompareHtml } from './compare-html-browser.js';

const CLI = join(process.cwd(), 'bin/stampede.js');
const built = existsSync(join(process.cwd(), 'dist/harness/cli/main.js'));

interface Cli {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI in a child process; async, so this process's test server keeps answering. */
function cli(args: readonly string[]): Promise<Cli> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 3) : 0;
      resolve({ code: typeof code === 'number' ? code : 3, stdout, stderr });
    });
  });
}

/** A login server: 200 to every request, or 503 (at once, empty body) to every `every`-th. */
async function loginServer(every: number | null): Promise<{ server: Server; origin: string }> {
  let n = 0;
  const server = createServer((req, res) => {
    n++;
    req.resume();
    if (every !== null && n % every === 0) res.writeHead(503).end();
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const LOGIN_PROFILE = (seed: number, name = 'login-surge') => `name: ${name}
population: { accounts: 100000, seed: ${seed} }
client: { maxInFlight: 2000, connections: 8, requestTimeout: 5s }
flows:
  login-only: { weight: 1, steps: [login] }
phases:
  - { constant: 150, duration: 2s, process: uniform }
`;

// 4 admin workers x 20 ms = 200 resets/s; halved, 100/s. Cut into 500 ms intervals: 60/s for
// 2 s gives both a baseline of 4 intervals (the onset's window is 3), then 150/s for 3 s (6
// intervals): within the base's capacity, 50/s beyond the candidate's, whose 40-deep queue fills
// in 40 / 50 = 0.8 s and then sheds a third of the reset requests with 503: (3 - 0.8) x 50 = 110
// of the 60 x 2 + 150 x 3 = 570 sessions fail, forced-reset goodput -19 % (the limit is -5 %).
const RESET_PROFILE = `name: reset-heavy
population: { accounts: 1000000, seed: 9, mustResetShare: 1 }
client: { maxInFlight: 5000, connections: 16, requestTimeout: 10s, interval: 500ms }
reference: { adminWorkers: 4, resetServiceMs: 20, resetQueue: 40, mailPerS: 5000, hashCost: 0 }
flows:
  forced-reset:
    weight: 1
    accounts: must-reset
    steps:
      - { step: login, name: login-forced, expect: [403] }
      - reset-request
      - { step: await-mail, pollEvery: 50ms, timeout: 10s }
      - reset-confirm
      - login-new
phases:
  - { constant: 60, duration: 2s, process: uniform }
  - { constant: 150, duration: 3s, process: uniform }
`;

let root: string;
const servers: Server[] = [];
const runs: Record<string, { dir: string; valid: boolean }> = {};

async function run(name: string, profileYaml: string, args: readonly string[]): Promise<void> {
  const profile = join(root, `${name}.yaml`);
  await writeFile(profile, profileYaml);
  const dir = join(root, name);
  const r = await cli(['run', profile, '--out', dir, '--workers', '1', '--json', '--allow-invalid', ...args]);
  if (r.code !== 0) throw new Error(`run ${name} exited ${r.code}: ${r.stderr}`);
  runs[name] = { dir, valid: (JSON.parse(r.stdout) as { validity: { valid: boolean } }).validity.valid };
}

async function targetFile(name: string, origin: string): Promise<string> {
  const file = join(root, `${name}-target.yaml`);
  await writeFile(
    file,
    [
      `name: ${name}`,
      `baseUrl: ${origin}`,
      'accounts: { name: "user-{{index}}", password: "pw" }',
      'steps:',
      '  login: { method: GET, path: "/login/{{account}}", expect: [200] }',
      '',
    ].join('\n'),
  );
  return file;
}

/** `compare base candidate ...`, with --allow-mismatch only when a run is invalid. */
function compare(base: string, candidate: string, ...more: string[]): Promise<Cli> {
  const invalid = !runs[base]!.valid || !runs[candidate]!.valid;
  return cli([
    'compare',
    runs[base]!.dir,
    runs[candidate]!.dir,
    ...(invalid ? ['--allow-mismatch'] : []),
    ...more,
  ]);
}

beforeAll(async () => {
  if (!built) return;
  root = await mkdtemp(join(tmpdir(), 'stampede-compare-release-'));
  const healthy = await loginServer(null);
  const broken = await loginServer(5);
  servers.push(healthy.server, broken.server);
  const healthyTarget = await targetFile('healthy', healthy.origin);
  const brokenTarget = await targetFile('broken', broken.origin);
  // The three login runs side by side: light (150/s each), and what they are judged on holds under
  // a shared load: the error rate is a count, and same-build latencies meet the same load (a run
  // made late is invalid, and its lateness widens the latency limit). The reset runs, whose
  // onset is a capacity of the reference target, one at a time after them.
  await Promise.all([
    run('healthy', LOGIN_PROFILE(1), ['--target', healthyTarget]),
    run('healthy-again', LOGIN_PROFILE(2, 'login-surge-seed-2'), ['--target', healthyTarget]),
    run('broken', LOGIN_PROFILE(1), ['--target', brokenTarget]),
  ]);
  await run('admin-4', RESET_PROFILE, ['--capacity', 'adminWorkers=4']);
  await run('admin-2', RESET_PROFILE, ['--capacity', 'adminWorkers=2']);
}, 180_000);

afterAll(async () => {
  for (const s of servers) s.close();
  if (root) await rm(root, { recursive: true, force: true });
});

// The tests only read the runs made above: each spawns its own compare processes, side by side.
describe.skipIf(!built).concurrent('compare judges a release (real runs through the CLI)', () => {
  it('a candidate answering 20 % fast 503s regresses on the error rate: exit 1', async () => {
    const [r, text] = await Promise.all([
      compare('healthy', 'broken', '--format', 'json'),
      compare('healthy', 'broken'),
    ]);
    expect(r.code, r.stderr).toBe(1);
    const c = JSON.parse(r.stdout) as {
      regressions: string[];
      figures: { figure: string; subject: string; candidate: number }[];
    };
    expect(c.regressions).toContain('login error rate');
    expect(c.regressions).toContain('login error rate 503');
    // Every 5th of 150/s x 2 s = 300 requests answered 503: 60/300 = 20 % of final outcomes.
    const rate = c.figures.find((f) => f.subject === 'login' && f.figure === 'error rate')!;
    expect(rate.candidate).toBeCloseTo(20, 0);
    expect(text.stdout).toMatch(/^REGRESSED +login error rate +0% +(19|20|21)[\d.]*% /m);
  });

  it('the admin pool halved regresses forced-reset goodput and reset-request onset: exit 1', async () => {
    const r = await compare('admin-4', 'admin-2');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^REGRESSED +forced-reset goodput /m);
    expect(r.stdout).toMatch(/^REGRESSED +reset-request fell-behind onset +never +1\d\d\/s/m);
    expect(r.stdout).toContain('note: setting target.adminWorkers: base 4, candidate 2');
  });

  it('two same-build runs (other seed, other name) compare without regression: exit 0', async () => {
    const r = await compare('healthy', 'healthy-again');
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('note: profile names: base login-surge, candidate login-surge-seed-2');
    expect(r.stdout).toMatch(/^no regression in \d+ judged figures$/m);
  });

  it('runs of different traffic are refused with one line: exit 2', async () => {
    const r = await cli(['compare', runs['healthy']!.dir, runs['admin-4']!.dir]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^stampede: compare .*different traffic \(profile traffic hash\): base login-surge \w+, candidate reset-heavy \w+/,
    );
    expect(lines[0]).toContain('--allow-mismatch compares anyway');
  });

  it('--allow-mismatch puts the mismatch at the top of every format', async () => {
    const args = (format: string) => [
      'compare',
      runs['healthy']!.dir,
      runs['admin-4']!.dir,
      '--allow-mismatch',
      '--format',
      format,
    ];
    const banner = 'MISMATCH (compared anyway: --allow-mismatch): different traffic (profile traffic hash)';
    const [text, md, json, junit, html] = await Promise.all([
      cli(args('text')),
      cli(args('md')),
      cli(args('json')),
      cli(args('junit')),
      cli(args('html')),
    ]);
    expect(text.stdout.split('\n')[0]).toContain(banner);
    expect(md.stdout.split('\n')[0]).toContain(banner);
    expect(Object.keys(JSON.parse(json.stdout))[0]).toBe('mismatch');
    expect((JSON.parse(json.stdout) as { mismatch: string[] }).mismatch[0]).toMatch(/^different traffic/);
    // An XML comment cannot hold "--": the banner's flag reads "- -allow-mismatch" there.
    expect(junit.stdout.split('\n')[1]).toMatch(/^<!-- MISMATCH \(compared anyway: .*\): different traffic/);
    const props = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(junit.stdout)
      .testsuites.testsuite.properties.property as { name: string; value: string }[];
    expect(props[0]!.name).toBe('mismatch');
    expect(props[0]!.value).toMatch(/^different traffic/);
    const body = html.stdout.slice(html.stdout.indexOf('<body>'));
    expect(body.indexOf(banner)).toBeGreaterThan(0);
    expect(body.indexOf(banner)).toBeLessThan(body.indexOf('<h1>'));
    for (const r of [text, md, json, junit, html]) expect(r.code).not.toBe(2);
  });

  it('junit: one test case per judged figure, read by an independent parser', async () => {
    const file = join(root, 'compare.junit.xml');
    const [r, asJson] = await Promise.all([
      compare('admin-4', 'admin-2', '--format', 'junit', '--out', file),
      compare('admin-4', 'admin-2', '--format', 'json'),
    ]);
    expect(r.code).toBe(1);
    const json = JSON.parse(asJson.stdout) as {
      figures: { subject: string; figure: string; verdict: string }[];
    };
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      await readFile(file, 'utf8'),
    );
    const suite = doc.testsuites.testsuite;
    const cases = ([] as { name: string; failure?: unknown; skipped?: unknown }[]).concat(suite.testcase);
    expect(cases.map((c) => c.name)).toEqual(json.figures.map((f) => `${f.subject} ${f.figure}`));
    expect(Number(suite.tests)).toBe(json.figures.length);
    const failed = cases.filter((c) => c.failure !== undefined).map((c) => c.name);
    expect(failed).toEqual(
      json.figures.filter((f) => f.verdict === 'regressed').map((f) => `${f.subject} ${f.figure}`),
    );
    expect(Number(suite.failures)).toBe(failed.length);
    expect(failed).toContain('forced-reset goodput');
  });

  it('html: self-contained, renders the verdict table and charts in headless Chromium', async () => {
    const file = join(root, 'compare.html');
    await compare('admin-4', 'admin-2', '--format', 'html', '--out', file);
    const html = await readFile(file, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|\s(src|href)=["']?https?:/i);
    const page = await renderedCompareHtml(file);
    if (page === null) return; // no browser here (warned); CI installs chromium
    expect(page.problems).toEqual([]);
    expect(page.requests).toHaveLength(1);
    expect(page.rows).toBeGreaterThan(20);
    expect(page.regressedRows).toContain('forced-reset goodput');
    // One latency chart pair per step: 5 steps x 2 canvases, each with ink on it.
    expect(page.canvases.length).toBe(10);
    for (const inked of page.canvases) expect(inked).toBeGreaterThan(200);
  });
});
