/**
 * `stampede plan <profile> [--json] [--exact]`: what a profile will offer (duration, arrivals, peak
 * rate, per region / phase / flow / step, outages, a chart of the rate), computed without firing
 * anything. Wiring only: loading, planning and rendering live in harness/.
 */
import type { CommandModule } from 'yargs';
import { planProfile } from '../../arrivals/plan.js';
import { renderPlan } from '../../arrivals/plan-render.js';
import { loadProfile } from '../../profile/load-profile.js';

interface PlanArgs {
  profile: string;
  json: boolean;
  exact: boolean;
}

/** The `plan` subcommand. */
export const planCommand: CommandModule<object, PlanArgs> = {
  command: 'plan <profile>',
  describe: 'Show what a profile offers (arrivals, peak rate, phases, flows, steps) without firing anything',
  builder: (y) =>
    y
      .positional('profile', { type: 'string', demandOption: true, describe: 'profile YAML file' })
      .option('json', { type: 'boolean', default: false, describe: 'print the plan as one JSON object' })
      .option('exact', {
        type: 'boolean',
        default: false,
        describe: 'walk the seeded arrival stream and count (slower) instead of integrating the rate',
      }),
  handler: async (argv) => {
    const profile = await loadProfile(argv.profile);
    const plan = planProfile(profile, { exact: argv.exact });
    if (argv.json) {
      process.stdout.write(`${JSON.stringify(plan)}\n`);
      return;
    }
    process.stdout.write(renderPlan(plan, { width: Math.min(140, process.stdout.columns || 100) }));
  },
};
