/**
 * `stampede capacity <profile> --slo "<gate>"...`: the highest arrival rate of the profile's mix
 * that meets every SLO, found with short valid probes (each a run directory under --out), with
 * the step and SLO that limit it, or the statement that the generator was the limit. Exit 0 an
 * answer was found (or every rate up to --max passed), 1 no rate met the SLOs or the search was
 * generator-bound, 2 bad input, 130 interrupted (what was probed is written).
 */
import { join, relative } from 'node:path';
import type { CommandModule } from 'yargs';
import { parseGates } from '../../../reports/gates/gate-parser.js';
import { resolveTarget } from '../../../targets/registry.js';
import { CAPACITY_FILES, runCapacitySearch } from '../../capacity/capacity-run.js';
import { renderCapacityText } from '../../capacity/capacity-text.js';
import { probeProfile } from '../../capacity/probe-profile.js';
import { realProbeRunner } from '../../capacity/probe-runner.js';
import { checkRunPlan } from '../../driver/run-checks.js';
import { engineByName } from '../../engines/engine-registry.js';
import { ExitCode, StampedeError } from '../../errors.js';
import { loadProfile } from '../../profile/load-profile.js';
import { buildStepIndex } from '../../profile/step-index.js';
import {
  checkBounds,
  DEFAULT_MAX_PER_S,
  DEFAULT_MIN_PER_S,
  parsePrecision,
  parseRate,
  parseSeconds,
} from '../capacity-args.js';
import { defaultOutDir, parseCapacity, parseDrain, parseWorkers } from '../run-args.js';

interface CapacityArgs {
  profile: string;
  slo: string[];
  target: string | undefined;
  step: string | undefined;
  min: string | undefined;
  max: string | undefined;
  precision: string | undefined;
  probe: string | undefined;
  settle: string | undefined;
  out: string | undefined;
  workers: number | undefined;
  capacity: string[];
  drain: number | undefined;
}

/** The `capacity` subcommand. */
export const capacityCommand: CommandModule<object, CapacityArgs> = {
  command: 'capacity <profile>',
  describe: 'Search the highest arrival rate that meets the SLOs, with short valid probes',
  builder: (y) =>
    y
      .positional('profile', { type: 'string', demandOption: true, describe: 'profile YAML file' })
      .option('slo', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'SLO as a gate expression, repeatable, at least one (e.g. "reset-request p99 < 250ms")',
      })
      .option('target', {
        type: 'string',
        describe: 'reference (default), an http target file (.yaml) or a target module (.js/.ts)',
      })
      .option('step', { type: 'string', describe: "also state capacity in this step's requests/s" })
      .option('min', {
        type: 'string',
        describe: `first probe rate, arrivals/s (default ${DEFAULT_MIN_PER_S})`,
      })
      .option('max', {
        type: 'string',
        describe: `highest rate probed, arrivals/s (default ${DEFAULT_MAX_PER_S})`,
      })
      .option('precision', { type: 'string', describe: 'bracket width to stop at, relative (default 5%)' })
      .option('probe', { type: 'string', describe: 'arrivals per probe, a duration (default 20s)' })
      .option('settle', {
        type: 'string',
        describe: 'longest wait for the target to settle between probes (default 10s)',
      })
      .option('out', {
        type: 'string',
        describe: 'output directory (default runs/<timestamp>-<profile>-capacity)',
      })
      .option('workers', {
        type: 'number',
        describe: 'worker threads per probe (default: cores - 1, at least 1)',
      })
      .option('capacity', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'reference target capacity override key=value, repeatable',
      })
      .option('drain', {
        type: 'number',
        describe: "seconds a probe's sessions may finish after its last arrival",
      }),
  handler: async (argv) => {
    const single = [
      'target',
      'step',
      'min',
      'max',
      'precision',
      'probe',
      'settle',
      'out',
      'workers',
      'drain',
    ] as const;
    for (const flag of single) {
      if (Array.isArray(argv[flag])) throw new StampedeError('E_USAGE', `--${flag}: given more than once`);
    }
    if (argv.slo.length === 0) {
      throw new StampedeError('E_USAGE', '--slo: give at least one SLO, e.g. --slo "* error-rate < 1%"');
    }
    const minPerS = parseRate('min', argv.min, DEFAULT_MIN_PER_S);
    const maxPerS = parseRate('max', argv.max, Math.max(DEFAULT_MAX_PER_S, minPerS));
    checkBounds(minPerS, maxPerS);
    const precision = parsePrecision(argv.precision);
    const probeS = parseSeconds('probe', argv.probe, 20, 1);
    const settleS = parseSeconds('settle', argv.settle, 10, 0);
    const workers = parseWorkers(argv.workers);
    const slos = parseGates(argv.slo, '--slo');
    const profile = await loadProfile(argv.profile);
    const capacity = parseCapacity(profile, argv.capacity);
    const drainS = parseDrain(argv.drain, profile);
    const target = await resolveTarget(argv.target, process.cwd());
    const sample = probeProfile(profile, minPerS, probeS);
    checkRunPlan(sample, target, slos);
    const steps = buildStepIndex(sample).names;
    if (argv.step !== undefined && !steps.includes(argv.step)) {
      throw new StampedeError(
        'E_USAGE',
        `--step: "${argv.step}" is not a step of the probes (${steps.join(', ')})`,
      );
    }
    const outDir = argv.out ?? `${defaultOutDir(profile, process.cwd())}-capacity`;

    const interrupt = new AbortController();
    let interrupts = 0;
    const onSignal = (sig: NodeJS.Signals): void => {
      interrupts++;
      if (interrupts > 1) process.exit(ExitCode.interrupted);
      process.stderr.write(`stampede: ${sig}: stopping after this probe, writing what was probed\n`);
      interrupt.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let report: Awaited<ReturnType<typeof runCapacitySearch>>;
    try {
      report = await runCapacitySearch({
        profile,
        slos,
        bounds: { minPerS, maxPerS, precision },
        probeS,
        settleS,
        outDir,
        step: argv.step ?? null,
        workers,
        runner: realProbeRunner({
          target,
          engine: engineByName('undici'),
          workers,
          drainS,
          capacity,
          notes: process.stderr,
        }),
        progress: (line) => process.stderr.write(`${line}\n`),
        signal: interrupt.signal,
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    process.stdout.write(renderCapacityText(report));
    const shown = relative(process.cwd(), outDir) || '.';
    process.stdout.write(`\nreport: ${join(shown, CAPACITY_FILES.html)}\n`);
    if (report.interrupted) process.exitCode = ExitCode.interrupted;
    else if (report.verdict === 'found' || report.verdict === 'max-reached') process.exitCode = ExitCode.ok;
    else process.exitCode = ExitCode.gateFailed;
  },
};
