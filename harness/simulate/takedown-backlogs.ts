/**
 * Where the work waits when a take-down starts and ends, in a simulation: the users in retry
 * backoff (the driver's gauge, most of them waiting out the window's Retry-After), the admin
 * pool's queue and the mail outbox (the model's gauges). The run's own take-down figure
 * (`backlogAtStart`: requests at the target or queued in the client) stays near 0 against a model
 * that answers a full queue with an immediate 503; these say how big the backlog really is and
 * whether the window drained it.
 */
import type { RunData } from '../../reports/run-dir/run-data.js';

/** One take-down's backlogs at its start and its end (null: the run has no such gauge). */
export interface TakeDownBacklog {
  readonly name: string;
  readonly inBackoffAtStart: number | null;
  readonly inBackoffAtEnd: number | null;
  readonly adminQueueAtStart: number | null;
  readonly adminQueueAtEnd: number | null;
  readonly outboxAtStart: number | null;
  readonly outboxAtEnd: number | null;
}

const ADMIN_QUEUE = 'stampede_ref_admin_queue_depth';
const OUTBOX = 'stampede_ref_mail_outbox_depth';
const EPS = 1e-9;

/**
 * Per outage of the run: each gauge as read at the last interval boundary at or before the
 * window's start (the interval ending then) and at or before its end.
 */
export function takedownBacklogs(data: RunData): TakeDownBacklog[] {
  const { meta, series, targetMetrics } = data;
  const intervalS = meta.intervalMs / 1000;
  /** The driver's in-backoff gauge of the last interval ending by `atS`. */
  const inBackoff = (atS: number): number | null => {
    let v: number | null = null;
    for (const r of series) {
      if (r.tS + intervalS > atS + EPS) break;
      v = r.backlog?.inBackoff ?? null;
    }
    return v;
  };
  /** Gauge `name` of the last model sample taken by `atS`. */
  const gauge = (name: string, atS: number): number | null => {
    let v: number | null = null;
    for (const s of targetMetrics) {
      if ((s.atMs - meta.t0Ms) / 1000 > atS + EPS) break;
      v = s.values[name] ?? v;
    }
    return v;
  };
  return meta.outages.map((o) => {
    const endS = o.startS + o.durationS;
    return {
      name: o.name,
      inBackoffAtStart: inBackoff(o.startS),
      inBackoffAtEnd: inBackoff(endS),
      adminQueueAtStart: gauge(ADMIN_QUEUE, o.startS),
      adminQueueAtEnd: gauge(ADMIN_QUEUE, endS),
      outboxAtStart: gauge(OUTBOX, o.startS),
      outboxAtEnd: gauge(OUTBOX, endS),
    };
  });
}

const n = (v: number | null): string => (v === null ? '-' : v.toLocaleString('en-US'));

/** The text line under a take-down: `start / end` of each backlog. */
export function takedownBacklogText(b: TakeDownBacklog): string {
  return (
    `${n(b.inBackoffAtStart)} / ${n(b.inBackoffAtEnd)} users in backoff, ` +
    `admin queue ${n(b.adminQueueAtStart)} / ${n(b.adminQueueAtEnd)}, ` +
    `mail outbox ${n(b.outboxAtStart)} / ${n(b.outboxAtEnd)} (at its start / end)`
  );
}
