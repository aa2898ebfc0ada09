/**
 * Metastability checks (Bronson et al., HotOS 2021): after each take-down and each drop in
 * offered load, did the step that does the slow work (the reset request) return to baseline, and
 * did it stay degraded while its demand was below its capacity (the sign of a metastable
 * failure: the retries, not the users, keep it overloaded)?
 *
 * Events: every outage window's end, and every interval whose planned arrival rate is at least
 * `DROP` below the previous interval's (a phase or step boundary; smooth ramps do not count).
 * After each event (looking to the run's end):
 * - kept up: the first of `HEALTH.window` intervals that keep up (step-health.ts);
 * - backlog: the first of `HEALTH.window` intervals whose backlog (requests at the target or
 *   queued plus sessions in backoff) is at most max(2 x baseline, baseline + 10), baseline being
 *   the median backlog of the intervals that kept up outside outages;
 * - latency: the first of `HEALTH.window` intervals whose p99 is at most 5 x the baseline p99 or
 *   within 10 ms of it (the fall-behind thresholds), baseline the median p99 of the first five
 *   intervals that kept up;
 * - degraded below capacity: `HEALTH.window` or more consecutive behind intervals whose demand
 *   (offered minus retries, per second) was below the step's capacity, before it kept up again
 *   and before the next event (a stretch is the latest event's).
 */
import type { SeriesRow } from '../../reports/run-dir/series-row.js';
import { behindSeries, firstSustained, HEALTH, stepCounts } from './step-health.js';

/** Share by which the planned rate must fall from one interval to the next to be a drop. */
export const DROP = 0.1;

/** What happened after one event. */
export interface RecoveryCheck {
  readonly kind: 'take-down' | 'load-drop';
  readonly name: string;
  /** Seconds from t0 of the event (window end, or the drop). */
  readonly atS: number;
  /** Seconds from t0 when the step kept up / the backlog / the p99 was back; null = never in the run. */
  readonly keptUpAtS: number | null;
  readonly backlogBaselineAtS: number | null;
  readonly latencyBaselineAtS: number | null;
  /** Start of a degraded stretch below capacity, or null: the metastability flag. */
  readonly degradedBelowCapacityFromS: number | null;
}

/** The checks of one step of a run. */
export interface MetastabilityInput {
  readonly rows: readonly SeriesRow[];
  readonly step: number;
  readonly intervalS: number;
  /** Backlog gauge per interval (same index as rows). */
  readonly backlog: readonly number[];
  readonly plannedRatePerS: readonly number[];
  readonly outages: readonly { readonly name: string; readonly startS: number; readonly durationS: number }[];
  /** The step's capacity, requests/s (the admin pool: workers / service time). */
  readonly capacityPerS: number;
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Every event's check, in time order. */
export function metastability(input: MetastabilityInput): RecoveryCheck[] {
  const { rows, step, intervalS, backlog } = input;
  const counts = stepCounts(rows, step);
  const behind = behindSeries(counts);
  const inOutage = (i: number): boolean =>
    input.outages.some((o) => i * intervalS >= o.startS && i * intervalS < o.startS + o.durationS);
  const healthy = rows.map((_, i) => !behind[i] && !inOutage(i));
  const baseBacklog = median(backlog.filter((_, i) => healthy[i]));
  const backlogOk = Math.max(2 * baseBacklog, baseBacklog + 10);
  const p99s = rows.flatMap((r, i) =>
    healthy[i] && r.steps[step]?.latencyMs ? [r.steps[step]!.latencyMs!.p99] : [],
  );
  const baseP99 = median(p99s.slice(0, 5));
  const latencyOk = (i: number): boolean => {
    const p = rows[i]?.steps[step]?.latencyMs?.p99;
    return p === undefined || p <= baseP99 * 5 || p - baseP99 < 10;
  };

  const events: { kind: RecoveryCheck['kind']; name: string; i: number }[] = [];
  for (const o of input.outages)
    events.push({
      kind: 'take-down',
      name: o.name,
      i: Math.ceil((o.startS + o.durationS) / intervalS - 1e-9),
    });
  for (let i = 1; i < input.plannedRatePerS.length; i++) {
    const prev = input.plannedRatePerS[i - 1]!;
    if (prev > 0 && input.plannedRatePerS[i]! < prev * (1 - DROP))
      events.push({
        kind: 'load-drop',
        name: `${Math.round(prev)} -> ${Math.round(input.plannedRatePerS[i]!)}/s`,
        i,
      });
  }
  events.sort((a, b) => a.i - b.i);
  const at = (i: number): number | null => (i < 0 ? null : Math.round(i * intervalS * 1000) / 1000);
  const n = rows.length;
  return events.map((e, k) => {
    const keptUp = firstSustained(n, e.i, (i) => !behind[i]);
    // A degraded stretch belongs to the latest event before it: scan up to the next event.
    const until = Math.min(keptUp < 0 ? n : keptUp, events[k + 1]?.i ?? n);
    let run = 0;
    let degraded = -1;
    for (let i = e.i; i < until && degraded < 0; i++) {
      const c = counts[i]!;
      const demandPerS = (c.offered - c.retries) / intervalS;
      run = behind[i] && !inOutage(i) && demandPerS < input.capacityPerS ? run + 1 : 0;
      if (run >= HEALTH.window) degraded = i - HEALTH.window + 1;
    }
    return {
      kind: e.kind,
      name: e.name,
      atS: at(e.i)!,
      keptUpAtS: at(keptUp),
      backlogBaselineAtS: at(firstSustained(n, e.i, (i) => (backlog[i] ?? 0) <= backlogOk)),
      latencyBaselineAtS: at(firstSustained(n, e.i, latencyOk)),
      degradedBelowCapacityFromS: at(degraded),
    };
  });
}
