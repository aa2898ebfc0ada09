/**
 * The false-alarm rate of `stampede compare` (issue 14): pairs of short runs of one build, the
 * same traffic with different seeds, against the reference target, each run and each compare
 * through the compiled CLI as a user would. Every pair is independent (two fresh runs); a pair
 * whose compare exits 1 is a false alarm. Prints the rate with its 95 % Wilson interval, over
 * every pair and over the pairs whose runs were both valid, and which figures alarmed.
 *
 *   npm run build && node --import tsx bench/compare-false-alarms.ts [--pairs 60] [--seconds 4]
 *
 * Load goes only to 127.0.0.1 (the reference target the run starts itself); each run is bounded
 * (a few hundred sessions, a few seconds). Invalid runs (a late generator on a busy machine) are
 * compared with --allow-mismatch so that every pair counts, and are counted apart.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, numberArg } from './support/cli-bench.js';

const PAIRS = numberArg('pairs', 60);
/** `--keep DIR`: keep every run directory there (to study the alarms), instead of deleting them. */
const KEEP = process.argv.includes('--keep') ? process.argv[process.argv.indexOf('--keep') + 1] : undefined;
const SECONDS = numberArg('seconds', 4);
/** First seed (`--seed-base`), so a second batch draws fresh seeds. */
const SEED_BASE = numberArg('seed-base', 1000);

/** A same-build profile: both flows, Poisson arrivals (the seed changes the arrival times). */
function profile(seed: number): string {
  return `name: false-alarm-${seed}
description: same build, seed ${seed}
population: { accounts: 100000, seed: ${seed}, mustResetShare: 0.7 }
client: { maxInFlight: 2000, connections: 8, requestTimeout: 5s }
reference: { adminWorkers: 4, resetServiceMs: 5, resetQueue: 200, mailPerS: 2000, hashCost: 1 }
defaults:
  think: { uniform: [5ms, 20ms] }
flows:
  forced-reset:
    weight: 0.7
    accounts: must-reset
    steps:
      - { step: login, name: login-forced, expect: [403] }
      - reset-request
      - { step: await-mail, pollEvery: 50ms, timeout: 5s }
      - reset-confirm
      - login-new
  login-only:
    weight: 0.3
    accounts: no-reset
    steps: [login]
phases:
  - { constant: 60, duration: ${SECONDS}s, process: poisson }
`;
}

/** The 95 % Wilson score interval of k successes in n trials. */
export function wilson(k: number, n: number, z = 1.959964): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

function run(dir: string, seed: number): { dir: string; valid: boolean } {
  const file = join(dir, `profile-${seed}.yaml`);
  writeFileSync(file, profile(seed));
  const out = join(dir, `run-${seed}`);
  const r = spawnSync(
    process.execPath,
    [BIN, 'run', file, '--out', out, '--workers', '1', '--json', '--allow-invalid'],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (r.status !== 0 && r.status !== 1) throw new Error(`run ${seed} exited ${r.status}: ${r.stderr}`);
  const summary = JSON.parse(r.stdout) as { validity: { valid: boolean } };
  return { dir: out, valid: summary.validity.valid };
}

const root = KEEP ?? mkdtempSync(join(tmpdir(), 'stampede-false-alarms-'));
const started = Date.now();
let alarms = 0;
let validPairs = 0;
let validAlarms = 0;
/** As a user runs it, without --allow-mismatch: an invalid run is refused (exit 2), not judged. */
let defaultRefused = 0;
let defaultAlarms = 0;
const byFigure = new Map<string, number>();
try {
  for (let i = 0; i < PAIRS; i++) {
    const a = run(root, SEED_BASE + 2 * i);
    const b = run(root, SEED_BASE + 1 + 2 * i);
    const valid = a.valid && b.valid;
    const c = spawnSync(
      process.execPath,
      [BIN, 'compare', a.dir, b.dir, '--format', 'json', '--allow-mismatch'],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (c.status !== 0 && c.status !== 1) throw new Error(`compare exited ${c.status}: ${c.stderr}`);
    const d = spawnSync(process.execPath, [BIN, 'compare', a.dir, b.dir], { encoding: 'utf8' });
    if (d.status === 2) defaultRefused++;
    else if (d.status === 1) defaultAlarms++;
    else if (d.status !== 0) throw new Error(`compare exited ${d.status}: ${d.stderr}`);
    const alarmed = c.status === 1;
    const names = (JSON.parse(c.stdout) as { regressions: string[] }).regressions;
    if (alarmed) alarms++;
    if (valid) {
      validPairs++;
      if (alarmed) validAlarms++;
    }
    for (const n of names) byFigure.set(n, (byFigure.get(n) ?? 0) + 1);
    process.stderr.write(
      `pair ${i + 1}/${PAIRS}: ${alarmed ? `ALARM (${names.join(', ')})` : 'no regression'}${valid ? '' : ' [invalid run]'}\n`,
    );
    if (KEEP === undefined) {
      rmSync(a.dir, { recursive: true, force: true });
      rmSync(b.dir, { recursive: true, force: true });
    }
  }
} finally {
  if (KEEP === undefined) rmSync(root, { recursive: true, force: true });
}
const all = wilson(alarms, PAIRS);
const valid = wilson(validAlarms, validPairs);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
process.stdout.write(
  `${JSON.stringify(
    {
      pairs: PAIRS,
      secondsPerRun: SECONDS,
      default: {
        refusedInvalid: defaultRefused,
        judged: PAIRS - defaultRefused,
        falseAlarms: defaultAlarms,
        wilson95OfJudged: (() => {
          const w = wilson(defaultAlarms, PAIRS - defaultRefused);
          return [pct(w.low), pct(w.high)];
        })(),
      },
      forcedWithAllowMismatch: 'every pair judged, invalid runs included:',
      falseAlarms: alarms,
      rate: pct(alarms / PAIRS),
      wilson95: [pct(all.low), pct(all.high)],
      validPairs,
      validFalseAlarms: validAlarms,
      validRate: validPairs > 0 ? pct(validAlarms / validPairs) : null,
      validWilson95: [pct(valid.low), pct(valid.high)],
      alarmsByFigure: Object.fromEntries(byFigure),
      wallS: Math.round((Date.now() - started) / 1000),
      machine: 'shared with other helpers (2 cores, busy): figures are an upper bound for an idle machine',
    },
    null,
    2,
  )}\n`,
);
