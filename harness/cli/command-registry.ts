/**
 * The explicit list of subcommands. Each lives in its own file under `commands/` and exports a
 * yargs CommandModule; add new ones here.
 */
import type { CommandModule } from 'yargs';
import { capacityCommand } from './commands/capacity.js';
import { compareCommand } from './commands/compare.js';
import { exportK6Command } from './commands/export-k6.js';
import { gateCommand } from './commands/gate.js';
import { importK6Command } from './commands/import-k6.js';
import { mailSinkCommand } from './commands/mail-sink.js';
import { mergeCommand } from './commands/merge.js';
import { planCommand } from './commands/plan.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { simulateCommand } from './commands/simulate.js';

// biome-ignore lint/suspicious/noExplicitAny: yargs command modules differ in their argv types
export const commands: CommandModule<any, any>[] = [
  planCommand,
  runCommand,
  simulateCommand,
  capacityCommand,
  reportCommand,
  serveCommand,
  mailSinkCommand,
  gateCommand,
  compareCommand,
  mergeCommand,
  exportK6Command,
  importK6Command,
];
