/**
 * LiveTelemetry from hand-made snapshots of two shards whose truth is computed by hand: counters
 * move per snapshot, gauges and last-interval quantiles only when the interval closes (from the
 * shards' histograms added exactly), absent figures leave their series absent, version-1 count
 * arrays are read by class name, and the target's metrics come back prefixed.
 */
import { describe, expect, it } from 'vitest';
import { LiveTelemetry } from '../../harness/telemetry/live-telemetry.js';
import { aggregateHistogram, encodeHistogram } from '../../reports/recorder/histogram-factory.js';
import type { IntervalSnapshot, StepInterval } from '../../reports/recorder/interval-snapshot.js';

const LABELS = { profile: 'p', run_id: 'r1', shard: '1/1', engine: 'undici' };
const RUN = 'profile="p",run_id="r1",shard="1/1",engine="undici"';

/** Encoded histogram of the values (µs). */
function hist(values: readonly number[]): string {
  const h = aggregateHistogram();
  for (const v of values) h.recordValue(v);
  return encodeHistogram(h);
}

/** ms values a..b, in µs. */
function msRange(a: number, b: number): number[] {
  const out: number[] = [];
  for (let v = a; v <= b; v++) out.push(v * 1000);
  return out;
}

function step(over: Partial<StepInterval> & { step: number }): StepInterval {
  return { latency: hist([]), service: hist([]), outcomes: {}, offered: 0, retries: 0, ...over };
}

function snap(index: number, over: Partial<IntervalSnapshot>): IntervalSnapshot {
  return {
    index,
    startMs: 1000 * index,
    endMs: 1000 * (index + 1),
    arrivals: 0,
    started: 0,
    dropped: 0,
    completed: 0,
    inFlight: 0,
    maxLatenessUs: 0,
    steps: [],
    ...over,
  };
}

/** The value of the one sample `name{labels…}` in the exposition, or undefined. */
function value(text: string, name: string, labels = ''): number | undefined {
  const want = `${name}{${labels ? `${labels},` : ''}${RUN}}`;
  const line = text.split('\n').find((l) => l.startsWith(`${want} `));
  return line === undefined ? undefined : Number(line.slice(want.length + 1));
}

/** |got - want| within HDR's 3-significant-digit precision (0.1 %). */
function near(got: number | undefined, want: number): void {
  expect(got).toBeDefined();
  expect(Math.abs(got! - want)).toBeLessThanOrEqual(want * 0.001);
}

describe('LiveTelemetry', () => {
  it('counts per snapshot and merges two shards exactly when the interval closes', async () => {
    const t = new LiveTelemetry({ labels: LABELS, steps: ['login', 'reset-request'] });
    t.setState('running');
    // Shard 0 saw latencies 1..50 ms, shard 1 51..100 ms: together 100 values, 1..100 ms.
    t.observe(
      0,
      snap(0, {
        arrivals: 60,
        dropped: 1,
        inFlight: 3,
        backlog: { atTarget: 2, inClient: 1, inBackoff: 0 },
        steps: [
          step({
            step: 0,
            latency: hist(msRange(1, 50)),
            outcomes: { ok: 48, '503': 2 },
            offered: 52,
            retries: 2,
          }),
        ],
      }),
    );
    t.observe(
      1,
      snap(0, {
        arrivals: 40,
        inFlight: 4,
        backlog: { atTarget: 5, inClient: 0, inBackoff: 3 },
        steps: [step({ step: 0, latency: hist(msRange(51, 100)), outcomes: { ok: 50 }, offered: 50 })],
      }),
    );
    let text = await t.exposition();
    // Counters: 48 + 50 ok, 52 + 50 offered, 60 + 40 arrivals, before the close.
    expect(value(text, 'stampede_answered_total', 'step="login"')).toBe(98);
    expect(value(text, 'stampede_offered_total', 'step="login"')).toBe(102);
    expect(value(text, 'stampede_errors_total', 'step="login",class="503"')).toBe(2);
    expect(value(text, 'stampede_arrivals_total')).toBe(100);
    expect(value(text, 'stampede_dropped_total')).toBe(1);
    // A step with no activity yet is at 0 from the start.
    expect(value(text, 'stampede_answered_total', 'step="reset-request"')).toBe(0);
    // No quantile before the interval is complete across shards.
    expect(value(text, 'stampede_interval_latency_seconds', 'step="login",quantile="0.99"')).toBeUndefined();

    t.intervalClosed(0);
    text = await t.exposition();
    // Gauges are the shards' sums: 3 + 4 in flight, 2 + 5 at the target, 1 + 0 in client, 0 + 3 in backoff.
    expect(value(text, 'stampede_in_flight')).toBe(7);
    expect(value(text, 'stampede_backlog_at_target')).toBe(7);
    expect(value(text, 'stampede_backlog_in_client')).toBe(1);
    expect(value(text, 'stampede_in_backoff')).toBe(3);
    // 100 values 1..100 ms: the p-th percentile is the p-th value, p ms; the max is 100 ms.
    near(value(text, 'stampede_interval_latency_seconds', 'step="login",quantile="0.5"'), 0.05);
    near(value(text, 'stampede_interval_latency_seconds', 'step="login",quantile="0.9"'), 0.09);
    near(value(text, 'stampede_interval_latency_seconds', 'step="login",quantile="0.99"'), 0.099);
    near(value(text, 'stampede_interval_latency_seconds', 'step="login",quantile="1"'), 0.1);
    expect(value(text, 'stampede_run_state', 'state="running"')).toBe(1);
    expect(value(text, 'stampede_run_state', 'state="finished"')).toBe(0);
  });

  it('leaves absent figures absent (declared, no sample) and drops an idle step’s quantiles', async () => {
    const t = new LiveTelemetry({ labels: LABELS, steps: ['login'] });
    t.observe(
      0,
      snap(0, { steps: [step({ step: 0, latency: hist([2000]), outcomes: { ok: 1 }, offered: 1 })] }),
    );
    t.intervalClosed(0);
    let text = await t.exposition();
    // No backlog, no user wait, no health in the snapshot: the families are declared, no sample.
    expect(text).toContain('# TYPE stampede_backlog_at_target gauge');
    expect(text).not.toMatch(/^stampede_backlog_at_target[{ ]/m);
    expect(text).toContain('# TYPE stampede_interval_user_wait_seconds gauge');
    expect(text).not.toMatch(/^stampede_interval_user_wait_seconds\{/m);
    expect(text).not.toMatch(/^stampede_generator_busy_ratio[{ ]/m);
    near(value(text, 'stampede_interval_latency_seconds', 'step="login",quantile="1"'), 0.002);
    // Interval 1: the step idles, so it has no last-interval quantile.
    t.observe(0, snap(1, { steps: [] }));
    t.intervalClosed(1);
    text = await t.exposition();
    expect(value(text, 'stampede_interval_latency_seconds', 'step="login",quantile="1"')).toBeUndefined();
    expect(value(text, 'stampede_answered_total', 'step="login"')).toBe(1);
  });

  it('reads version-1 count arrays by class name and counts late snapshots', async () => {
    const t = new LiveTelemetry({ labels: LABELS, steps: ['login'] });
    t.intervalClosed(0);
    // Indexed as OUTCOME_CLASSES: [ok, 4xx, 429, 5xx, 503] = 5 ok, 2 503; interval 0 closed already.
    const v1 = [5, 0, 0, 0, 2] as unknown as Record<string, number>;
    t.observe(0, snap(0, { inFlight: 9, steps: [step({ step: 0, outcomes: v1, offered: 7 })] }));
    const text = await t.exposition();
    expect(value(text, 'stampede_answered_total', 'step="login"')).toBe(5);
    expect(value(text, 'stampede_errors_total', 'step="login",class="503"')).toBe(2);
    // The late snapshot moved no gauge: in flight stays at its initial 0.
    expect(value(text, 'stampede_in_flight')).toBe(0);
  });

  it('re-exports the target’s exposition with the stampede_target_ prefix and the run labels', async () => {
    const t = new LiveTelemetry({ labels: LABELS, steps: ['login'] });
    t.targetMetrics(
      [
        '# HELP stampede_ref_admin_queue_depth Resets waiting.',
        '# TYPE stampede_ref_admin_queue_depth gauge',
        'stampede_ref_admin_queue_depth 3',
        '# TYPE lat_seconds histogram',
        'lat_seconds_bucket{le="0.1"} 4',
        'lat_seconds_bucket{le="+Inf"} 6',
        'lat_seconds_sum 1.5',
        'lat_seconds_count 6',
        '',
      ].join('\n'),
    );
    const text = await t.exposition();
    expect(text).toContain('# TYPE stampede_target_stampede_ref_admin_queue_depth gauge');
    expect(value(text, 'stampede_target_stampede_ref_admin_queue_depth')).toBe(3);
    expect(value(text, 'stampede_target_lat_seconds_bucket', 'le="0.1"')).toBe(4);
    expect(value(text, 'stampede_target_lat_seconds_count')).toBe(6);
    const pushed = (await t.series()).find((s) => s.labels['__name__'] === 'stampede_target_lat_seconds_sum');
    expect(pushed).toEqual({
      labels: { __name__: 'stampede_target_lat_seconds_sum', ...LABELS },
      value: 1.5,
    });
  });
});
