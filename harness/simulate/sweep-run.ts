/**
 * A sweep: one simulation per value of one capacity key, each writing its own run directory
 * (`<out>/<key>-<value>/`), then `sweep.json`, `sweep.txt` (the table) and `sweep.html` (inline
 * SVG charts) in `<out>` of fall-behind onset, peak backlog, each take-down's drain time, retry
 * amplification and goodput against the value, naming the smallest value for which no region
 * fell behind.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonText, writeFileAtomic } from '../../reports/run-dir/atomic-write.js';
import type { Profile } from '../profile/profile.js';
import { simulate } from './simulate-run.js';
import { findingsOf, type SimulationFindings, writeFindings } from './simulation-findings.js';
import { sweepHtml } from './sweep-html.js';
import type { SweepPlan } from './sweep-plan.js';
import { sweepTable } from './sweep-table.js';

/** One value's row. */
export interface SweepPoint {
  readonly value: number;
  readonly dir: string;
  readonly fallBehindOnsetS: number | null;
  readonly peakBacklog: number;
  /** Drain seconds per take-down, in the profile's order (null = never drained). */
  readonly drainS: readonly (number | null)[];
  readonly retryAmplification: number;
  readonly goodput: number;
}

/** `sweep.json`. */
export interface SweepResult {
  readonly profile: string;
  readonly key: string;
  readonly rule: string;
  readonly takeDowns: readonly string[];
  readonly points: readonly SweepPoint[];
  /** Smallest value for which no region fell behind; null when every value fell behind. */
  readonly smallestKeepingUp: number | null;
}

/** A sweep to run. */
export interface SweepOptions {
  readonly profile: Profile;
  readonly capacity: Readonly<Record<string, number>>;
  readonly plan: SweepPlan;
  readonly outDir: string;
  readonly drainS: number;
  readonly t0EpochMs?: number;
  readonly line?: (s: string) => void;
  readonly signal?: AbortSignal;
}

/** Runs every value in turn; returns (and writes) the sweep. */
export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const points: SweepPoint[] = [];
  for (const value of o.plan.values) {
    if (o.signal?.aborted) break;
    const dir = join(o.outDir, `${o.plan.key}-${value}`);
    o.line?.(`sweep ${o.plan.key}=${value}: simulating into ${dir}`);
    const r = await simulate({
      profile: o.profile,
      capacity: { ...o.capacity, [o.plan.key]: value },
      outDir: dir,
      drainS: o.drainS,
      ...(o.t0EpochMs !== undefined ? { t0EpochMs: o.t0EpochMs } : {}),
      settings: { sweepKey: o.plan.key, sweepValue: value },
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const f: SimulationFindings = findingsOf(r, o.profile);
    await writeFindings(dir, f);
    points.push({
      value,
      dir,
      fallBehindOnsetS: f.fallBehindOnsetS,
      peakBacklog: f.peakBacklog,
      drainS: f.takedowns.map((d) => d.drainS),
      retryAmplification: f.retryAmplification,
      goodput: f.goodput,
    });
  }
  const keeping = points.filter((p) => p.fallBehindOnsetS === null).map((p) => p.value);
  const result: SweepResult = {
    profile: o.profile.name,
    key: o.plan.key,
    rule: o.plan.rule,
    takeDowns: o.profile.outages.map((x) => x.name),
    points,
    smallestKeepingUp: keeping.length > 0 ? Math.min(...keeping) : null,
  };
  await writeFileAtomic(join(o.outDir, 'sweep.json'), jsonText(result));
  await writeFile(join(o.outDir, 'sweep.txt'), sweepTable(result));
  await writeFile(join(o.outDir, 'sweep.html'), sweepHtml(result));
  return result;
}
