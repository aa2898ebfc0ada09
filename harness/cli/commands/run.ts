/**
 * `stampede run <profile>`: fire a surge at a target, write the run directory, print the summary,
 * evaluate gates. Exit 0 ok, 1 a gate failed (reports still written), 2 bad input, 130
 * interrupted (partial results written, marked aborted).
 */
import { relative } from 'node:path';
import type { CommandModule } from 'yargs';
import { parseGates } from '../../../reports/gates/gate-parser.js';
import { resolveTarget } from '../../../targets/registry.js';
import type { Target } from '../../../targets/target.js';
import { checkRunPlan } from '../../driver/run-checks.js';
import { ENGINE_NAMES, engineByName } from '../../engines/engine-registry.js';
import { ExitCode, StampedeError } from '../../errors.js';
import { loadProfile } from '../../profile/load-profile.js';
import { DEFAULT_LINGER_MS, parseMetricsListen, parseRemoteWrite } from '../../telemetry/telemetry-flags.js';
import { defaultOutDir, parseCapacity, parseDrain, parseShard, parseWorkers } from '../run-args.js';

interface RunArgs {
  profile: string;
  target: string | undefined;
  engine: string;
  out: string | undefined;
  gate: string[];
  workers: number | undefined;
  shard: string | undefined;
  capacity: string[];
  drain: number | undefined;
  connections: number | undefined;
  duration: number | undefined;
  flood: boolean;
  json: boolean;
  preflight: boolean;
  'metrics-listen': string | undefined;
  'remote-write': string | undefined;
  'allow-remote': boolean;
  'allow-invalid': boolean;
}

/** The `run` subcommand. */
export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <profile>',
  describe: 'Fire a surge at a target and write the run directory (summary, histograms, report)',
  builder: (y) =>
    y
      .positional('profile', { type: 'string', demandOption: true, describe: 'profile YAML file' })
      .option('target', {
        type: 'string',
        describe: 'reference (default), an http target file (.yaml) or a target module (.js/.ts)',
      })
      .option('engine', { type: 'string', default: 'http1', choices: ENGINE_NAMES, describe: 'load engine' })
      .option('out', { type: 'string', describe: 'run directory (default runs/<timestamp>-<profile>)' })
      .option('gate', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'gate expression, repeatable (added to the profile gates)',
      })
      .option('workers', { type: 'number', describe: 'worker threads (default: cores - 1, at least 1)' })
      .option('shard', { type: 'string', describe: 'run slice i of n of the arrival stream, e.g. 2/4' })
      .option('capacity', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'reference target capacity override key=value, repeatable',
      })
      .option('drain', { type: 'number', describe: 'seconds sessions may finish after the last arrival' })
      .option('connections', { type: 'number', describe: 'autocannon engine: connections' })
      .option('flood', {
        type: 'boolean',
        default: false,
        describe: 'autocannon engine: no rate limit, as fast as the connections answer (capacity search)',
      })
      .option('duration', { type: 'number', describe: 'autocannon engine: seconds per phase cap' })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'print summary.json instead of the text summary',
      })
      .option('preflight', {
        type: 'boolean',
        default: true,
        describe: 'check the target accepts connections before firing (--no-preflight skips it)',
      })
      .option('metrics-listen', {
        type: 'string',
        describe: `serve live Prometheus metrics on HOST:PORT (loopback; kept up to ${DEFAULT_LINGER_MS / 1000} s after the run for a last scrape)`,
      })
      .option('remote-write', {
        type: 'string',
        describe: 'push the live metrics every interval to this Prometheus remote-write URL',
      })
      .option('allow-remote', {
        type: 'boolean',
        default: false,
        describe: 'allow a --metrics-listen address that is not loopback',
      })
      .option('allow-invalid', {
        type: 'boolean',
        default: false,
        describe:
          'judge the gates of a run marked invalid (generator late, worker lost) instead of failing them all',
      }),
  handler: async (argv) => {
    // yargs turns a repeated single-value flag into an array, which would reach fs calls as one.
    for (const flag of ['target', 'out', 'engine', 'workers', 'shard', 'drain'] as const) {
      if (Array.isArray(argv[flag])) throw new StampedeError('E_USAGE', `--${flag}: given more than once`);
    }
    const listen = parseMetricsListen(argv['metrics-listen'], argv['allow-remote']);
    const remoteWrite = parseRemoteWrite(argv['remote-write']);
    const profile = await loadProfile(argv.profile);
    // Every gate is parsed before the first request.
    const gates = [...parseGates(profile.gates, `${argv.profile} gates`), ...parseGates(argv.gate, '--gate')];
    const engine = engineByName(argv.engine);
    const workers = parseWorkers(argv.workers);
    const shard = parseShard(argv.shard);
    const capacity = parseCapacity(profile, argv.capacity);
    const drainS = parseDrain(argv.drain, profile, (line) => process.stderr.write(`${line}\n`));
    const target = await resolveTarget(argv.target, process.cwd());
    checkRunPlan(profile, target, gates);
    const outDir = argv.out ?? defaultOutDir(profile, process.cwd());
    const engineOptions: Record<string, number | boolean> = {};
    if (argv.connections !== undefined) engineOptions['connections'] = argv.connections;
    if (argv.duration !== undefined) engineOptions['duration'] = argv.duration;
    if (argv.flood) engineOptions['flood'] = true;

    // What fires and reports is loaded once every input is known good: bad input costs no more
    // than reading it (the driver, telemetry and report modules are most of the CLI's start-up).
    const [
      { runSurge },
      { TelemetryObserver },
      { ProgressDisplay },
      { checkReachable },
      { evaluateGates },
      { writeGateReports },
      { renderText },
    ] = await Promise.all([
      import('../../driver/run-coordinator.js'),
      import('../../telemetry/telemetry-observer.js'),
      import('../../driver/progress-display.js'),
      import('../../driver/preflight.js'),
      import('../../../reports/gates/gate-evaluator.js'),
      import('../../../reports/gates/write-gate-reports.js'),
      import('../../../reports/render/render-text.js'),
    ]);
    const progress = new ProgressDisplay(process.stderr, process.env);
    const interrupt = new AbortController();
    let interrupts = 0;
    const onSignal = (sig: NodeJS.Signals): void => {
      interrupts++;
      if (interrupts === 1) {
        progress.note(`stampede: ${sig}: stopping, writing what was recorded (again to quit at once)`);
        interrupt.abort();
      } else {
        process.exit(ExitCode.interrupted);
      }
    };
    // Listening before the run: a port that cannot be had is exit 2 before any load.
    const telemetry = await TelemetryObserver.open({ listen, remoteWrite });
    if (telemetry?.url) process.stderr.write(`stampede: metrics at ${telemetry.url}\n`);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let result: Awaited<ReturnType<typeof runSurge>>;
    try {
      result = await runSurge({
        profile,
        target,
        engine,
        outDir,
        workers,
        shard,
        drainS,
        capacity,
        gates,
        engineOptions,
        progress,
        signal: interrupt.signal,
        ...(argv.preflight ? { preflight: (t: Target) => checkReachable(t.origin()) } : {}),
        ...(telemetry ? { observer: telemetry } : {}),
      });
    } catch (err: unknown) {
      await telemetry?.close();
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }

    let summary = result.summary;
    let gateFailed = false;
    if (gates.length > 0) {
      const results = evaluateGates(gates, result.writer.runData(summary), {
        allowInvalid: argv['allow-invalid'],
      });
      summary = await writeGateReports(outDir, results, summary);
      gateFailed = results.some((r) => !r.pass);
    }
    if (argv.json) {
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      process.stdout.write(renderText(result.writer.runData(summary)));
      process.stdout.write(`\nreport: ${relative(process.cwd(), outDir) || '.'}/report.html\n`);
    }
    if (telemetry?.url) {
      process.stderr.write(
        `stampede: serving the final metrics until the next scrape (at most ${DEFAULT_LINGER_MS / 1000} s)\n`,
      );
    }
    await telemetry?.close();
    // A run that lost part of its load (a worker died) never exits 0.
    const lostLoad = (summary.degraded.length ?? 0) > 0;
    if (summary.aborted && summary.abortReason === 'interrupted') process.exitCode = ExitCode.interrupted;
    else if (gateFailed || summary.aborted || lostLoad) process.exitCode = ExitCode.gateFailed;
    else process.exitCode = ExitCode.ok;
  },
};
