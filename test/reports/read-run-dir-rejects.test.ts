import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StampedeError } from '../../harness/errors.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { runCli } from '../reliability/cli-process.js';
import { buildSyntheticRun } from './synthetic-run.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-rundir-'));
const good = join(root, 'good');
let n = 0;
beforeAll(async () => {
  await buildSyntheticRun(good, { intervals: 6 });
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A copy of the good run directory with one file changed. */
async function broken(file: string, change: (text: string) => string | null): Promise<string> {
  const dir = join(root, `bad-${n++}`);
  await cp(good, dir, { recursive: true });
  const path = join(dir, file);
  const next = change(await readFile(path, 'utf8'));
  if (next === null) await rm(path);
  else await writeFile(path, next);
  return dir;
}

async function rejection(dir: string): Promise<StampedeError> {
  const err = await readRunDir(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StampedeError);
  const se = err as StampedeError;
  expect(se.code).toBe('E_RUN_DIR');
  expect(se.exitCode).toBe(2);
  expect(se.message).not.toContain('\n');
  return se;
}

describe('readRunDir rejects bad run directories with one line naming the file', () => {
  it('reads the good one', async () => {
    expect((await readRunDir(good)).series).toHaveLength(6);
  });

  it('a directory that does not exist', async () => {
    expect((await rejection(join(root, 'nope'))).message).toMatch(/nope: no such run directory/);
  });

  it.each([
    ['meta.json', () => null, /meta\.json: missing/],
    ['summary.json', () => null, /summary\.json: missing/],
    ['histograms.hlog', () => null, /histograms\.hlog: missing/],
    ['timeseries.csv', () => null, /timeseries\.csv: missing/],
    ['summary.json', (t: string) => t.slice(0, t.length / 2), /summary\.json: not valid JSON/],
    ['meta.json', () => '', /meta\.json: empty file/],
    [
      'meta.json',
      (t: string) => t.replace('"intervalMs": 1000', '"intervalMs": "1s"'),
      /meta\.json: intervalMs/,
    ],
    [
      'summary.json',
      (t: string) => t.replace('"schemaVersion": 2', '"schemaVersion": 3'),
      /schemaVersion 3 is not supported/,
    ],
    [
      'summary.json',
      (t: string) => t.replace('"arrivals": ', '"arrivals": -'),
      /summary\.json: \/arrivals must be >= 0/,
    ],
    [
      'histograms.hlog',
      (t: string) => t.replace(/HISTF[A-Za-z0-9+/=]{10}/, 'HISTF!!!!'),
      /histograms\.hlog: line \d+: histogram payload/,
    ],
    [
      'histograms.hlog',
      (t: string) => t.replace('Tag=login.latency', 'Tag=logout.latency'),
      /tag "logout\.latency"/,
    ],
    ['histograms.hlog', (t: string) => t.slice(0, -20), /histograms\.hlog: line \d+: truncated/],
    ['timeseries.csv', (t: string) => t.replace('index,t_s', 'idx,t_s'), /timeseries\.csv: line 1: header/],
    [
      'timeseries.csv',
      (t: string) => t.replace(/\n0,0,/, '\n0,zero,'),
      /timeseries\.csv: line 2: column 2 is not a number/,
    ],
    ['timeseries.csv', (t: string) => t.slice(0, -5), /timeseries\.csv: line 7: truncated/],
    ['events.json', () => '{"atMs": 1}', /events\.json: expected an array/],
    ['target-metrics.json', () => '[{"values": {}}]', /target-metrics\.json: expected an array/],
  ])('%s changed: %s', async (file, change, message) => {
    const se = await rejection(await broken(file, change));
    expect(se.message).toMatch(message);
    expect(se.message).toContain(file);
  });

  it('accepts a directory without the optional events and target metrics', async () => {
    const dir = await broken('events.json', () => null);
    await rm(join(dir, 'target-metrics.json'));
    const run = await readRunDir(dir);
    expect([run.events, run.targetMetrics]).toEqual([[], []]);
  });

  it('the report command exits 2 with the one line on stderr', async () => {
    const dir = await broken('summary.json', (t) => t.replace('"schemaVersion": 2', '"schemaVersion": 9'));
    const res = await runCli(['report', dir]);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/^stampede: .*summary\.json: schemaVersion 9 is not supported/);
  });
});
