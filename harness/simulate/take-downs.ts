/**
 * Take-downs of a run: for each planned outage window, whether and when the step that did the
 * backend's slow work (the reset request: the admin pool) kept up again after the window closed.
 * The drain time is the time from the window's end to the first of `HEALTH.window` consecutive
 * intervals that keep up (harness/simulate/step-health.ts), null when it never did before the
 * run ended. Read from a step series, it works alike on a real run directory and a simulated one
 * (the validation test holds them against each other); on the simulation's per-region tallies
 * it judges each window by the regions it took down.
 */
import type { RunMeta } from '../../reports/run-dir/run-meta.js';
import { behindSeries, firstSustained, type StepCounts } from './step-health.js';

/** One take-down's figures. */
export interface TakeDown {
  readonly name: string;
  readonly regions: readonly string[];
  readonly startS: number;
  readonly endS: number;
  /** Was the step behind in the interval before the window opened (a backlog to drain)? */
  readonly behindAtStart: boolean;
  /** Seconds from the window's end until the step kept up again; null = never did. */
  readonly drainS: number | null;
}

/**
 * Take-downs judged on `series` (one step, one entry per interval of `intervalS`). `seriesOf`
 * picks another series for a window (its regions' tallies); absent = `series` for every window.
 */
export function takeDowns(
  outages: RunMeta['outages'],
  intervalS: number,
  series: readonly StepCounts[],
  seriesOf?: (regions: readonly string[]) => readonly StepCounts[] | null,
): TakeDown[] {
  return outages.map((o) => {
    const s = seriesOf?.(o.regions) ?? series;
    const behind = behindSeries(s);
    const startI = Math.floor(o.startS / intervalS);
    const endS = o.startS + o.durationS;
    const endI = Math.ceil(endS / intervalS - 1e-9);
    const kept = firstSustained(s.length, endI, (i) => !behind[i]);
    return {
      name: o.name,
      regions: o.regions,
      startS: o.startS,
      endS,
      behindAtStart: startI > 0 && behind[startI - 1] === true,
      drainS: kept < 0 ? null : Math.max(0, kept * intervalS - endS),
    };
  });
}

/** Sums series entry by entry (the tallies of several regions). */
export function sumCounts(parts: readonly (readonly StepCounts[])[]): StepCounts[] {
  const n = Math.max(0, ...parts.map((p) => p.length));
  const out: StepCounts[] = [];
  for (let i = 0; i < n; i++) {
    let offered = 0;
    let retries = 0;
    const outcomes: number[] = [];
    for (const p of parts) {
      const c = p[i];
      if (!c) continue;
      offered += c.offered;
      retries += c.retries;
      c.outcomes.forEach((v, k) => {
        outcomes[k] = (outcomes[k] ?? 0) + v;
      });
    }
    out.push({ offered, retries, outcomes });
  }
  return out;
}
