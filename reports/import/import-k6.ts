/**
 * `stampede import k6`: k6's `--out json` NDJSON becomes a standard run directory, so report,
 * gate, compare and merge work on k6 runs as on native ones. Two streaming passes in constant
 * memory: a substring pre-scan (steps, earliest time; see k6-prescan.ts), then the import proper
 * through an `IntervalWindow` into a `RunWriter`.
 *
 * Mapping: `http_req_duration` points (ms) are requests of the step in their `step` tag, recorded
 * in µs in both histograms (k6 measures from the actual send: latency model `service-time`), with
 * an outcome from `expected_response`/`status`/`error_code`; `retry: "true"` marks retries;
 * `iterations` are arrivals that started (and completed: k6 emits them at the end);
 * `dropped_iterations` are dropped arrivals; the exporter's `stampede_outcomes` counter adds
 * mail timeouts and unusable bodies. Points of other metrics repeat these and are ignored.
 *
 * Deterministic: t0 = floor(earliest point / interval) × interval, in epoch ms, so the same file
 * gives the same intervals and pods of one k6-operator run share interval boundaries.
 */
import { basename, resolve } from 'node:path';
import { meanRateBetween, profileDurationS } from '../../harness/arrivals/profile-rate.js';
import { StampedeError } from '../../harness/errors.js';
import { profileHash } from '../../harness/profile/load-profile.js';
import type { Profile } from '../../harness/profile/profile.js';
import { buildStepIndex } from '../../harness/profile/step-index.js';
import { isOutcomeClass, OUTCOME_CLASSES, type OutcomeIndex } from '../../harness/vocabulary/outcome.js';
import type { RunMeta } from '../run-dir/run-meta.js';
import { RunWriter } from '../run-dir/run-writer.js';
import type { Summary } from '../run-dir/summary.js';
import { IntervalWindow } from './k6-interval-window.js';
import { outcomeOfPoint, readK6Line } from './k6-line.js';
import { k6Lines, prescanK6 } from './k6-prescan.js';

/** Options of `importK6`. */
export interface ImportK6Options {
  /** Interval length, ms (default 1000). */
  readonly intervalMs?: number;
  /** Width of the window of open intervals, ms (default 10 000). */
  readonly windowMs?: number;
  /** The profile the script was exported from: name, hash (for merge), steps, planned rate. */
  readonly profile?: Profile;
  /** This file is pod/instance `index` (0-based) of `count` (k6-operator parallelism). */
  readonly shard?: { readonly index: number; readonly count: number };
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
): RunMeta {
  const p = opts.profile;
  const spanS = Number.isFinite(lastMs) ? (lastMs - t0Ms) / 1000 : 0;
  const durationS = p ? profileDurationS(p) : spanS;
  const count = opts.shard?.count ?? 1;
  const planned: number[] = [];
  if (p) {
    // k6 starts its scenarios at its own start, which is (to within an interval) the first point.
    const n = Math.ceil(durationS / (intervalMs / 1000));
    for (let i = 0; i < n; i++) {
      const a = (i * intervalMs) / 1000;
      planned.push(meanRateBetween(p, a, a + intervalMs / 1000) / count);
    }
  }
  const name = p?.name ?? basename(file);
  return {
    profile: {
      name,
      file: p?.file ?? resolve(file),
      // Without the profile there is nothing to match: the hash only names the file.
      hash: p ? profileHash(p) : `k6-import:${name}`,
    },
    target: 'k6-import',
    engine: 'k6',
    latencyModel: 'service-time',
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
    settings: { source: basename(file), windowMs: opts.windowMs ?? 10_000 },
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
  const scan = await prescanK6(file);
  const steps = stepOrder(opts.profile, scan.steps);
  const stepIndex = new Map(steps.map((s, i) => [s, i] as const));
  const first = Number.isFinite(scan.firstMs) ? scan.firstMs : 0;
  const t0Ms = Math.floor(first / intervalMs) * intervalMs;
  const writer = await RunWriter.create(out, metaOf(file, opts, steps, t0Ms, scan.lastMs, intervalMs));
  const windowSize = Math.max(1, Math.ceil((opts.windowMs ?? 10_000) / intervalMs));
  const window = new IntervalWindow(t0Ms, intervalMs, windowSize, steps.length, (s) => {
    writer.addSnapshot(s);
    writer.closeThrough(s.index);
  });

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
    switch (p.metric) {
      case 'http_req_duration': {
        const step = stepIndex.get(p.tags['step'] ?? '');
        if (step === undefined) untagged++;
        else window.request(p.timeMs, step, outcomeOfPoint(p.tags), p.value, p.tags['retry'] === 'true');
        break;
      }
      case 'iterations':
        for (let k = 0; k < p.value; k++) window.iteration(p.timeMs);
        break;
      case 'dropped_iterations':
        for (let k = 0; k < p.value; k++) window.dropped(p.timeMs);
        break;
      case 'stampede_outcomes': {
        const step = stepIndex.get(p.tags['step'] ?? '');
        const o = p.tags['outcome'] ?? '';
        if (step === undefined || !isOutcomeClass(o)) unknownOutcome++;
        else
          for (let k = 0; k < p.value; k++)
            window.outcomeOnly(p.timeMs, step, OUTCOME_CLASSES.indexOf(o) as OutcomeIndex);
        break;
      }
    }
  }
  window.finish();
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
  const summary = await writer.finish({ aborted: false, abortReason: null, degraded });
  return { summary, lines: lineNo, bytes: scan.bytes, points, skipped, skippedLines, late: window.late };
}
