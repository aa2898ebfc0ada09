/**
 * Judges a candidate run against a base run on everything a release meeting looks at, each
 * figure with its own limit (`compare-thresholds.ts`): per step the final error rate (all
 * classes and each class), throughput, ok latency, user wait and the fall-behind onset; per flow
 * the goodput and the dropped share; for the run the same totals; per take-down its drain. Pure:
 * two `RunData` in, plain data out for the renderers. Errors are judged by their rate, never by
 * their speed: latency is that of the ok answers only.
 */
import type { Histogram } from 'hdr-histogram-js';
import type { RunData } from '../run-dir/run-data.js';
import type { StepSummary } from '../run-dir/summary.js';
import type { CompareThresholds } from './compare-thresholds.js';
import {
  type FigureVerdict,
  figureName,
  type JudgedFigure,
  judgeDrain,
  judgeOnset,
  judgeRate,
  judgeShare,
} from './judged-figure.js';
import { COMPARE_METHOD, type IntervalPercentiles, judgeLatency, type Verdict } from './latency-verdict.js';
import { generatorDelayMs, intervals, outcomesOf, share, windowS } from './run-figures.js';
import type { RunMatch } from './run-match.js';

/** Who a run is, as every output names it. */
export interface RunIdentity {
  readonly dir: string;
  readonly profile: string;
  readonly startedAt: string;
  readonly target: string;
  readonly engine: string;
  readonly latencyModel: string;
}

/** The whole comparison. */
export interface Comparison {
  /** Refusals overridden by `--allow-mismatch` (empty otherwise); every output shows them first. */
  readonly mismatch: readonly string[];
  /** Differences that do not prevent the comparison (engine, target, settings). */
  readonly notes: readonly string[];
  readonly method: string;
  readonly thresholds: CompareThresholds;
  readonly base: RunIdentity;
  readonly candidate: RunIdentity;
  /** One row per judged figure. */
  readonly figures: readonly JudgedFigure[];
  /** Names of the regressed figures (`login error rate`, ...). */
  readonly regressions: readonly string[];
  readonly regressed: boolean;
}

const FIGURE_OF: Readonly<Record<Verdict, FigureVerdict>> = {
  improved: 'improved',
  regressed: 'regressed',
  'no significant change': 'ok',
  'no data': 'no data',
};

function latencyRow(
  subject: string,
  figure: string,
  hb: Histogram,
  hc: Histogram,
  ib: IntervalPercentiles,
  ic: IntervalPercentiles,
  maxIncrease: number,
  t: CompareThresholds,
  floorMs: number,
): JudgedFigure {
  const minShiftMs = Math.round(Math.max(t.minShiftMs, floorMs) * 1000) / 1000;
  const v = judgeLatency(
    hb,
    hc,
    { maxRegression: maxIncrease, alpha: t.alpha, minShiftMs },
    { base: ib, candidate: ic },
  );
  return {
    scope: 'step',
    subject,
    figure,
    unit: 'ms',
    base: v.p50Ms.base,
    candidate: v.p50Ms.candidate,
    delta: v.verdict === 'no data' ? null : 100 * v.shift,
    deltaUnit: '%',
    limit: `+${Number((100 * maxIncrease).toPrecision(3))}% and ${minShiftMs}ms`,
    verdict: FIGURE_OF[v.verdict],
    detail: `p50 shown, delta is the Hodges-Lehmann shift; p99 ${v.p99Ms.base ?? '-'} -> ${v.p99Ms.candidate ?? '-'}ms; ${v.reason}`,
  };
}

function stepRows(base: RunData, candidate: RunData, step: string, t: CompareThresholds): JudgedFigure[] {
  const floorMs = Math.max(generatorDelayMs(base), generatorDelayMs(candidate));
  const sb = base.summary.steps[step];
  const sc = candidate.summary.steps[step];
  const ob = outcomesOf(sb);
  const oc = outcomesOf(sc);
  const rows: JudgedFigure[] = [];
  const errors = (figure: string, failed: (cls: string) => boolean) =>
    judgeShare({
      scope: 'step',
      subject: step,
      figure,
      base: share(ob, failed),
      candidate: share(oc, failed),
      maxIncreasePts: t.maxErrorIncrease,
      minZ: t.minZ,
    });
  rows.push(errors('error rate', (c) => c !== 'ok'));
  const classes = new Set([...Object.keys(ob ?? {}), ...Object.keys(oc ?? {})]);
  for (const cls of [...classes].sort()) {
    if (cls === 'ok' || ((ob?.[cls] ?? 0) === 0 && (oc?.[cls] ?? 0) === 0)) continue;
    rows.push(errors(`error rate ${cls}`, (c) => c === cls));
  }
  const okRate = (run: RunData, s: StepSummary | undefined) =>
    s === undefined ? null : { count: s.ok, seconds: windowS(run), per: run.summary.arrivals };
  rows.push(
    judgeRate({
      scope: 'step',
      subject: step,
      figure: 'throughput',
      base: okRate(base, sb),
      candidate: okRate(candidate, sc),
      maxDrop: t.maxThroughputDrop,
      minZ: t.minZ,
    }),
  );
  const ib = base.meta.steps.indexOf(step);
  const ic = candidate.meta.steps.indexOf(step);
  const hist = (run: RunData, i: number) => run.histograms[i];
  const hb = hist(base, ib);
  const hc = hist(candidate, ic);
  // Version-1 runs kept no ok-only latency: fall back to every answer's, and say so.
  const v1 = sb?.latencyOkMs === null || sc?.latencyOkMs === null;
  if (hb && hc) {
    rows.push(
      latencyRow(
        step,
        v1 ? 'latency (all answers: a version-1 run)' : 'ok latency',
        v1 ? hb.latency : hb.latencyOk,
        v1 ? hc.latency : hc.latencyOk,
        intervals(base, ib, 'latencyOkMs'),
        intervals(candidate, ic, 'latencyOkMs'),
        t.maxLatencyIncrease,
        t,
        floorMs,
      ),
    );
    if (sb?.userWaitMs !== null && sc?.userWaitMs !== null) {
      rows.push(
        latencyRow(
          step,
          'user wait',
          hb.userWait,
          hc.userWait,
          intervals(base, ib, 'userWaitMs'),
          intervals(candidate, ic, 'userWaitMs'),
          t.maxWaitIncrease,
          t,
          floorMs,
        ),
      );
    }
  }
  const onset = (run: RunData) =>
    run.summary.fellBehind?.find((f) => f.step === step)?.offeredRatePerS ?? null;
  rows.push(judgeOnset(step, onset(base), onset(candidate), t.maxOnsetDrop));
  return rows;
}

function flowRows(base: RunData, candidate: RunData, t: CompareThresholds): JudgedFigure[] {
  const fb = base.summary.flows;
  const fc = candidate.summary.flows;
  if (fb === null || fc === null) return [];
  const rows: JudgedFigure[] = [];
  for (const name of [...new Set([...Object.keys(fb), ...Object.keys(fc)])]) {
    const b = fb[name];
    const c = fc[name];
    rows.push(
      judgeRate({
        scope: 'flow',
        subject: name,
        figure: 'goodput',
        base: b ? { count: b.succeeded, seconds: windowS(base), per: b.arrivals } : null,
        candidate: c ? { count: c.succeeded, seconds: windowS(candidate), per: c.arrivals } : null,
        maxDrop: t.maxGoodputDrop,
        minZ: t.minZ,
      }),
      judgeShare({
        scope: 'flow',
        subject: name,
        figure: 'dropped',
        base: b ? { k: b.dropped, n: b.arrivals } : null,
        candidate: c ? { k: c.dropped, n: c.arrivals } : null,
        maxIncreasePts: t.maxDroppedIncrease,
        minZ: t.minZ,
      }),
    );
  }
  return rows;
}

function runRows(base: RunData, candidate: RunData, t: CompareThresholds): JudgedFigure[] {
  const all = (run: RunData) => {
    const counts: Record<string, number> = {};
    for (const s of Object.values(run.summary.steps)) {
      for (const [k, n] of Object.entries(outcomesOf(s) ?? {})) counts[k] = (counts[k] ?? 0) + n;
    }
    return counts;
  };
  const cb = all(base);
  const cc = all(candidate);
  const perS = (run: RunData, count: number | null) =>
    count === null ? null : { count, seconds: windowS(run), per: run.summary.arrivals };
  return [
    judgeShare({
      scope: 'run',
      subject: 'run',
      figure: 'error rate',
      base: share(cb, (c) => c !== 'ok'),
      candidate: share(cc, (c) => c !== 'ok'),
      maxIncreasePts: t.maxErrorIncrease,
      minZ: t.minZ,
    }),
    judgeRate({
      scope: 'run',
      subject: 'run',
      figure: 'goodput',
      base: perS(base, base.summary.succeeded),
      candidate: perS(candidate, candidate.summary.succeeded),
      maxDrop: t.maxGoodputDrop,
      minZ: t.minZ,
    }),
    judgeRate({
      scope: 'run',
      subject: 'run',
      figure: 'throughput',
      base: perS(base, cb['ok'] ?? 0),
      candidate: perS(candidate, cc['ok'] ?? 0),
      maxDrop: t.maxThroughputDrop,
      minZ: t.minZ,
    }),
    judgeShare({
      scope: 'run',
      subject: 'run',
      figure: 'dropped',
      base: { k: base.summary.dropped, n: base.summary.arrivals },
      candidate: { k: candidate.summary.dropped, n: candidate.summary.arrivals },
      maxIncreasePts: t.maxDroppedIncrease,
      minZ: t.minZ,
    }),
  ];
}

function takeDownRows(base: RunData, candidate: RunData, t: CompareThresholds): JudgedFigure[] {
  const names = [...new Set([...base.summary.takedowns, ...candidate.summary.takedowns].map((d) => d.name))];
  const drain = (run: RunData, name: string) =>
    run.summary.takedowns.find((d) => d.name === name)?.drainS ?? null;
  return names.map((n) =>
    judgeDrain(n, drain(base, n), drain(candidate, n), t.maxDrainIncrease, base.summary.intervalS),
  );
}

function identity(dir: string, r: RunData): RunIdentity {
  return {
    dir,
    profile: r.summary.profile.name,
    startedAt: r.summary.startedAt,
    target: r.summary.target,
    engine: r.summary.engine,
    latencyModel: r.summary.latencyModel,
  };
}

/** Judges `candidate` against `base`. Steps are those of either run, base order first. */
export function compareRuns(
  base: { readonly dir: string; readonly run: RunData },
  candidate: { readonly dir: string; readonly run: RunData },
  thresholds: CompareThresholds,
  match: RunMatch,
): Comparison {
  const b = base.run;
  const c = candidate.run;
  const steps = [...b.meta.steps, ...c.meta.steps.filter((s) => !b.meta.steps.includes(s))];
  const figures = [
    ...runRows(b, c, thresholds),
    ...flowRows(b, c, thresholds),
    ...steps.flatMap((s) => stepRows(b, c, s, thresholds)),
    ...takeDownRows(b, c, thresholds),
  ];
  const regressions = figures.filter((f) => f.verdict === 'regressed').map(figureName);
  return {
    mismatch: match.mismatches,
    notes: match.notes,
    method: COMPARE_METHOD,
    thresholds,
    base: identity(base.dir, b),
    candidate: identity(candidate.dir, c),
    figures,
    regressions,
    regressed: regressions.length > 0,
  };
}
