/**
 * `stampede merge <run-dir>... --out <dir>`: merges shard runs of one profile exactly into a new
 * run directory. Wiring only: the work is in reports/merge.
 */
import type { CommandModule } from 'yargs';
import { mergeRunDirs } from '../../../reports/merge/merge-run-dirs.js';

interface MergeArgs {
  'run-dirs': string[];
  out: string;
}

/** The `merge` subcommand. */
export const mergeCommand: CommandModule<object, MergeArgs> = {
  command: 'merge <run-dirs..>',
  describe: 'Merge shard runs of one profile (--shard i/n) into one run directory, exactly',
  builder: (y) =>
    y
      .positional('run-dirs', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'shard run directories',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'directory to write the merged run to',
      }),
  handler: async (argv) => {
    const summary = await mergeRunDirs(argv['run-dirs'], argv.out);
    const shards = summary.settings['mergedShards'];
    process.stdout.write(
      `merged ${argv['run-dirs'].length} runs (shards ${String(shards)}) into ${argv.out}: ` +
        `${summary.arrivals} arrivals, ${summary.completed} sessions completed${summary.aborted ? ', aborted' : ''}\n`,
    );
  },
};
