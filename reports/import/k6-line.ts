/**
 * One line of k6's `--out json` NDJSON, read as cheaply as its content allows. k6 writes a
 * `{"type":"Metric",...}` line per metric and a `{"type":"Point","data":{"time","value","tags"},
 * "metric":...}` line per sample; a request yields ~10 points (one per `http_req_*` metric), of
 * which the importer needs one. So the metric name is found by a substring search first and only
 * the points that count are JSON-parsed; the others are only checked to be one JSON object line.
 */
import { Outcome, type OutcomeIndex, outcomeOfStatus } from '../../harness/vocabulary/outcome.js';

/** Metrics the importer reads; every other metric's points are ignored (they repeat these). */
export const READ_METRICS = [
  'http_req_duration',
  'iteration_duration',
  'dropped_iterations',
  'stampede_outcomes',
  'stampede_await_mail',
  'stampede_mail_polls',
  'stampede_step',
  'stampede_sessions',
] as const;

/** Metrics the session timeline reads (the pre-scan); the rest are the window's. */
export const SESSION_METRICS: ReadonlySet<string> = new Set([
  'iteration_duration',
  'dropped_iterations',
  'stampede_sessions',
]);

/** A metric the importer reads. */
export type ReadMetric = (typeof READ_METRICS)[number];

/** A point of a metric the importer reads. */
export interface K6Point {
  readonly metric: ReadMetric;
  /** Epoch ms of the sample. */
  readonly timeMs: number;
  readonly value: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** What one line is. */
export type K6Line =
  | { readonly kind: 'point'; readonly point: K6Point }
  /** A Metric definition, or a point of a metric the importer does not need. */
  | { readonly kind: 'other' }
  | { readonly kind: 'bad'; readonly why: string };

const OTHER: K6Line = { kind: 'other' };
const METRIC_KEY = '"metric":"';
const READ = new Set<string>(READ_METRICS);

/** The metric name of a line by substring search, or undefined when the key is absent. */
export function metricName(line: string): string | undefined {
  const at = line.lastIndexOf(METRIC_KEY);
  if (at < 0) return undefined;
  const start = at + METRIC_KEY.length;
  const end = line.indexOf('"', start);
  return end < 0 ? undefined : line.slice(start, end);
}

let zoneKey = '';
let zoneBase = 0;

/**
 * Epoch ms of an RFC 3339 time as k6 writes it (`2024-05-09T14:34:45.239531499+02:00`, nanosecond
 * fractions). The whole-second part is cached, since consecutive points share it; NaN if invalid.
 */
export function parseK6TimeMs(text: string): number {
  if (text.length < 20 || text[10] !== 'T') return Number.NaN;
  let i = 19;
  let frac = 0;
  if (text[i] === '.') {
    let scale = 100;
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      frac += (c - 48) * scale;
      scale /= 10;
      i++;
    }
  }
  const key = text.slice(0, 19) + text.slice(i);
  if (key !== zoneKey) {
    const base = Date.parse(key);
    if (!Number.isFinite(base)) return Number.NaN;
    zoneKey = key;
    zoneBase = base;
  }
  return zoneBase + frac;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Reads one line (without its newline). Never throws. */
export function readK6Line(line: string): K6Line {
  const name = metricName(line);
  if (name !== undefined && !READ.has(name)) {
    // A point of a metric not needed: it only has to look like one JSON object on one line.
    const t = line.trimEnd();
    return t.startsWith('{') && t.endsWith('}') ? OTHER : { kind: 'bad', why: 'not a JSON object' };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return { kind: 'bad', why: 'not valid JSON' };
  }
  if (!isRecord(doc)) return { kind: 'bad', why: 'not a JSON object' };
  if (doc['type'] === 'Metric') return OTHER;
  if (doc['type'] !== 'Point') return { kind: 'bad', why: 'no "type": "Metric" or "Point"' };
  const data = doc['data'];
  if (!isRecord(data)) return { kind: 'bad', why: 'Point without "data"' };
  const metric = doc['metric'];
  if (typeof metric !== 'string') return { kind: 'bad', why: 'Point without "metric"' };
  if (!READ.has(metric)) return OTHER;
  const time = typeof data['time'] === 'string' ? parseK6TimeMs(data['time']) : Number.NaN;
  if (!Number.isFinite(time)) return { kind: 'bad', why: 'Point without a valid data.time' };
  const value = data['value'];
  if (typeof value !== 'number' || !Number.isFinite(value))
    return { kind: 'bad', why: 'Point without a numeric data.value' };
  const rawTags = data['tags'];
  const tags: Record<string, string> = {};
  if (isRecord(rawTags)) {
    for (const [k, v] of Object.entries(rawTags)) if (typeof v === 'string') tags[k] = v;
  }
  return { kind: 'point', point: { metric: metric as ReadMetric, timeMs: time, value, tags } };
}

/**
 * k6 error codes of failed requests (status 0), as documented in k6's "Error codes":
 * 1050 request timeout, 1211 dial timeout, 1201 broken pipe and 1220 connection reset by peer;
 * the rest of 1000-1999 (DNS, TCP dial, TLS, HTTP/2 protocol) are connection errors.
 */
export function outcomeOfK6Error(code: number): OutcomeIndex {
  if (code === 1050 || code === 1211) return Outcome.timeout;
  if (code === 1201 || code === 1220) return Outcome.reset;
  return Outcome.connect;
}

/** stampede's outcome class of an `http_req_duration` point, from its tags. */
export function outcomeOfPoint(tags: Readonly<Record<string, string>>): OutcomeIndex {
  if (tags['expected_response'] === 'true') return Outcome.ok;
  const status = Number(tags['status'] ?? '0');
  if (!(status > 0)) return outcomeOfK6Error(Number(tags['error_code'] ?? '0'));
  return outcomeOfStatus(status);
}
