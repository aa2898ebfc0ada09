/**
 * Reads a run directory back into memory (`RunData`), checking every file on the way: a missing,
 * corrupt, truncated or newer-version directory is a `StampedeError('E_RUN_DIR')` with one line
 * naming the file and what is wrong (exit 2), never a stack trace.
 *
 * A directory whose writer died (summary aborted, "run did not finish") is valid: its hlog and
 * time series may end in a half-written line, which is dropped, and its summary (written at most
 * every few seconds) is rebuilt from them. A version-1 directory is read through
 * `summary-v1-adapter.ts` into the same shape; hlog tags and CSV columns this version does not
 * know are skipped (a later version's figures).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StampedeError } from '../../harness/errors.js';
import { aggregateHistogram } from '../recorder/histogram-factory.js';
import {
  HLOG_KINDS,
  HlogFormatError,
  hlogKindOf,
  hlogTag,
  LATENESS_TAG,
  parseHlog,
  totalsByTag,
} from './hlog-file.js';
import { RUN_FILES, type RunData, type RunEvent, UNFINISHED_REASON } from './run-data.js';
import type { RunMeta, TargetMetricsSample } from './run-meta.js';
import { totalsFromSeries } from './run-totals.js';
import { summarize } from './summarize.js';
import { SUMMARY_SCHEMA_VERSION, type Summary } from './summary.js';
import { type SummaryV1, summaryFromV1 } from './summary-v1-adapter.js';
import { summaryProblem, summaryV1Problem } from './summary-validator.js';
import { parseTimeseries, TimeseriesFormatError } from './timeseries-csv.js';

function fail(path: string, what: string): never {
  throw new StampedeError('E_RUN_DIR', `${path}: ${what}`);
}

async function readText(path: string, optional: boolean): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err: unknown) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (optional) return null;
      fail(path, 'missing (not a stampede run directory, or an incomplete copy)');
    }
    fail(path, `cannot be read (${code ?? 'unknown error'})`);
  }
}

async function readJson(path: string, optional: boolean): Promise<unknown> {
  const text = await readText(path, optional);
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    fail(path, text.trim() === '' ? 'empty file' : 'not valid JSON (corrupt or truncated)');
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the fields every reader relies on; returns the first problem or null. */
function metaProblem(m: unknown): string | null {
  if (!isRecord(m)) return 'not a JSON object';
  if (!isRecord(m['profile']) || typeof m['profile']['name'] !== 'string') return 'profile.name missing';
  for (const f of ['target', 'engine', 'startedAt'] as const) {
    if (typeof m[f] !== 'string') return `${f} missing or not a string`;
  }
  if (!['intended-time', 'service-time', 'k6-import', 'simulated'].includes(m['latencyModel'] as string))
    return 'latencyModel invalid';
  for (const f of ['t0Ms', 'intervalMs', 'plannedDurationS', 'workers'] as const) {
    if (typeof m[f] !== 'number' || !Number.isFinite(m[f])) return `${f} missing or not a number`;
  }
  if ((m['intervalMs'] as number) <= 0) return 'intervalMs must be > 0';
  const steps = m['steps'];
  if (!Array.isArray(steps) || !steps.every((s) => typeof s === 'string'))
    return 'steps must be an array of names';
  if (!Array.isArray(m['outages'])) return 'outages must be an array';
  if (!Array.isArray(m['plannedRatePerS'])) return 'plannedRatePerS must be an array';
  if (!isRecord(m['settings'])) return 'settings must be an object';
  return null;
}

function isEvent(e: unknown): e is RunEvent {
  return (
    isRecord(e) &&
    typeof e['atMs'] === 'number' &&
    typeof e['kind'] === 'string' &&
    typeof e['detail'] === 'string'
  );
}

function isSample(s: unknown): s is TargetMetricsSample {
  return isRecord(s) && typeof s['atMs'] === 'number' && isRecord(s['values']);
}

/** Reads and checks a whole run directory. */
export async function readRunDir(dir: string): Promise<RunData> {
  const st = await stat(dir).catch(() => null);
  if (st === null) fail(dir, 'no such run directory');
  if (!st.isDirectory()) fail(dir, 'not a directory');

  const metaPath = join(dir, RUN_FILES.meta);
  const meta = await readJson(metaPath, false);
  const mp = metaProblem(meta);
  if (mp !== null) fail(metaPath, mp);
  const m = meta as RunMeta;

  const summaryPath = join(dir, RUN_FILES.summary);
  const summary = await readJson(summaryPath, false);
  const version = isRecord(summary) ? summary['schemaVersion'] : undefined;
  if (isRecord(summary) && version !== SUMMARY_SCHEMA_VERSION && version !== 1) {
    fail(
      summaryPath,
      `schemaVersion ${JSON.stringify(version)} is not supported (this stampede reads 1 and ${SUMMARY_SCHEMA_VERSION})`,
    );
  }
  const sp = version === 1 ? summaryV1Problem(summary) : summaryProblem(summary);
  if (sp !== null) fail(summaryPath, sp);
  const s = summary as Summary | SummaryV1;

  const seriesPath = join(dir, RUN_FILES.timeseries);
  const seriesText = (await readText(seriesPath, false))!;
  let series: RunData['series'];
  try {
    series = parseTimeseries(seriesText, m.steps, s.aborted);
  } catch (err: unknown) {
    if (err instanceof TimeseriesFormatError) fail(seriesPath, err.message);
    throw err;
  }

  const hlogPath = join(dir, RUN_FILES.hlog);
  const hlogText = (await readText(hlogPath, false))!;
  let totals: ReturnType<typeof totalsByTag>;
  try {
    const intervals = parseHlog(hlogText, s.aborted);
    const known = new Set(m.steps.flatMap((n) => HLOG_KINDS.map((k) => hlogTag(n, k))));
    known.add(LATENESS_TAG);
    // A tag of a kind this version knows must name a step; other kinds are a later version's.
    const stray = intervals.find((iv) => !known.has(iv.tag) && hlogKindOf(iv.tag) !== null);
    if (stray !== undefined) fail(hlogPath, `tag "${stray.tag}" names no step of meta.json`);
    totals = totalsByTag(intervals);
  } catch (err: unknown) {
    if (err instanceof HlogFormatError) fail(hlogPath, err.message);
    throw err;
  }
  const lateness = totals.get(LATENESS_TAG) ?? aggregateHistogram();
  const histograms = m.steps.map((step) => ({
    step,
    latency: totals.get(hlogTag(step, 'latency')) ?? aggregateHistogram(),
    latencyOk: totals.get(hlogTag(step, 'latency-ok')) ?? aggregateHistogram(),
    service: totals.get(hlogTag(step, 'service')) ?? aggregateHistogram(),
    userWait: totals.get(hlogTag(step, 'user-wait')) ?? aggregateHistogram(),
  }));

  // Optional files: a target without metrics, or a directory made by an importer, may lack them.
  const tmPath = join(dir, RUN_FILES.targetMetrics);
  const tm = (await readJson(tmPath, true)) ?? [];
  if (!Array.isArray(tm) || !tm.every(isSample)) fail(tmPath, 'expected an array of {atMs, values}');
  const evPath = join(dir, RUN_FILES.events);
  const ev = (await readJson(evPath, true)) ?? [];
  if (!Array.isArray(ev) || !ev.every(isEvent)) fail(evPath, 'expected an array of {atMs, kind, detail}');

  // The writer died between checkpoints: its summary.json lags what the hlog and the series hold.
  // Rebuild it from them so nothing measured is missing from the reports.
  let summaryNow: Summary;
  if (s.schemaVersion === 1) summaryNow = summaryFromV1(s, m, series, histograms, lateness);
  else if (s.aborted && s.abortReason === UNFINISHED_REASON) {
    summaryNow = summarize({
      meta: m,
      totals: totalsFromSeries(series, histograms, lateness),
      series,
      end: {
        aborted: true,
        abortReason: UNFINISHED_REASON,
        degraded: [
          ...s.degraded,
          'summary rebuilt from histograms.hlog and timeseries.csv (the run did not finish)',
        ],
      },
    });
  } else summaryNow = s;
  return { meta: m, summary: summaryNow, series, histograms, lateness, targetMetrics: tm, events: ev };
}
