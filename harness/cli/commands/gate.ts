/**
 * `stampede gate <run-dir> --gate "<expr>"...`: evaluates gates over a finished run, prints the
 * table, writes junit.xml and gates.md; exit 1 when a gate fails (reports still written), 2 on a
 * bad gate or run directory. Wiring only: the work is in reports/gates.
 */
import type { CommandModule } from 'yargs';
import { gateRunDir } from '../../../reports/gates/gate-run-dir.js';
import { ExitCode } from '../../errors.js';

interface GateArgs {
  'run-dir': string;
  gate: string[] | undefined;
  'allow-invalid': boolean;
}

/** The `gate` subcommand. */
export const gateCommand: CommandModule<object, GateArgs> = {
  command: 'gate <run-dir>',
  describe: 'Evaluate CI gates over a run directory (writes junit.xml and gates.md; exit 1 on a failed gate)',
  builder: (y) =>
    y
      .positional('run-dir', { type: 'string', demandOption: true, describe: 'run directory' })
      .option('gate', {
        type: 'string',
        array: true,
        describe:
          'gate expression, e.g. "reset-confirm p99 < 250ms" (default: the gates recorded in the run)',
      })
      .option('allow-invalid', {
        type: 'boolean',
        default: false,
        describe: 'judge the gates of a run marked invalid (summary.validity) instead of failing them all',
      }),
  handler: async (argv) => {
    const outcome = await gateRunDir(argv['run-dir'], argv.gate ?? [], {
      allowInvalid: argv['allow-invalid'],
    });
    process.stdout.write(outcome.table);
    if (outcome.failed > 0) process.exitCode = ExitCode.gateFailed;
  },
};
