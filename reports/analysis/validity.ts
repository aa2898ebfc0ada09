/**
 * Run validity (docs/measurement.md#validity): whether a run's figures can be trusted as they
 * stand. One list of problems for every cause, each with its figures and a sentence:
 * - `target-errors`: target code (user code) threw; those steps measured nothing of the backend;
 * - `worker-lost`: a worker died on its own and part of the arrival stream went undriven;
 * - `schedule-late`: the generator did not keep its schedule, past `SCHEDULE_BOUNDS`.
 * The report shows them at the top; gates fail while the list is non-empty.
 */
import type { SeriesRow } from '../run-dir/series-row.js';
import type { LatencyStats, LostWorker, Validity, ValidityProblem } from '../run-dir/summary.js';

/**
 * Past these the generator counts as late. Latency is measured from the schedule anyway, so a
 * late send is not hidden; but a generator late by this much no longer offers the planned load.
 * - lateness p99 above 10 ms (the target is < 1 ms; 10 ms is a whole loopback request),
 * - any send more than 500 ms late (half an interval at the default 1 s),
 * - an interval whose event-loop delay p99 passed 50 ms on any shard,
 * - a shard busy at least 95 % of `busyIntervals` consecutive intervals (CPU-saturated).
 */
export const SCHEDULE_BOUNDS = {
  latenessP99Ms: 10,
  latenessMaxMs: 500,
  loopDelayP99Ms: 50,
  busy: 0.95,
  busyIntervals: 3,
} as const;

/** What validity is judged on. */
export interface ValidityInput {
  /** Target-code error messages with their counts (from the snapshots). */
  readonly targetErrorMessages: Readonly<Record<string, number>>;
  /** Attempts or finals of class `target-error`, every step. */
  readonly targetErrorCount: number;
  /** Workers that died on their own, each with the share of the arrival stream it left undriven. */
  readonly workersLost: readonly LostWorker[];
  readonly lateness: LatencyStats | null;
  readonly maxLatenessMs: number;
  readonly loopDelayP99UsMax: number | null;
  readonly busyMax: number | null;
  readonly rows: readonly SeriesRow[];
}

function busyStretch(rows: readonly SeriesRow[]): number {
  let run = 0;
  let longest = 0;
  for (const r of rows) {
    run = r.health !== null && r.health.busy >= SCHEDULE_BOUNDS.busy ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

function scheduleLate(v: ValidityInput): ValidityProblem | null {
  const why: string[] = [];
  const p99 = v.lateness?.p99 ?? null;
  if (p99 !== null && p99 > SCHEDULE_BOUNDS.latenessP99Ms)
    why.push(`lateness p99 ${p99} ms > ${SCHEDULE_BOUNDS.latenessP99Ms} ms`);
  if (v.maxLatenessMs > SCHEDULE_BOUNDS.latenessMaxMs)
    why.push(`lateness max ${v.maxLatenessMs} ms > ${SCHEDULE_BOUNDS.latenessMaxMs} ms`);
  const loopMs = v.loopDelayP99UsMax === null ? null : v.loopDelayP99UsMax / 1000;
  if (loopMs !== null && loopMs > SCHEDULE_BOUNDS.loopDelayP99Ms)
    why.push(`event-loop delay p99 ${loopMs} ms > ${SCHEDULE_BOUNDS.loopDelayP99Ms} ms`);
  const stretch = busyStretch(v.rows);
  if (stretch >= SCHEDULE_BOUNDS.busyIntervals)
    why.push(`a shard was busy >= ${SCHEDULE_BOUNDS.busy * 100} % for ${stretch} intervals`);
  if (why.length === 0) return null;
  return {
    kind: 'schedule-late',
    latenessP99Ms: p99,
    latenessMaxMs: v.maxLatenessMs,
    loopDelayP99Ms: loopMs,
    busyMax: v.busyMax,
    message: `the generator did not keep its schedule (${why.join('; ')}): the offered load was lower than planned`,
  };
}

/** The run's validity. */
export function judgeValidity(v: ValidityInput): Validity {
  const problems: ValidityProblem[] = [];
  let listed = 0;
  for (const k in v.targetErrorMessages) listed += v.targetErrorMessages[k] ?? 0;
  const count = Math.max(listed, v.targetErrorCount);
  if (count > 0) {
    const first = Object.keys(v.targetErrorMessages)[0];
    problems.push({
      kind: 'target-errors',
      count,
      messages: { ...v.targetErrorMessages },
      message:
        `target code threw ${count} time(s)` +
        (first === undefined ? '' : ` (first: ${first})`) +
        ': those steps measured the test, not the backend',
    });
  }
  if (v.workersLost.length > 0) {
    let share = 0;
    for (const w of v.workersLost) share += w.lostShare;
    const lostShare = Math.round(share * 1e6) / 1e6;
    const reasons = [...new Set(v.workersLost.map((w) => w.reason))].join('; ');
    problems.push({
      kind: 'worker-lost',
      workersLost: v.workersLost.length,
      lostShare,
      workers: v.workersLost.map((w) => ({ ...w })),
      message: `${v.workersLost.length} worker(s) lost (${reasons}): ${Math.round(lostShare * 1000) / 10} % of the arrival stream went undriven`,
    });
  }
  const late = scheduleLate(v);
  if (late !== null) problems.push(late);
  return { valid: problems.length === 0, problems };
}
