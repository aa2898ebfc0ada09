/**
 * What a simulation found, beyond what summary.json already says: when the admin pool fell behind
 * in each region and how long each take-down drained there (the run's own analysis on each
 * region's reset requests, harness/simulate/region-fall-behind.ts), beside the run's take-downs,
 * fall-behind and metastability hints read from the summary, and the figures a sweep compares
 * (retry amplification, goodput, peak backlog). Written as `simulation.json` in the run directory
 * (readers of run directories ignore files they do not know) and as text lines.
 */
import { join } from 'node:path';
import { jsonText, writeFileAtomic } from '../../reports/run-dir/atomic-write.js';
import type { MetastableHint, TakeDown } from '../../reports/run-dir/summary.js';
import type { Profile } from '../profile/profile.js';
import { type RegionFallBehind, regionFallBehind } from './region-fall-behind.js';
import { clockText } from './simulate-progress.js';
import type { SimulationResult } from './simulate-run.js';
import { type TakeDownBacklog, takedownBacklogs, takedownBacklogText } from './takedown-backlogs.js';

/** File name of the findings in the run directory. */
export const FINDINGS_FILE = 'simulation.json';

/** `simulation.json`. */
export interface SimulationFindings {
  readonly regions: readonly RegionFallBehind[];
  /** The run's take-downs (summary.json `takedowns`: every step's backlog and latency). */
  readonly takedowns: readonly TakeDown[];
  /** Per take-down: users in backoff, admin queue and mail outbox at its start and end. */
  readonly backlogs: readonly TakeDownBacklog[];
  /** The run's metastability hints (summary.json `metastable`); empty when none. */
  readonly metastable: readonly MetastableHint[];
  /** Earliest reset-request fall-behind of any region, seconds from t0; null = none fell behind. */
  readonly fallBehindOnsetS: number | null;
  /** Peak backlog of the run (summary.json `backlog.peakTotal`: at the model + queued in the client). */
  readonly peakBacklog: number;
  /** Attempts per first attempt, all steps. */
  readonly retryAmplification: number;
  /** Sessions whose every step succeeded, per arrival offered. */
  readonly goodput: number;
  readonly sessions: number;
  /** Arrivals turned away by the in-flight cap (`--max-in-flight`); 0 without a cap. */
  readonly dropped: number;
  readonly alarmsFired: number;
  readonly wallS: number;
}

/** The findings of `r` (a finished simulation of `profile`). */
export function findingsOf(r: SimulationResult, profile: Profile): SimulationFindings {
  const { meta, summary } = r.data;
  const regions = regionFallBehind(
    r.regions,
    meta,
    profile.regions.map((x) => x.name),
  );
  let attempts = 0;
  let firsts = 0;
  for (const s of Object.values(summary.steps)) {
    attempts += s.offered;
    firsts += s.offered - s.retries;
  }
  const onsets = regions.flatMap((x) => (x.fellBehind ? [x.fellBehind.atS] : []));
  return {
    regions,
    takedowns: summary.takedowns,
    backlogs: takedownBacklogs(r.data),
    metastable: summary.metastable ?? [],
    fallBehindOnsetS: onsets.length > 0 ? Math.min(...onsets) : null,
    peakBacklog: summary.backlog.peakTotal,
    retryAmplification: firsts > 0 ? round(attempts / firsts, 4) : 0,
    goodput: summary.arrivals > 0 ? round((summary.succeeded ?? 0) / summary.arrivals, 4) : 0,
    sessions: summary.arrivals,
    dropped: summary.dropped,
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
const drained = (d: TakeDown): string =>
  d.drainS === null ? 'the backlog never drained' : `drained ${Math.round(d.drainS)} s after its end`;

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
    for (const d of r.takedowns) out.push(`  ${''.padEnd(10)} take-down ${d.name}: ${drained(d)}`);
  }
  if (f.takedowns.length > 0) out.push('', 'Take-downs (every step)');
  for (const d of f.takedowns) {
    out.push(
      `  ${d.name.padEnd(16)} ${clockText(d.startS)}-${clockText(d.endS)}: backlog ${d.backlogAtStart.toLocaleString('en-US')} at its start, ` +
        `${d.responses503.toLocaleString('en-US')} x 503; ${drained(d)}`,
    );
    const b = f.backlogs.find((x) => x.name === d.name);
    if (b) out.push(`  ${''.padEnd(16)} ${takedownBacklogText(b)}`);
  }
  out.push(
    '',
    f.metastable.length === 0
      ? 'Metastability: no step stayed degraded below the load it had sustained'
      : 'Metastability: steps that stayed degraded below the load they had sustained',
  );
  for (const m of f.metastable) {
    out.push(
      `  METASTABLE ${m.step} from ${clockText(m.atS)} after a ${m.after}: ${m.offeredRatePerS}/s new requests offered, ${m.sustainedRatePerS}/s sustained before`,
    );
  }
  if (f.dropped > 0) {
    const share = ((f.dropped / Math.max(1, f.sessions)) * 100).toFixed(1);
    out.push(
      '',
      `IN-FLIGHT CAP: ${f.dropped.toLocaleString('en-US')} of the arrivals (${share} %) were turned away by the cap on sessions in flight, not by the service`,
    );
  }
  out.push(
    '',
    `peak backlog ${f.peakBacklog.toLocaleString('en-US')}  retry amplification ${f.retryAmplification}  goodput ${(f.goodput * 100).toFixed(1)} %  ` +
      `${f.sessions.toLocaleString('en-US')} sessions, ${f.alarmsFired.toLocaleString('en-US')} clock events, ${f.wallS} s wall`,
  );
  return `${out.join('\n')}\n`;
}
