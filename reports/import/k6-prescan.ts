/**
 * The first pass over a k6 JSON file: is it k6 output at all, which step names does it carry,
 * when is its earliest point, and the session timeline (arrivals placed at their start, in
 * flight per interval; see k6-session-timeline.ts). A run directory fixes its steps and t0 when
 * it is created, and a session's arrival is only known at its end, so all of it must be known
 * before the first interval is written. Substring searches, except the session points (a few
 * per session, against ~10 per request), so the pass costs a fraction of the import.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { errorMessage, StampedeError } from '../../harness/errors.js';
import { metricName, parseK6TimeMs, READ_METRICS, readK6Line, SESSION_METRICS } from './k6-line.js';

const READ: ReadonlySet<string> = new Set(READ_METRICS);

import { SessionTimeline } from './k6-session-timeline.js';

/** What the pre-scan learned. */
export interface K6Prescan {
  /** Step names in order of first appearance. */
  readonly steps: readonly string[];
  /** Earliest point time (epoch ms), NaN when there is no point. */
  readonly firstMs: number;
  /** Latest point time (epoch ms). */
  readonly lastMs: number;
  readonly lines: number;
  readonly bytes: number;
  readonly sessions: SessionTimeline;
}

/** The flow of a session point: the scenario's `flow` tag, else the scenario name's flow part. */
function flowOf(tags: Readonly<Record<string, string>>): string {
  return tags['flow'] ?? (tags['scenario'] ?? '').split('--')[0] ?? '';
}

function addSession(t: SessionTimeline, line: string): void {
  const r = readK6Line(line);
  if (r.kind !== 'point') return;
  const p = r.point;
  const flow = flowOf(p.tags);
  if (p.metric === 'iteration_duration') {
    if (p.tags['stampede'] !== 'maintenance') t.iteration(p.timeMs, p.value, flow);
  } else if (p.metric === 'dropped_iterations') t.dropped(p.timeMs, p.value, flow);
  else if (p.tags['phase'] === 'start') t.started(p.timeMs, flow);
  else if (p.tags['phase'] === 'succeeded') t.succeeded(p.timeMs, flow);
}

const STEP_KEY = '"step":"';
const TIME_KEY = '"time":"';

/** Opens `file` as a line stream; a missing file is a one-line E_USAGE error. */
export function k6Lines(file: string): { lines: AsyncIterable<string>; stream: NodeJS.ReadableStream } {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  return { lines: createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }), stream };
}

/**
 * Reads `file` once, with `intervalMs` the import's interval; throws E_K6_INPUT `file:line  what`
 * when it is not k6 JSON output.
 */
export async function prescanK6(file: string, intervalMs: number): Promise<K6Prescan> {
  const sessions = new SessionTimeline(intervalMs);
  const steps: string[] = [];
  const seen = new Set<string>();
  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  let lines = 0;
  let bytes = 0;
  let firstChecked = false;
  const { lines: it } = k6Lines(file);
  try {
    for await (const line of it) {
      lines++;
      bytes += line.length + 1;
      if (!firstChecked) {
        if (line.trim() === '') continue;
        firstChecked = true;
        const first = readK6Line(line);
        if (first.kind === 'bad') {
          throw new StampedeError('E_K6_INPUT', `${file}:${lines}  ${first.why}: not k6 --out json output`);
        }
      }
      const metric = metricName(line);
      // Only the points the import reads set the run's span: k6 writes its vus/vus_max gauges
      // while it initializes VUs, seconds before the first arrival.
      const t = metric !== undefined && READ.has(metric) ? line.indexOf(TIME_KEY) : -1;
      if (t >= 0) {
        const start = t + TIME_KEY.length;
        const ms = parseK6TimeMs(line.slice(start, line.indexOf('"', start)));
        if (ms < firstMs) firstMs = ms;
        if (ms > lastMs) lastMs = ms;
      }
      if (metric !== undefined && SESSION_METRICS.has(metric)) addSession(sessions, line);
      const s = line.indexOf(STEP_KEY);
      if (s >= 0) {
        const start = s + STEP_KEY.length;
        const name = line.slice(start, line.indexOf('"', start));
        if (!seen.has(name)) {
          seen.add(name);
          steps.push(name);
        }
      }
    }
  } catch (err: unknown) {
    if (err instanceof StampedeError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new StampedeError('E_K6_INPUT', `${file}: cannot read (${code ?? errorMessage(err)})`);
  }
  if (!firstChecked) throw new StampedeError('E_K6_INPUT', `${file}:1  empty file: not k6 --out json output`);
  // A session's arrival precedes every point it produced.
  if (sessions.earliestMs < firstMs) firstMs = sessions.earliestMs;
  return { steps, firstMs: Number.isFinite(firstMs) ? firstMs : Number.NaN, lastMs, lines, bytes, sessions };
}
