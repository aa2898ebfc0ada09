/**
 * The CLI: maps subcommand names to their modules (one file each in `commands/`) and turns errors
 * into the exit codes of the contract. No logic of its own.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ExitCode, errorMessage, StampedeError } from '../errors.js';
import { needsRelaunch, relaunchWith, SIMULATE_NODE_FLAGS } from '../runtime/relaunch-with-flags.js';
import { commandsFor } from './command-registry.js';

async function main(argv: string[]): Promise<void> {
  // simulate runs with a young generation of its own (harness/runtime/relaunch-with-flags.ts).
  if (argv[0] === 'simulate' && needsRelaunch(SIMULATE_NODE_FLAGS)) {
    const code = await relaunchWith(SIMULATE_NODE_FLAGS);
    if (code !== null) {
      process.exitCode = code;
      return;
    }
  }
  let cli = yargs(argv)
    .scriptName('stampede')
    .usage('$0 <command> [options]\n\nLoad-testing harness for login and password-reset surges.')
    .strict()
    .demandCommand(1, 'name a command (see --help)')
    .recommendCommands()
    .help()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg: string | undefined, err: Error | undefined) => {
      if (err) throw err;
      // yargs puts "Invalid values:" and its choices on separate lines; the contract is one line.
      throw new StampedeError('E_USAGE', (msg ?? 'bad usage (see --help)').replace(/\s*\n\s*/g, ' '));
    });
  for (const c of await commandsFor(argv)) cli = cli.command(c);
  await cli.parseAsync();
}

main(hideBin(process.argv)).then(
  () => {
    process.exitCode ??= ExitCode.ok;
  },
  (err: unknown) => {
    if (err instanceof StampedeError) {
      process.stderr.write(`stampede: ${err.message}\n`);
      for (const d of err.details) process.stderr.write(`  ${d}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`stampede: internal error: ${errorMessage(err)}\n`);
    if (err instanceof Error && err.stack && process.env['STAMPEDE_DEBUG'])
      process.stderr.write(`${err.stack}\n`);
    process.exitCode = ExitCode.internal;
  },
);
