/**
 * Did the k6 run end as planned? k6's JSON output has no "aborted" record: a run stopped by
 * `abortOnFail`, Ctrl-C or a crash just stops writing. So the import compares where it stopped
 * with where the profile says it should have:
 *
 * - with k6's `--summary-export` file: the test run's duration (`state.testRunDurationMs`, or a
 *   counter's count / rate) against the planned time of the last arrival (k6 runs at least until
 *   then unless it was stopped);
 * - else: the last point against the first arrival + the planned time of the last arrival.
 *
 * The planned last arrival (not the planned end) is the mark: a profile whose rate falls to 0
 * before its end has no point to write after its last arrival. A tolerance of two intervals (at
 * least 2 s) absorbs k6's start-up and flushing. Without the profile there is no plan: only
 * sessions that started and never finished are reported.
 */
import { readFile } from 'node:fs/promises';
import { meanRateBetween, profileDurationS } from '../../harness/arrivals/profile-rate.js';
import { errorMessage, StampedeError } from '../../harness/errors.js';
import type { Profile } from '../../harness/profile/profile.js';
import type { RunEnd } from '../run-dir/run-meta.js';

/** What the run-end check needs from the import. */
export interface RunEndInput {
  readonly profile?: Profile;
  /** Parsed `--summary-export` state, when given. */
  readonly testRunDurationMs?: number;
  /** Earliest arrival and latest point, epoch ms. */
  readonly firstArrivalMs: number;
  readonly lastPointMs: number;
  readonly intervalMs: number;
  /** Sessions that started and never completed (in flight when the output ends). */
  readonly unfinished: number;
  /** This file is one of `count` k6 instances (each plans 1/count of the arrivals). */
  readonly instances: number;
  readonly degraded: readonly string[];
}

/** Seconds from the start at which the profile's last arrival is due (half an arrival left). */
export function plannedLastArrivalS(profile: Profile, instances = 1): number {
  const end = profileDurationS(profile);
  const left = (t: number): number => (meanRateBetween(profile, t, end) * (end - t)) / instances;
  if (left(0) < 0.5) return 0;
  let lo = 0;
  let hi = end;
  for (let k = 0; k < 40 && hi - lo > 1e-3; k++) {
    const mid = (lo + hi) / 2;
    if (left(mid) >= 0.5) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Seconds from k6's start at which its first iteration is due: k6 starts iteration i when the
 * scenario's rate integral reaches i (lib/executor/ramping_arrival_rate.go), so the first at 1.
 */
export function plannedFirstArrivalS(profile: Profile, instances = 1): number {
  const end = profileDurationS(profile);
  const upTo = (t: number): number => (meanRateBetween(profile, 0, t) * t) / instances;
  if (upTo(end) < 1) return 0;
  let lo = 0;
  let hi = end;
  for (let k = 0; k < 40 && hi - lo > 1e-4; k++) {
    const mid = (lo + hi) / 2;
    if (upTo(mid) >= 1) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * How long the k6 run of a `--summary-export` file ran, ms: `state.testRunDurationMs` where k6
 * writes it, else count / rate of a counter (k6 v1 writes only `metrics`; a counter's rate is
 * its count over the test run's duration).
 */
export async function readSummaryExport(file: string): Promise<number> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (err: unknown) {
    throw new StampedeError(
      'E_K6_INPUT',
      `--summary-export ${file}: not a k6 summary (${errorMessage(err)})`,
    );
  }
  const d = doc as {
    state?: { testRunDurationMs?: unknown };
    metrics?: Record<string, { count?: unknown; rate?: unknown }>;
  } | null;
  const ms = d?.state?.testRunDurationMs;
  if (typeof ms === 'number' && Number.isFinite(ms)) return ms;
  for (const name of ['iterations', 'http_reqs', 'stampede_sessions']) {
    const m = d?.metrics?.[name];
    if (typeof m?.count === 'number' && typeof m.rate === 'number' && m.rate > 0)
      return (m.count / m.rate) * 1000;
  }
  throw new StampedeError(
    'E_K6_INPUT',
    `--summary-export ${file}: neither state.testRunDurationMs nor a counter's count and rate (not k6 --summary-export output?)`,
  );
}

function fmtS(s: number): string {
  return `${Number(s.toFixed(1))}s`;
}

/** The RunEnd of an import: aborted when the run stopped short of its plan. */
export function k6RunEnd(input: RunEndInput): RunEnd {
  const degraded = [...input.degraded];
  const inFlight =
    input.unfinished > 0 ? `; ${input.unfinished} session(s) were in flight and never finished` : '';
  const slackS = Math.max(2, (2 * input.intervalMs) / 1000);
  if (input.profile) {
    const due = plannedLastArrivalS(input.profile, input.instances);
    const ranS =
      input.testRunDurationMs !== undefined
        ? input.testRunDurationMs / 1000
        : (input.lastPointMs - input.firstArrivalMs) / 1000 +
          plannedFirstArrivalS(input.profile, input.instances);
    const how = input.testRunDurationMs !== undefined ? 'k6 --summary-export' : 'last point';
    if (Number.isFinite(ranS) && ranS < due - slackS) {
      return {
        aborted: true,
        abortReason: `k6 run stopped at ${fmtS(ranS)} of the planned ${fmtS(due)} (last arrival due; ${how})${inFlight}`,
        degraded,
      };
    }
  }
  if (input.unfinished > 0) {
    degraded.push(
      `${input.unfinished} session(s) started and never finished (interrupted by k6's gracefulStop or an abort)`,
    );
  }
  return { aborted: false, abortReason: null, degraded };
}
