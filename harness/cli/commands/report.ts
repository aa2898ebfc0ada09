/**
 * `stampede report <run-dir> [--format text|json|html|md] [--out FILE]`: renders a run directory
 * (a finished, aborted or merged run) to the terminal or to a file. Wiring only: reading and
 * rendering live in reports/.
 */
import { writeFile } from 'node:fs/promises';
import type { CommandModule } from 'yargs';
import {
  REPORT_FORMAT_NAMES,
  type ReportFormat,
  renderReport,
} from '../../../reports/render/report-formats.js';
import { readRunDir } from '../../../reports/run-dir/read-run-dir.js';
import { errorMessage, StampedeError } from '../../errors.js';

interface ReportArgs {
  'run-dir': string;
  format: ReportFormat;
  out: string | undefined;
}

/** The `report` subcommand. */
export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <run-dir>',
  describe: 'Render a run directory as text, JSON (summary.json), Markdown or a self-contained HTML page',
  builder: (y) =>
    y
      .positional('run-dir', {
        type: 'string',
        demandOption: true,
        describe: 'run directory written by stampede run',
      })
      .option('format', {
        choices: REPORT_FORMAT_NAMES,
        default: 'text' as ReportFormat,
        describe: 'rendering',
      })
      .option('out', { type: 'string', describe: 'write to this file instead of standard output' }),
  handler: async (argv) => {
    const run = await readRunDir(argv['run-dir']);
    const doc = renderReport(run, argv.format);
    if (argv.out === undefined) {
      process.stdout.write(doc);
      return;
    }
    try {
      await writeFile(argv.out, doc);
    } catch (err: unknown) {
      throw new StampedeError('E_IO', `--out ${argv.out}: cannot write (${errorMessage(err)})`);
    }
  },
};
