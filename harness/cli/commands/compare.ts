/**
 * `stampede compare <base-run> <candidate-run> [limits] [--allow-mismatch] [--format
 * text|md|html|json|junit] [--out FILE]`: judges the candidate against the base on every figure
 * a release is judged on; exit 1 on any regression, 2 on runs that cannot be compared. Wiring
 * only: the work is in reports/compare.
 */
import { writeFile } from 'node:fs/promises';
import type { CommandModule } from 'yargs';
import {
  COMPARE_FORMATS,
  type CompareFormat,
  compareRunDirs,
} from '../../../reports/compare/compare-run-dirs.js';
import {
  THRESHOLD_FLAGS,
  type ThresholdFlags,
  thresholdsFromFlags,
} from '../../../reports/compare/compare-thresholds.js';
import { ExitCode, errorMessage, StampedeError } from '../../errors.js';

type CompareArgs = ThresholdFlags & {
  base: string;
  candidate: string;
  format: CompareFormat;
  out: string | undefined;
  'allow-mismatch': boolean;
};

/** What each limit flag means, with its default (reports/compare/compare-thresholds.ts). */
const LIMIT_HELP: Readonly<Record<(typeof THRESHOLD_FLAGS)[number], string>> = {
  'max-error-increase': 'largest tolerated rise of a final error rate, points (default 1)',
  'max-goodput-drop': 'largest tolerated drop of a flow goodput (default 5%)',
  'max-throughput-drop': 'largest tolerated drop of a step throughput (default 5%)',
  'max-regression': 'largest tolerated ok-latency slowdown (default 10%)',
  'max-wait-increase': 'largest tolerated rise of user wait (default 10%)',
  'max-dropped-increase': 'largest tolerated rise of the dropped share, points (default 1)',
  'max-onset-drop': 'largest tolerated drop of the fall-behind onset rate (default 10%)',
  'max-drain-increase': 'largest tolerated rise of a take-down drain (default 25%, and one interval)',
  'min-shift': 'smallest latency shift that can count (default 2ms)',
  alpha: 'significance level of the rank test (default 0.01)',
};

/** The `compare` subcommand. */
export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <base> <candidate>',
  describe:
    'Judge a candidate run against a base run (errors, goodput, throughput, latency, wait, drops, onset, drain); exit 1 on a regression',
  builder: (y) => {
    let b = y
      .positional('base', { type: 'string', demandOption: true, describe: 'base run directory' })
      .positional('candidate', { type: 'string', demandOption: true, describe: 'candidate run directory' })
      .option('format', {
        choices: COMPARE_FORMATS,
        default: 'text' as CompareFormat,
        describe: 'output format',
      })
      .option('out', { type: 'string', describe: 'write to this file instead of stdout' })
      .option('allow-mismatch', {
        type: 'boolean',
        default: false,
        describe: 'compare runs of different traffic, latency models or an invalid run (shown at the top)',
      });
    for (const flag of THRESHOLD_FLAGS) b = b.option(flag, { type: 'string', describe: LIMIT_HELP[flag] });
    return b as never;
  },
  handler: async (argv) => {
    for (const flag of [...THRESHOLD_FLAGS, 'format', 'out'] as const) {
      if (Array.isArray(argv[flag])) throw new StampedeError('E_USAGE', `--${flag}: given more than once`);
    }
    const thresholds = thresholdsFromFlags(argv);
    const outcome = await compareRunDirs(argv.base, argv.candidate, {
      thresholds,
      format: argv.format,
      allowMismatch: argv['allow-mismatch'],
    });
    if (argv.out === undefined) process.stdout.write(outcome.text);
    else {
      await writeFile(argv.out, outcome.text).catch((err: unknown) => {
        throw new StampedeError('E_IO', `--out ${argv.out}: cannot write (${errorMessage(err)})`);
      });
    }
    if (outcome.regressed) process.exitCode = ExitCode.gateFailed;
  },
};
