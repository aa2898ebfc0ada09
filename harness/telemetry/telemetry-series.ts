/**
 * The catalogue of live series: every metric family stampede exposes while it runs, with its
 * name, help text and labels, on one prom-client registry. Defined in one place so the endpoint,
 * the remote-write pusher, the dashboard test and docs/measurement.md ("Live telemetry") agree.
 *
 * Every series carries the run labels (`profile`, `run_id`, `shard`, `engine`) as the registry's
 * default labels; per-step families add `step`; quantile gauges add `quantile` ("0.5", "0.9",
 * "0.99", and "1" for the maximum), as Prometheus summaries name them.
 */
import { Counter, Gauge, Registry } from 'prom-client';

/** The run labels every series carries. */
export interface RunLabels {
  readonly profile: string;
  readonly run_id: string;
  /** This process's slice of the stream (`--shard i/n`), "1/1" for the whole stream. */
  readonly shard: string;
  readonly engine: string;
}

/** The states of the run-state gauge, in the order a run goes through them. */
export const RUN_STATES = ['running', 'draining', 'finished', 'aborted'] as const;

/** One of `RUN_STATES`. */
export type RunState = (typeof RUN_STATES)[number];

/** Quantiles of the last-interval gauges, as `quantile` label values (1 = the maximum). */
export const QUANTILES = [
  { label: '0.5', percentile: 50 },
  { label: '0.9', percentile: 90 },
  { label: '0.99', percentile: 99 },
  { label: '1', percentile: 100 },
] as const;

/** Prefix of the target's own metrics re-exported beside stampede's. */
export const TARGET_PREFIX = 'stampede_target_';

const STEP = ['step'] as const;
/**
 * Series a producer may not know (no backlog gauges, no health, no goodput): created on no
 * registry and registered on their first value, so a figure nobody shipped is absent, not 0.
 */
const OPTIONAL: [] = [];
const STEP_Q = ['step', 'quantile'] as const;

/** The metric families, created on one registry. */
export class TelemetrySeries {
  /** The registry that holds them (default labels = the run labels). */
  readonly registry = new Registry();

  readonly runState = new Gauge({
    name: 'stampede_run_state',
    help: 'Run state: 1 for the current state (running, draining, finished, aborted), 0 for the others.',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly intervalIndex = new Gauge({
    name: 'stampede_interval_index',
    help: 'Index of the last interval closed across every shard (interval i covers [i, i+1) x interval from t0).',
    registers: OPTIONAL,
  });
  readonly arrivals = new Counter({
    name: 'stampede_arrivals_total',
    help: 'Arrivals (sessions offered) due so far.',
    registers: [this.registry],
  });
  readonly dropped = new Counter({
    name: 'stampede_dropped_total',
    help: 'Arrivals turned away by the client in-flight cap.',
    registers: [this.registry],
  });
  readonly completed = new Counter({
    name: 'stampede_sessions_completed_total',
    help: 'Sessions that ended (all steps done or given up).',
    registers: [this.registry],
  });
  readonly succeeded = new Counter({
    name: 'stampede_sessions_succeeded_total',
    help: 'Sessions whose every step succeeded (goodput).',
    registers: OPTIONAL,
  });
  readonly inFlight = new Gauge({
    name: 'stampede_in_flight',
    help: 'Sessions in flight at the end of the last closed interval.',
    registers: [this.registry],
  });
  readonly backlogAtTarget = new Gauge({
    name: 'stampede_backlog_at_target',
    help: 'Requests written to the socket and not yet answered, at the end of the last closed interval.',
    registers: OPTIONAL,
  });
  readonly backlogInClient = new Gauge({
    name: 'stampede_backlog_in_client',
    help: 'Requests due (intended send time passed) but not yet written, at the end of the last closed interval.',
    registers: OPTIONAL,
  });
  readonly inBackoff = new Gauge({
    name: 'stampede_in_backoff',
    help: 'Sessions waiting to retry, at the end of the last closed interval.',
    registers: OPTIONAL,
  });
  readonly offered = new Counter({
    name: 'stampede_offered_total',
    help: 'Attempts whose intended send time has passed (first attempts and retries), per step.',
    labelNames: STEP,
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'stampede_retries_total',
    help: 'Of the offered attempts, retries, per step.',
    labelNames: STEP,
    registers: [this.registry],
  });
  readonly answered = new Counter({
    name: 'stampede_answered_total',
    help: 'Attempts answered as the step expects (outcome class ok), per step.',
    labelNames: STEP,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'stampede_errors_total',
    help: 'Attempts with any other outcome, per step and outcome class name.',
    labelNames: ['step', 'class'] as const,
    registers: [this.registry],
  });
  readonly latency = new Gauge({
    name: 'stampede_interval_latency_seconds',
    help: 'Latency (intended send to last byte) quantiles over the last closed interval, per step.',
    labelNames: STEP_Q,
    registers: [this.registry],
  });
  readonly service = new Gauge({
    name: 'stampede_interval_service_seconds',
    help: 'Service time (written to the socket to last byte) quantiles over the last closed interval, per step.',
    labelNames: STEP_Q,
    registers: [this.registry],
  });
  readonly userWait = new Gauge({
    name: 'stampede_interval_user_wait_seconds',
    help: "User wait (step's first intended send to its final outcome) quantiles over the last closed interval.",
    labelNames: STEP_Q,
    registers: [this.registry],
  });
  readonly lateness = new Gauge({
    name: 'stampede_interval_lateness_seconds',
    help: 'Send lateness against the schedule, quantiles over the last closed interval (quantile 1 = worst).',
    labelNames: ['quantile'] as const,
    registers: [this.registry],
  });
  readonly busy = new Gauge({
    name: 'stampede_generator_busy_ratio',
    help: "Busiest shard thread's event-loop utilization over the last closed interval (0..1).",
    registers: OPTIONAL,
  });
  readonly loopDelay = new Gauge({
    name: 'stampede_generator_loop_delay_p99_seconds',
    help: "Worst shard thread's event-loop delay p99 over the last closed interval.",
    registers: OPTIONAL,
  });
  readonly remoteWriteFailures = new Counter({
    name: 'stampede_remote_write_failures_total',
    help: 'Pushes to the --remote-write receiver that failed (refused, timed out, or not 2xx).',
    registers: [this.registry],
  });

  /** The families created on no registry (see OPTIONAL), registered on their first value. */
  readonly optional: readonly (Counter | Gauge)[] = [
    this.intervalIndex,
    this.succeeded,
    this.backlogAtTarget,
    this.backlogInClient,
    this.inBackoff,
    this.busy,
    this.loopDelay,
  ];

  constructor(labels: RunLabels) {
    this.registry.setDefaultLabels({ ...labels });
  }
}
