/**
 * `stampede export k6 <profile> --target <http-target.yaml> --out <file.ts>`: writes a TypeScript
 * k6 script reproducing the profile. Wiring only: the work is in harness/k6.
 */
import type { CommandModule } from 'yargs';
import { StampedeError } from '../../errors.js';
import { writeK6Script } from '../../k6/k6-script.js';
import { loadProfile } from '../../profile/load-profile.js';

interface ExportArgs {
  kind: string;
  profile: string;
  target: string;
  out: string;
  pods: number;
  vus: number | undefined;
}

/** The `export` subcommand (kind `k6`). */
export const exportK6Command: CommandModule<object, ExportArgs> = {
  command: 'export <kind> <profile>',
  describe: 'Export a profile plus an http target file as a k6 script (kind: k6)',
  builder: (y) =>
    y
      .positional('kind', { type: 'string', demandOption: true, describe: 'what to export to: k6' })
      .positional('profile', { type: 'string', demandOption: true, describe: 'profile YAML file' })
      .option('target', { type: 'string', demandOption: true, describe: 'http target file (YAML)' })
      .option('out', { type: 'string', demandOption: true, describe: 'TypeScript k6 script to write' })
      .option('pods', {
        type: 'number',
        default: 1,
        describe: 'k6 instances the run is split over (k6-operator parallelism): VUs and gates per instance',
      })
      .option('vus', {
        type: 'number',
        describe: "VUs per k6 instance instead of the Little's-law sizing (docs/distributed.md)",
      }),
  handler: async (argv) => {
    if (argv.kind !== 'k6')
      throw new StampedeError('E_USAGE', `export: unknown kind "${argv.kind}" (expected k6)`);
    if (!Number.isInteger(argv.pods) || argv.pods < 1)
      throw new StampedeError('E_USAGE', `--pods: must be a whole number >= 1 (got ${argv.pods})`);
    if (argv.vus !== undefined && (!Number.isInteger(argv.vus) || argv.vus < 1))
      throw new StampedeError('E_USAGE', `--vus: must be a whole number >= 1 (got ${argv.vus})`);
    const profile = await loadProfile(argv.profile);
    const result = await writeK6Script(profile, argv.target, argv.out, {
      pods: argv.pods,
      ...(argv.vus !== undefined ? { vusPerInstance: argv.vus } : {}),
    });
    for (const u of result.untranslated) process.stderr.write(`stampede: gate not translated: ${u}\n`);
    const scenarios = Object.keys(result.options.scenarios).length;
    const thresholds = Object.keys(result.options.thresholds).length;
    process.stdout.write(
      `wrote ${argv.out}: ${scenarios} scenarios, ${thresholds} thresholds; ${result.vusPerInstance.preAllocated} VUs preallocated (at most ${result.vusPerInstance.max}) per k6 instance of ${argv.pods}; ${result.notes.length} notes on what k6 does differently (in its header)\n`,
    );
  },
};
