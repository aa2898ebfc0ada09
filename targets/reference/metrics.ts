/**
 * The reference service's own figures in the Prometheus text exposition format (version 0.0.4),
 * so the harness scrapes it exactly as it would scrape a real backend: queue depths, busy
 * workers, requests in flight, counters by endpoint and status, and a latency histogram.
 */

/** Upper bounds (seconds) of the request latency histogram buckets. */
export const LATENCY_BUCKETS_S = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

/** Point-in-time values read from the service's parts when /metrics is scraped. */
export interface GaugeValues {
  readonly adminQueueDepth: number;
  readonly adminBusyWorkers: number;
  readonly adminWorkers: number;
  readonly adminCompleted: number;
  readonly mailOutboxDepth: number;
  readonly mailDelivered: number;
  readonly inFlight: number;
  readonly maintenance: boolean;
  readonly touchedAccounts: number;
  /** The server's event-loop lag since it started (loop-lag.ts), ms; absent in the model (no loop). */
  readonly loopLagP99Ms?: number;
  readonly loopLagMaxMs?: number;
}

interface Histogram {
  readonly counts: number[];
  sum: number;
  count: number;
}

/** Counters and histograms, keyed by endpoint; gauges are read from the parts at render time. */
export class ServerMetrics {
  readonly #requests = new Map<string, number>();
  readonly #rejected = new Map<string, number>();
  readonly #latency = new Map<string, Histogram>();

  /** Records a completed request of `endpoint` with its status and duration in seconds. */
  observe(endpoint: string, status: number, seconds: number): void {
    const key = `${endpoint}\u0000${status}`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    let h = this.#latency.get(endpoint);
    if (!h) {
      h = { counts: new Array<number>(LATENCY_BUCKETS_S.length).fill(0), sum: 0, count: 0 };
      this.#latency.set(endpoint, h);
    }
    for (let i = 0; i < LATENCY_BUCKETS_S.length; i++) {
      if (seconds <= (LATENCY_BUCKETS_S[i] ?? Number.POSITIVE_INFINITY)) {
        h.counts[i] = (h.counts[i] ?? 0) + 1;
        break;
      }
    }
    h.sum += seconds;
    h.count++;
  }

  /** Counts a request turned away by the service (`queue_full`, `maintenance`). */
  reject(endpoint: string, reason: string): void {
    const key = `${endpoint}\u0000${reason}`;
    this.#rejected.set(key, (this.#rejected.get(key) ?? 0) + 1);
  }

  /** The exposition text. */
  render(g: GaugeValues): string {
    const out: string[] = [];
    gauge(
      out,
      'stampede_ref_admin_queue_depth',
      'Password resets waiting for an admin worker.',
      g.adminQueueDepth,
    );
    gauge(
      out,
      'stampede_ref_admin_busy_workers',
      'Admin workers processing a reset now.',
      g.adminBusyWorkers,
    );
    gauge(out, 'stampede_ref_admin_workers', 'Admin workers configured.', g.adminWorkers);
    counter(
      out,
      'stampede_ref_admin_resets_completed_total',
      'Resets processed by admin workers.',
      g.adminCompleted,
    );
    gauge(
      out,
      'stampede_ref_mail_outbox_depth',
      'Confirmation mails waiting for delivery.',
      g.mailOutboxDepth,
    );
    counter(out, 'stampede_ref_mail_delivered_total', 'Confirmation mails delivered.', g.mailDelivered);
    gauge(out, 'stampede_ref_requests_in_flight', 'HTTP requests being served.', g.inFlight);
    gauge(out, 'stampede_ref_maintenance', '1 while a maintenance window is open.', g.maintenance ? 1 : 0);
    gauge(
      out,
      'stampede_ref_touched_accounts',
      'Accounts holding state (reset confirmed).',
      g.touchedAccounts,
    );
    if (g.loopLagP99Ms !== undefined && g.loopLagMaxMs !== undefined) {
      gauge(
        out,
        'stampede_ref_event_loop_lag_p99_seconds',
        "99th percentile of the server's event-loop lag since it started (a 1 ms timer's lateness).",
        g.loopLagP99Ms / 1000,
      );
      gauge(
        out,
        'stampede_ref_event_loop_lag_max_seconds',
        'Longest event-loop lag of the server since it started.',
        g.loopLagMaxMs / 1000,
      );
    }

    out.push('# HELP stampede_ref_requests_total HTTP requests completed, by endpoint and status.');
    out.push('# TYPE stampede_ref_requests_total counter');
    for (const [key, n] of this.#requests) {
      const [endpoint, status] = key.split('\u0000');
      out.push(`stampede_ref_requests_total{endpoint="${endpoint}",status="${status}"} ${n}`);
    }
    out.push('# HELP stampede_ref_rejected_total Requests turned away, by endpoint and reason.');
    out.push('# TYPE stampede_ref_rejected_total counter');
    for (const [key, n] of this.#rejected) {
      const [endpoint, reason] = key.split('\u0000');
      out.push(`stampede_ref_rejected_total{endpoint="${endpoint}",reason="${reason}"} ${n}`);
    }
    // One unlabeled histogram family per endpoint (plus one for all requests): parsers such as
    // parse-prometheus-text-format only read unlabeled histograms correctly.
    const all: Histogram = { counts: new Array<number>(LATENCY_BUCKETS_S.length).fill(0), sum: 0, count: 0 };
    for (const h of this.#latency.values()) {
      for (let i = 0; i < all.counts.length; i++) all.counts[i] = (all.counts[i] ?? 0) + (h.counts[i] ?? 0);
      all.sum += h.sum;
      all.count += h.count;
    }
    histogram(out, 'stampede_ref_request_duration_seconds', 'HTTP request latency, all endpoints.', all);
    for (const [endpoint, h] of this.#latency) {
      const name = `stampede_ref_${endpoint.replace(/-/g, '_')}_duration_seconds`;
      histogram(out, name, `HTTP request latency of ${endpoint}.`, h);
    }
    return `${out.join('\n')}\n`;
  }
}

function histogram(out: string[], name: string, help: string, h: Histogram): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
  let cumulative = 0;
  for (let i = 0; i < LATENCY_BUCKETS_S.length; i++) {
    cumulative += h.counts[i] ?? 0;
    out.push(`${name}_bucket{le="${LATENCY_BUCKETS_S[i]}"} ${cumulative}`);
  }
  out.push(`${name}_bucket{le="+Inf"} ${h.count}`, `${name}_sum ${h.sum}`, `${name}_count ${h.count}`);
}

function gauge(out: string[], name: string, help: string, v: number): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${v}`);
}

function counter(out: string[], name: string, help: string, v: number): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${v}`);
}
