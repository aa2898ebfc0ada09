/**
 * The explicit list of subcommands. Each lives in its own file under `commands/` and exports a
 * yargs CommandModule; add new ones here. A command's module is imported only when it is needed:
 * an invocation that names one command loads that command's code alone (a bad flag to `plan`
 * never pays for the driver, the mail libraries or autocannon), `--help` and a missing or unknown
 * command load them all.
 */
import type { CommandModule } from 'yargs';

// biome-ignore lint/suspicious/noExplicitAny: yargs command modules differ in their argv types
type AnyCommand = CommandModule<any, any>;

/** The first word of each command's `command` string, to its module. In `--help` order. */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<AnyCommand>]> = [
  ['plan', async () => (await import('./commands/plan.js')).planCommand],
  ['run', async () => (await import('./commands/run.js')).runCommand],
  ['simulate', async () => (await import('./commands/simulate.js')).simulateCommand],
  ['capacity', async () => (await import('./commands/capacity.js')).capacityCommand],
  ['report', async () => (await import('./commands/report.js')).reportCommand],
  ['serve', async () => (await import('./commands/serve.js')).serveCommand],
  ['mail-sink', async () => (await import('./commands/mail-sink.js')).mailSinkCommand],
  ['gate', async () => (await import('./commands/gate.js')).gateCommand],
  ['compare', async () => (await import('./commands/compare.js')).compareCommand],
  ['merge', async () => (await import('./commands/merge.js')).mergeCommand],
  ['export', async () => (await import('./commands/export-k6.js')).exportK6Command],
  ['import', async () => (await import('./commands/import-k6.js')).importK6Command],
];

/**
 * The command modules the CLI must register for `argv` (without node and script): the one its
 * first word names, or every command when that word is not a command name (help, a typo, none),
 * so yargs can list them, recommend one or say that one is needed.
 */
export async function commandsFor(argv: readonly string[]): Promise<AnyCommand[]> {
  const named = COMMANDS.find(([name]) => name === argv[0]);
  if (named) return [await named[1]()];
  return Promise.all(COMMANDS.map(([, load]) => load()));
}
