/**
 * `stampede import k6 <k6-output.json> --out <dir> [--interval 1s] [--window 10s] [--profile p.yaml]
 * [--shard i/n]`: turns k6's `--out json` output into a run directory. Wiring only: the work is in
 * reports/import.
 */
import type { CommandModule } from 'yargs';
import { importK6 } from '../../../reports/import/import-k6.js';
import { gateLine } from '../../../reports/render/figures-format.js';
import { ExitCode, StampedeError } from '../../errors.js';
import { parseDuration } from '../../profile/duration.js';
import { loadProfile } from '../../profile/load-profile.js';
import { parseShard } from '../run-args.js';

interface ImportArgs {
  kind: string;
  file: string;
  out: string;
  interval: string | undefined;
  window: string | undefined;
  profile: string | undefined;
  shard: string | undefined;
  'summary-export': string | undefined;
}

function durationMs(flag: string, value: string): number {
  const s = parseDuration(value);
  if (s === undefined || !(s > 0))
    throw new StampedeError('E_USAGE', `--${flag}: "${value}" is not a positive duration (e.g. 1s, 500ms)`);
  return s * 1000;
}

/** The `import` subcommand (kind `k6`). */
export const importK6Command: CommandModule<object, ImportArgs> = {
  command: 'import <kind> <file>',
  describe: "Import a k6 run's --out json file as a run directory (kind: k6)",
  builder: (y) =>
    y
      .positional('kind', { type: 'string', demandOption: true, describe: 'what to import: k6' })
      .positional('file', {
        type: 'string',
        demandOption: true,
        describe: 'k6 NDJSON output (k6 run --out json=FILE)',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'run directory to write' })
      .option('interval', {
        type: 'string',
        describe: "recording interval (default: the profile's client.interval, else 1s)",
      })
      .option('window', {
        type: 'string',
        describe:
          "how far out of order points may arrive (default 10s, or the profile's request timeout + mail timeout + 2s)",
      })
      .option('profile', {
        type: 'string',
        describe: 'the exported profile (name, hash for merge, planned rate)',
      })
      .option('shard', { type: 'string', describe: 'this file is k6-operator runner i of n (for merge)' })
      .option('summary-export', {
        type: 'string',
        describe: "k6's --summary-export file of the same run (tells an aborted run by its duration)",
      }),
  handler: async (argv) => {
    if (argv.kind !== 'k6')
      throw new StampedeError('E_USAGE', `import: unknown kind "${argv.kind}" (expected k6)`);
    const shard = parseShard(argv.shard);
    const profile = argv.profile === undefined ? undefined : await loadProfile(argv.profile);
    const res = await importK6(argv.file, argv.out, {
      intervalMs:
        argv.interval !== undefined
          ? durationMs('interval', argv.interval)
          : (profile?.client.intervalS ?? 1) * 1000,
      ...(argv.window !== undefined ? { windowMs: durationMs('window', argv.window) } : {}),
      ...(profile ? { profile } : {}),
      ...(shard ? { shard } : {}),
      ...(argv['summary-export'] !== undefined ? { summaryExport: argv['summary-export'] } : {}),
    });
    for (const d of res.summary.degraded) process.stderr.write(`stampede: warning: ${d}\n`);
    if (res.summary.aborted) process.stderr.write(`stampede: k6 run aborted: ${res.summary.abortReason}\n`);
    for (const g of res.summary.gates ?? []) process.stdout.write(`${gateLine(g)}\n`);
    process.stdout.write(
      `imported ${res.points} points from ${res.lines} lines into ${argv.out}: ${res.summary.arrivals} arrivals, ` +
        `${Object.values(res.summary.steps).reduce((s, x) => s + x.count, 0)} requests` +
        `${res.skipped > 0 ? `, ${res.skipped} malformed lines skipped` : ''}\n`,
    );
    // As `stampede run`: 1 when a gate failed or the run did not carry its whole load.
    process.exitCode = res.gateFailed || res.summary.aborted ? ExitCode.gateFailed : ExitCode.ok;
  },
};
