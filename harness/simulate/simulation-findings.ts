/**
 * What a simulation found, beyond summary.json: when the admin pool fell behind in each region,
 * each take-down judged on the regions it took down, the metastability checks, and the figures a
 * sweep compares (retry amplification, goodput, peak backlog). Written as `simulation.json` in the
 * run directory (readers of run directories ignore files they do not know) and as text lines.
 */
import { join } from 'node:path';
import { jsonText, writeFileAtomic } from '../../reports/run-dir/atomic-write.js';
import type { Profile } from '../profile/profile.js';
import { metastability, type RecoveryCheck } from './metastability.js';
import { type RegionFallBehind, regionFallBehind } from './region-fall-behind.js';
import { clockText } from './simulate-progress.js';
import type { SimulationResult } from './simulate-run.js';
import { stepCounts, tallyCounts } from './step-health.js';
import { sumCounts, type TakeDown, takeDowns } from './take-downs.js';

/** File name of the findings in the run directory. */
export const FINDINGS_FILE = 'simulation.json';

/** `simulation.json`. */
export interface SimulationFindings {
  readonly regions: readonly RegionFallBehind[];
  readonly takeDowns: readonly TakeDown[];
  readonly metastability: readonly RecoveryCheck[];
  /** Earliest reset-request fall-behind of any region, seconds from t0; null = none fell behind. */
  readonly fallBehindOnsetS: number | null;
  /** Largest backlog gauge of the run (requests at the model or queued + sessions in backoff). */
  readonly peakBacklog: number;
  /** Attempts per first attempt, all steps. */
  readonly retryAmplification: number;
  /** Sessions whose every step succeeded, per arrival offered. */
  readonly goodput: number;
  readonly sessions: number;
  readonly alarmsFired: number;
  readonly wallS: number;
}

/** The findings of `r` (a finished simulation of `profile`). */
export function findingsOf(r: SimulationResult, profile: Profile): SimulationFindings {
  const { meta, series, summary } = r.data;
  const intervalS = meta.intervalMs / 1000;
  const regions = regionFallBehind(
    r.regions,
    meta,
    profile.regions.map((x) => x.name),
  );
  const resetStep = meta.steps.indexOf('reset-request');
  const global = resetStep >= 0 ? stepCounts(series, resetStep) : [];
  const downs = takeDowns(meta.outages, intervalS, global, (names) => {
    const parts = (names.length === 0 ? [...r.regions.keys()] : names).flatMap((n) => {
      const t = r.regions.get(n);
      return t ? [tallyCounts(t)] : [];
    });
    return parts.length > 0 ? sumCounts(parts) : null;
  });
  const checks =
    resetStep < 0
      ? []
      : metastability({
          rows: series,
          step: resetStep,
          intervalS,
          backlog: r.backlog,
          plannedRatePerS: meta.plannedRatePerS,
          outages: meta.outages,
          capacityPerS: (r.config.adminWorkers * 1000) / Math.max(1e-9, r.config.resetServiceMs),
        });
  let attempts = 0;
  let firsts = 0;
  for (const s of Object.values(summary.steps)) {
    attempts += s.offered;
    firsts += s.offered - s.retries;
  }
  const onsets = regions.flatMap((x) => (x.fellBehind ? [x.fellBehind.atS] : []));
  return {
    regions,
    takeDowns: downs,
    metastability: checks,
    fallBehindOnsetS: onsets.length > 0 ? Math.min(...onsets) : null,
    peakBacklog: Math.max(0, ...r.backlog),
    retryAmplification: firsts > 0 ? round(attempts / firsts, 4) : 0,
    goodput: summary.arrivals > 0 ? round(r.succeeded / summary.arrivals, 4) : 0,
    sessions: summary.arrivals,
    alarmsFired: r.alarmsFired,
    wallS: round(r.wallS, 2),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Writes `simulation.json` into the run directory. */
export async function writeFindings(dir: string, f: SimulationFindings): Promise<void> {
  await writeFileAtomic(join(dir, FINDINGS_FILE), jsonText(f));
}

const t = (s: number | null): string => (s === null ? 'never' : clockText(s));

/** The findings as text lines for the terminal. */
export function findingsText(f: SimulationFindings): string {
  const out: string[] = ['', 'Admin pool (reset-request) by region'];
  for (const r of f.regions) {
    const b = r.fellBehind;
    out.push(
      b
        ? `  ${r.region.padEnd(10)} fell behind at ${clockText(b.atS)} (${b.offeredRatePerS}/s new requests offered, ${b.achievedRatePerS}/s ok), kept up again: ${t(b.recoveredAtS)}`
        : `  ${r.region.padEnd(10)} kept up`,
    );
  }
  if (f.takeDowns.length > 0) out.push('', 'Take-downs');
  for (const d of f.takeDowns) {
    const where = d.regions.length > 0 ? d.regions.join(',') : 'all';
    out.push(
      `  ${d.name.padEnd(16)} [${where}] ${clockText(d.startS)}-${clockText(d.endS)}: ${d.behindAtStart ? 'behind at its start' : 'keeping up at its start'}; ` +
        (d.drainS === null ? 'the backlog never drained' : `drained ${Math.round(d.drainS)} s after its end`),
    );
  }
  const flagged = f.metastability.filter((c) => c.degradedBelowCapacityFromS !== null);
  out.push(
    '',
    `Recovery after ${f.metastability.length} take-down end(s) and load drop(s): ${flagged.length} stayed degraded below capacity`,
  );
  for (const c of f.metastability) {
    const flag =
      c.degradedBelowCapacityFromS === null
        ? ''
        : `  METASTABLE: degraded below capacity from ${clockText(c.degradedBelowCapacityFromS)}`;
    out.push(
      `  ${c.kind.padEnd(9)} ${c.name.padEnd(16)} at ${clockText(c.atS)}: kept up ${t(c.keptUpAtS)}, backlog ${t(c.backlogBaselineAtS)}, p99 ${t(c.latencyBaselineAtS)}${flag}`,
    );
  }
  out.push(
    '',
    `peak backlog ${f.peakBacklog.toLocaleString('en-US')}  retry amplification ${f.retryAmplification}  goodput ${(f.goodput * 100).toFixed(1)} %  ` +
      `${f.sessions.toLocaleString('en-US')} sessions, ${f.alarmsFired.toLocaleString('en-US')} clock events, ${f.wallS} s wall`,
  );
  return `${out.join('\n')}\n`;
}
