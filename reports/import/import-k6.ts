/**
 * `stampede import k6`: k6's `--out json` NDJSON becomes a standard run directory, so report,
 * gate, compare and merge work on k6 runs as on native ones. Two streaming passes in constant
 * memory: a pre-scan (steps, earliest time, the session timeline; see k6-prescan.ts), then the
 * import proper through an `IntervalWindow` into a `RunWriter`, as IntervalSnapshot v2.
 *
 * Mapping (docs/distributed.md, "Import"): `http_req_duration` points (ms) are attempts of the
 * step in their `step` tag, in the latency and service histograms (k6 measures from the actual
 * send: latency model `k6-import`), with an outcome from `expected_response`/`status`/
 * `error_code`, completed at the point and offered at point - duration; `retry: "true"` marks
 * retries; mailbox polls (`poll: "true"`) count only when they fail; the mail wait is
 * `stampede_await_mail`; finals and user wait are `stampede_step`; "no mail yet" answers are
 * `stampede_mail_polls`; `stampede_outcomes` adds mail timeouts and unusable bodies. Sessions
 * (arrivals at their start, in flight, dropped, succeeded) come from the timeline. What k6
 * cannot know stays absent: backlog gauges, send lateness, generator health.
 *
 * Deterministic: t0 = floor(earliest arrival or point / interval) × interval, in epoch ms, so the
 * same file gives the same intervals and pods of one k6-operator run share interval boundaries.
 * The planned rate is placed from k6's own start, which the plan tells: the first arrival minus
 * the plan's time of its first arrival.
 */
import { basename, resolve } from 'node:path';
import { meanRateBetween, profileDurationS } from '../../harness/arrivals/profile-rate.js';
import { StampedeError } from '../../harness/errors.js';
import { profileHash } from '../../harness/profile/load-profile.js';
import type { Profile } from '../../harness/profile/profile.js';
import { buildStepIndex } from '../../harness/profile/step-index.js';
import { trafficHash } from '../../harness/profile/traffic-hash.js';
import { isOutcomeClass, OUTCOME_CLASSES } from '../../harness/vocabulary/outcome.js';
import { evaluateGates } from '../gates/gate-evaluator.js';
import { parseGates } from '../gates/gate-parser.js';
import { writeGateReports } from '../gates/write-gate-reports.js';
import type { FlowInterval } from '../recorder/interval-snapshot.js';
import type { RunMeta } from '../run-dir/run-meta.js';
import { RunWriter } from '../run-dir/run-writer.js';
import type { Summary } from '../run-dir/summary.js';
import { defaultWindowMs, IntervalWindow } from './k6-interval-window.js';
import { outcomeOfPoint, readK6Line } from './k6-line.js';
import { k6Lines, prescanK6 } from './k6-prescan.js';
import { k6RunEnd, plannedFirstArrivalS, readSummaryExport } from './k6-run-end.js';

/** Options of `importK6`. */
export interface ImportK6Options {
  /** Interval length, ms (default 1000). */
  readonly intervalMs?: number;
  /** Width of the window of open intervals, ms (default: `defaultWindowMs(profile)`). */
  readonly windowMs?: number;
  /** The profile the script was exported from: name, hash (for merge), steps, planned rate. */
  readonly profile?: Profile;
  /** This file is pod/instance `index` (0-based) of `count` (k6-operator parallelism). */
  readonly shard?: { readonly index: number; readonly count: number };
  /** k6's `--summary-export` file of the same run (how long it ran: aborted or not). */
  readonly summaryExport?: string;
}

/** What an import read, beside the summary it wrote. */
export interface ImportK6Result {
  readonly summary: Summary;
  readonly lines: number;
  readonly bytes: number;
  readonly points: number;
  /** Malformed lines, counted, and the first few line numbers. */
  readonly skipped: number;
  readonly skippedLines: readonly number[];
  readonly late: number;
  /** Sessions that started and never finished (in flight when the output ends). */
  readonly unfinished: number;
  /** Whether a gate recorded from the profile failed. */
  readonly gateFailed: boolean;
}

/** How many skipped line numbers are named in messages. */
const NAMED_SKIPS = 5;

function stepOrder(profile: Profile | undefined, seen: readonly string[]): string[] {
  const names = profile ? [...buildStepIndex(profile).names] : [];
  for (const s of seen) if (!names.includes(s)) names.push(s);
  return names;
}

function metaOf(
  file: string,
  opts: ImportK6Options,
  steps: string[],
  t0Ms: number,
  lastMs: number,
  intervalMs: number,
  firstArrivalMs: number,
): RunMeta {
  const p = opts.profile;
  const spanS = Number.isFinite(lastMs) ? (lastMs - t0Ms) / 1000 : 0;
  const durationS = p ? profileDurationS(p) : spanS;
  const count = opts.shard?.count ?? 1;
  const planned: number[] = [];
  if (p) {
    // k6 starts its scenarios at its own start: the first arrival minus its planned time.
    const k6StartMs = Number.isFinite(firstArrivalMs)
      ? firstArrivalMs - plannedFirstArrivalS(p, count) * 1000
      : t0Ms;
    const offsetS = (t0Ms - k6StartMs) / 1000;
    const n = Math.ceil((durationS - offsetS) / (intervalMs / 1000));
    for (let i = 0; i < n; i++) {
      // Interval i covers [a, b) of the plan's time; the part before k6's start planned nothing.
      const a = offsetS + (i * intervalMs) / 1000;
      const b = a + intervalMs / 1000;
      const lo = Math.max(0, a);
      planned.push(b > lo ? (meanRateBetween(p, lo, b) * (b - lo)) / (b - a) / count : 0);
    }
  }
  const name = p?.name ?? basename(file);
  return {
    profile: {
      name,
      file: p?.file ?? resolve(file),
      // Without the profile there is nothing to match: the hash only names the file.
      hash: p ? profileHash(p) : `k6-import:${name}`,
      // The traffic it offers, as a native run of the profile records it: compare matches them.
      ...(p ? { trafficHash: trafficHash(p) } : {}),
    },
    target: 'k6-import',
    engine: 'k6',
    latencyModel: 'k6-import',
    startedAt: new Date(t0Ms).toISOString(),
    t0Ms,
    intervalMs,
    steps,
    plannedDurationS: durationS,
    ...(opts.shard ? { shard: opts.shard } : {}),
    workers: 1,
    outages: (p?.outages ?? []).map((o) => ({
      name: o.name,
      startS: o.startS,
      durationS: o.durationS,
      regions: [...o.regions],
    })),
    plannedRatePerS: planned,
    settings: {
      source: basename(file),
      windowMs: opts.windowMs ?? defaultWindowMs(opts.profile),
      // The profile's settings that shape the traffic k6 ran (the client's own have no k6 form).
      ...(p
        ? { requestTimeoutS: p.client.requestTimeoutS, rateScale: p.rateScale, timeScale: p.timeScale }
        : {}),
    },
  };
}

/**
 * Imports `file` into the run directory `out`. Throws E_K6_INPUT `file:line  what` when the file
 * is not k6 JSON output (its first line); later malformed lines are counted, named in `degraded`
 * (first few line numbers) and skipped.
 */
export async function importK6(
  file: string,
  out: string,
  opts: ImportK6Options = {},
): Promise<ImportK6Result> {
  const intervalMs = opts.intervalMs ?? 1000;
  if (!(intervalMs >= 1))
    throw new StampedeError('E_USAGE', `--interval: must be at least 1ms (got ${intervalMs}ms)`);
  const scan = await prescanK6(file, intervalMs);
  const steps = stepOrder(opts.profile, scan.steps);
  const stepIndex = new Map(steps.map((s, i) => [s, i] as const));
  const first = Number.isFinite(scan.firstMs) ? scan.firstMs : 0;
  const t0Ms = Math.floor(first / intervalMs) * intervalMs;
  const writer = await RunWriter.create(
    out,
    metaOf(file, opts, steps, t0Ms, scan.lastMs, intervalMs, scan.sessions.earliestMs),
  );
  const windowSize = Math.max(1, Math.ceil((opts.windowMs ?? defaultWindowMs(opts.profile)) / intervalMs));
  const firstAbs = t0Ms / intervalMs;
  const lastAbs = Math.max(scan.sessions.lastIndex, Math.floor(scan.lastMs / intervalMs), firstAbs);
  const sessions = scan.sessions.walk(firstAbs, lastAbs);
  const window = new IntervalWindow(
    t0Ms,
    intervalMs,
    windowSize,
    steps.length,
    (index, startMs, endMs, st) => {
      const s = sessions.next();
      const c = s.done ? null : s.value;
      const flows: Record<string, FlowInterval> = {};
      for (const [name, f] of Object.entries(c?.flows ?? {})) {
        flows[name] = {
          arrivals: f.started + f.dropped,
          dropped: f.dropped,
          completed: f.completed,
          succeeded: f.succeeded,
        };
      }
      writer.addSnapshot({
        index,
        startMs,
        endMs,
        arrivals: (c?.started ?? 0) + (c?.dropped ?? 0),
        started: c?.started ?? 0,
        dropped: c?.dropped ?? 0,
        completed: c?.completed ?? 0,
        succeeded: c?.succeeded ?? 0,
        inFlight: c?.inFlight ?? 0,
        // k6 reports no send lateness; the summary says "unknown" for latency model k6-import.
        maxLatenessUs: 0,
        flows,
        steps: st,
      });
      writer.closeThrough(index);
    },
  );

  let lineNo = 0;
  let points = 0;
  let skipped = 0;
  let untagged = 0;
  let unknownOutcome = 0;
  const skippedLines: number[] = [];
  for await (const line of k6Lines(file).lines) {
    lineNo++;
    if (line.length === 0) continue;
    const r = readK6Line(line);
    if (r.kind === 'other') continue;
    if (r.kind === 'bad') {
      skipped++;
      if (skippedLines.length < NAMED_SKIPS) skippedLines.push(lineNo);
      continue;
    }
    const p = r.point;
    if (p.tags['stampede'] === 'maintenance') continue;
    points++;
    const poll = p.tags['poll'] === 'true';
    const step = stepIndex.get(p.tags['step'] ?? '');
    switch (p.metric) {
      case 'http_req_duration': {
        if (step === undefined) {
          untagged++;
          break;
        }
        const outcome = OUTCOME_CLASSES[outcomeOfPoint(p.tags)]!;
        const retry = p.tags['retry'] === 'true';
        // An answered poll is not an attempt (the mail wait is); a failed one is, as natively.
        window.request(p.timeMs, step, outcome, p.value, retry, !poll || outcome !== 'ok', !poll || retry);
        break;
      }
      case 'stampede_await_mail':
        if (step !== undefined) window.mailFound(p.timeMs, step, p.value);
        break;
      case 'stampede_step': {
        const o = p.tags['outcome'] ?? '';
        if (step === undefined || !isOutcomeClass(o)) unknownOutcome++;
        else window.final(p.timeMs, step, o, p.value, poll);
        break;
      }
      case 'stampede_mail_polls':
        if (step !== undefined) window.polls(p.timeMs, step, p.value);
        break;
      case 'stampede_outcomes': {
        const o = p.tags['outcome'] ?? '';
        if (step === undefined || !isOutcomeClass(o)) unknownOutcome++;
        else
          for (let k = 0; k < p.value; k++) window.outcomeOnly(p.timeMs, step, o, o === 'invalid' && !poll);
        break;
      }
    }
  }
  window.finish(lastAbs - firstAbs);
  const degraded: string[] = [];
  if (skipped > 0) {
    degraded.push(
      `${file}: ${skipped} malformed line(s) skipped (lines ${skippedLines.join(', ')}${skipped > skippedLines.length ? ', ...' : ''})`,
    );
  }
  if (window.late > 0) {
    degraded.push(
      `${window.late} point(s) older than the ${windowSize}-interval window were counted into the oldest open interval`,
    );
  }
  if (untagged > 0)
    degraded.push(
      `${untagged} http_req_duration point(s) without a step tag were not counted (not from a stampede script?)`,
    );
  if (unknownOutcome > 0)
    degraded.push(
      `${unknownOutcome} stampede_outcomes point(s) with an unknown step or outcome were not counted`,
    );
  const end = k6RunEnd({
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.summaryExport !== undefined
      ? { testRunDurationMs: await readSummaryExport(opts.summaryExport) }
      : {}),
    firstArrivalMs: scan.sessions.earliestMs,
    lastPointMs: scan.lastMs,
    intervalMs,
    unfinished: scan.sessions.unfinished,
    instances: opts.shard?.count ?? 1,
    degraded,
  });
  let summary = await writer.finish(end);
  let gateFailed = false;
  if (opts.profile && opts.profile.gates.length > 0) {
    // The profile's gates, recorded in the import: `stampede gate <dir>` re-evaluates them.
    const gates = parseGates(opts.profile.gates, `${opts.profile.file || opts.profile.name} gates`);
    const results = evaluateGates(gates, writer.runData(summary));
    summary = await writeGateReports(out, results, summary);
    gateFailed = results.some((g) => !g.pass);
  }
  return {
    summary,
    lines: lineNo,
    bytes: scan.bytes,
    points,
    skipped,
    skippedLines,
    late: window.late,
    unfinished: scan.sessions.unfinished,
    gateFailed,
  };
}
