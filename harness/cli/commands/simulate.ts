/**
 * `stampede simulate <profile>`: the same arrival stream, sessions, retry policies and recorder as
 * `run`, on the virtual clock against the reference model; writes a normal run directory (engine
 * `simulate`, latency model `simulated`) plus `simulation.json`, prints progress in virtual time,
 * the text summary and what the simulation found (per-region fall-behind, take-downs, recovery).
 * What-ifs: --capacity, --retry, --outage; --sweep runs one simulation per value and writes
 * sweep.json, sweep.txt and sweep.html. Exit 0 ok, 2 bad input, 130 interrupted.
 * Wiring only: the logic lives in harness/simulate/.
 */
import { relative } from 'node:path';
import type { CommandModule } from 'yargs';
import { renderText } from '../../../reports/render/render-text.js';
import { ExitCode, StampedeError } from '../../errors.js';
import { loadProfile } from '../../profile/load-profile.js';
import type { Profile } from '../../profile/profile.js';
import { simulate } from '../../simulate/simulate-run.js';
import { findingsOf, findingsText, writeFindings } from '../../simulate/simulation-findings.js';
import { parseSweep } from '../../simulate/sweep-plan.js';
import { runSweep } from '../../simulate/sweep-run.js';
import { sweepTable } from '../../simulate/sweep-table.js';
import { applyInFlightCap, applyOutage, applyRetry, simulateCapacity } from '../../simulate/what-if.js';
import { defaultOutDir, parseDrain } from '../run-args.js';

interface SimulateArgs {
  profile: string;
  capacity: string[];
  retry: string[];
  outage: string | undefined;
  sweep: string | undefined;
  'sweep-steps': number | undefined;
  out: string | undefined;
  drain: number | undefined;
  'max-in-flight': number | undefined;
  'progress-every': number;
}

/** The `simulate` subcommand. */
export const simulateCommand: CommandModule<object, SimulateArgs> = {
  command: 'simulate <profile>',
  describe:
    'Run a profile in virtual time against the reference model (what-ifs, sweeps) and write a run directory',
  builder: (y) =>
    y
      .positional('profile', { type: 'string', demandOption: true, describe: 'profile YAML file' })
      .option('capacity', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe:
          'reference capacity override key=value (adminWorkers, resetServiceMs, resetQueue, mailPerS, hashCost, tokenTtlS), repeatable',
      })
      .option('retry', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe:
          'override a retry field in every step, e.g. maxAttempts=2, base=500ms, respectRetryAfter=false; repeatable',
      })
      .option('outage', {
        type: 'string',
        describe: 'drain=<duration>: every take-down that long; none: no take-downs',
      })
      .option('sweep', {
        type: 'string',
        describe: 'key=a..b: one simulation per value (powers of two from a, and b)',
      })
      .option('sweep-steps', {
        type: 'number',
        describe: 'with --sweep: N evenly spaced values from a to b instead',
      })
      .option('out', {
        type: 'string',
        describe: 'run directory, or the sweep directory (default runs/<timestamp>-<profile>)',
      })
      .option('drain', { type: 'number', describe: 'seconds sessions may finish after the last arrival' })
      .option('max-in-flight', {
        type: 'number',
        describe:
          "cap sessions in flight as a client machine would (default: no cap; the profile's client.maxInFlight is a load generator's limit, not the users')",
      })
      .option('progress-every', {
        type: 'number',
        default: 600,
        describe: 'virtual seconds between progress lines',
      }),
  handler: async (argv) => {
    for (const flag of ['out', 'outage', 'sweep', 'drain', 'max-in-flight'] as const) {
      if (Array.isArray(argv[flag])) throw new StampedeError('E_USAGE', `--${flag}: given more than once`);
    }
    let profile: Profile = await loadProfile(argv.profile);
    const capacity = simulateCapacity(profile, argv.capacity);
    profile = applyOutage(applyRetry(profile, argv.retry), argv.outage);
    profile = applyInFlightCap(profile, argv['max-in-flight']);
    const plan = argv.sweep === undefined ? null : parseSweep(argv.sweep, argv['sweep-steps']);
    if (plan === null && argv['sweep-steps'] !== undefined)
      throw new StampedeError('E_USAGE', '--sweep-steps: needs --sweep key=a..b');
    const drainS = parseDrain(argv.drain, profile, (line) => process.stderr.write(`${line}\n`));
    const outDir = argv.out ?? defaultOutDir(profile, process.cwd());
    const interrupt = new AbortController();
    const onSignal = (): void => {
      process.stderr.write('stampede: interrupted: stopping the simulation, writing what was recorded\n');
      interrupt.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const line = (s: string): void => {
      process.stderr.write(`${s}\n`);
    };
    try {
      if (plan !== null) {
        const r = await runSweep({ profile, capacity, plan, outDir, drainS, line, signal: interrupt.signal });
        process.stdout.write(sweepTable(r));
        process.stdout.write(`\nsweep: ${relative(process.cwd(), outDir) || '.'}/sweep.html\n`);
      } else {
        const r = await simulate({
          profile,
          capacity,
          outDir,
          drainS,
          progress: line,
          progressEveryS: argv['progress-every'],
          signal: interrupt.signal,
        });
        const f = findingsOf(r, profile);
        await writeFindings(outDir, f);
        process.stdout.write(renderText(r.data));
        process.stdout.write(findingsText(f));
        process.stdout.write(`\nreport: ${relative(process.cwd(), outDir) || '.'}/report.html\n`);
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    process.exitCode = interrupt.signal.aborted ? ExitCode.interrupted : ExitCode.ok;
  },
};
