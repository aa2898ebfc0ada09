/**
 * `stampede compare <base-run> <candidate-run> [--max-regression 10%] [--format text|md|html|json]
 * [--out FILE]`: two runs side by side with a verdict per step; exit 1 on a regression beyond the
 * limit. Wiring only: the work is in reports/compare.
 */
import { writeFile } from 'node:fs/promises';
import type { CommandModule } from 'yargs';
import {
  COMPARE_FORMATS,
  type CompareFormat,
  compareRunDirs,
  parseMaxRegression,
} from '../../../reports/compare/compare-run-dirs.js';
import { ExitCode, errorMessage, StampedeError } from '../../errors.js';

interface CompareArgs {
  base: string;
  candidate: string;
  'max-regression': string;
  format: CompareFormat;
  out: string | undefined;
}

/** The `compare` subcommand. */
export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <base> <candidate>',
  describe: 'Compare two runs step by step (Mann-Whitney U + effect size); exit 1 on a regression',
  builder: (y) =>
    y
      .positional('base', { type: 'string', demandOption: true, describe: 'base run directory' })
      .positional('candidate', { type: 'string', demandOption: true, describe: 'candidate run directory' })
      .option('max-regression', { type: 'string', default: '10%', describe: 'largest tolerated slowdown' })
      .option('format', {
        choices: COMPARE_FORMATS,
        default: 'text' as CompareFormat,
        describe: 'output format',
      })
      .option('out', { type: 'string', describe: 'write to this file instead of stdout' }),
  handler: async (argv) => {
    const limit = parseMaxRegression(argv['max-regression']);
    const outcome = await compareRunDirs(argv.base, argv.candidate, limit, argv.format);
    if (argv.out === undefined) process.stdout.write(outcome.text);
    else {
      await writeFile(argv.out, outcome.text).catch((err: unknown) => {
        throw new StampedeError('E_IO', `--out ${argv.out}: cannot write (${errorMessage(err)})`);
      });
    }
    if (outcome.regressed) process.exitCode = ExitCode.gateFailed;
  },
};
