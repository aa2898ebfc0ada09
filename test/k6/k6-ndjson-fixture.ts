/**
 * A seeded generator of k6 `--out json` NDJSON, as k6 writes it: a `Metric` line before a metric's
 * first point; per request the `http_reqs`, `http_req_duration`, `http_req_waiting` and
 * `http_req_failed` points with tags step/status/method/name/url/expected_response/scenario/group/
 * proto (status 0 with `error_code` for transport failures), stamped with the request's end as
 * k6 does; `iteration_duration` and `iterations` at each session's end (nothing at its start);
 * `dropped_iterations`; times in RFC 3339 with nanoseconds and a zone offset. Points are written
 * in completion order, so they are slightly out of order, as k6's VUs make them. Also returns the truth the importer should find.
 */

/** What to generate. */
export interface K6GenOptions {
  readonly seed: number;
  /** Epoch ms of the first arrival. */
  readonly startMs: number;
  readonly durationS: number;
  /** Sessions per second. */
  readonly ratePerS: number;
  readonly steps: readonly string[];
  /** Share of requests that fail (503, 429, timeout 1050, reset 1220, 500). */
  readonly errorShare?: number;
  /** Share of arrivals dropped. */
  readonly dropShare?: number;
  /** Keep every latency for percentile checks (tests; not for the benchmark). */
  readonly keepLatencies?: boolean;
}

/** Per-step truth: counts by stampede outcome class and the latencies (ms) when kept. */
export interface StepTruth {
  count: number;
  ok: number;
  retries: number;
  byOutcome: Record<string, number>;
  latenciesMs: number[];
}

/** What the generator produced. */
export interface K6Truth {
  readonly steps: Map<string, StepTruth>;
  iterations: number;
  dropped: number;
  lines: number;
}

/** One output line and the 1-second chunk it belongs to (for interleaving several pods by time). */
export interface K6GenLine {
  readonly line: string;
  readonly chunk: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `2024-05-09T16:34:45.239531499+02:00` for epoch ms `ms` (+ sub-ms nanoseconds). */
export function k6Time(ms: number, offsetMin = 120): string {
  const local = new Date(Math.floor(ms) + offsetMin * 60_000).toISOString().slice(0, 19);
  const nanos = Math.round((ms - Math.floor(ms / 1000) * 1000) * 1e6);
  const sign = offsetMin >= 0 ? '+' : '-';
  const off = Math.abs(offsetMin);
  const zone = `${sign}${String(Math.floor(off / 60)).padStart(2, '0')}:${String(off % 60).padStart(2, '0')}`;
  return `${local}.${String(nanos).padStart(9, '0')}${zone}`;
}

const METRICS: Record<string, [string, string]> = {
  http_reqs: ['counter', 'default'],
  http_req_duration: ['trend', 'time'],
  http_req_waiting: ['trend', 'time'],
  http_req_failed: ['rate', 'default'],
  iterations: ['counter', 'default'],
  iteration_duration: ['trend', 'time'],
  dropped_iterations: ['counter', 'default'],
};

const FAILURES: readonly { status: string; error?: string; outcome: string }[] = [
  { status: '503', outcome: '503' },
  { status: '429', outcome: '429' },
  { status: '500', outcome: '5xx' },
  { status: '0', error: '1050', outcome: 'timeout' },
  { status: '0', error: '1220', outcome: 'reset' },
  { status: '0', error: '1212', outcome: 'connect' },
];

/** Generates the file's lines; `truth` is filled as the generator runs. */
export function* generateK6Lines(opts: K6GenOptions, truth: K6Truth): Generator<K6GenLine> {
  const rnd = mulberry32(opts.seed);
  const declared = new Set<string>();
  const errorShare = opts.errorShare ?? 0.05;
  const dropShare = opts.dropShare ?? 0.01;
  for (const s of opts.steps) {
    truth.steps.set(s, { count: 0, ok: 0, retries: 0, byOutcome: {}, latenciesMs: [] });
  }
  const point = (metric: string, t: number, value: number, tags: Record<string, string>): string => {
    let out = '';
    if (!declared.has(metric)) {
      declared.add(metric);
      const [type, contains] = METRICS[metric] ?? ['counter', 'default'];
      out = `${JSON.stringify({ type: 'Metric', data: { name: metric, type, contains, thresholds: [], submetrics: null }, metric })}\n`;
      truth.lines++;
    }
    truth.lines++;
    return out + JSON.stringify({ type: 'Point', data: { time: k6Time(t), value, tags }, metric });
  };
  let t = opts.startMs;
  const end = opts.startMs + opts.durationS * 1000;
  for (let chunk = 0; t < end; chunk++) {
    const chunkEnd = Math.min(end, opts.startMs + (chunk + 1) * 1000);
    const pending: { at: number; text: string }[] = [];
    while (t < chunkEnd) {
      const scenario = 'forced-reset--eu';
      if (rnd() < dropShare) {
        pending.push({ at: t, text: point('dropped_iterations', t, 1, { scenario }) });
        truth.dropped++;
      } else {
        let at = t;
        for (const step of opts.steps) {
          const retry = rnd() < 0.1;
          const fail = rnd() < errorShare ? FAILURES[Math.floor(rnd() * FAILURES.length)] : undefined;
          // Log-normal-ish latency, 2-400 ms, with a fractional part as k6 reports it.
          const ms = Math.min(400, 2 + Math.exp(rnd() * 4 + rnd() * 1.5));
          const tags: Record<string, string> = {
            expected_response: fail ? 'false' : 'true',
            group: '',
            method: 'POST',
            name: `http://127.0.0.1:8080/v1/${step}`,
            proto: 'HTTP/1.1',
            scenario,
            status: fail ? fail.status : '200',
            step,
            retry: retry ? 'true' : 'false',
            url: `http://127.0.0.1:8080/v1/${step}`,
          };
          if (fail?.error) tags['error_code'] = fail.error;
          // k6 stamps a request's points with its end time (lib/netext/httpext/tracer.go).
          const lines = [
            point('http_reqs', at + ms, 1, tags),
            point('http_req_duration', at + ms, ms, tags),
            point('http_req_waiting', at + ms, ms * 0.9, tags),
            point('http_req_failed', at + ms, fail ? 1 : 0, tags),
          ].join('\n');
          pending.push({ at: at + ms, text: lines });
          const st = truth.steps.get(step)!;
          st.count++;
          if (retry) st.retries++;
          const outcome = fail ? fail.outcome : 'ok';
          if (!fail) st.ok++;
          st.byOutcome[outcome] = (st.byOutcome[outcome] ?? 0) + 1;
          if (opts.keepLatencies) st.latenciesMs.push(ms);
          at += ms + 1;
        }
        // As k6: iteration_duration and iterations at the session's end, none at its start.
        const iter = [
          point('iteration_duration', at, at - t, { scenario, flow: 'forced-reset' }),
          point('iterations', at, 1, { scenario, flow: 'forced-reset' }),
        ].join('\n');
        pending.push({ at, text: iter });
        truth.iterations++;
      }
      t += (-Math.log(1 - rnd()) * 1000) / opts.ratePerS;
    }
    // Written in completion order, stamped with start times: out of order by up to a latency.
    pending.sort((a, b) => a.at - b.at);
    for (const p of pending) yield { line: p.text, chunk };
  }
}

/** A fresh truth record. */
export function emptyTruth(): K6Truth {
  return { steps: new Map(), iterations: 0, dropped: 0, lines: 0 };
}
