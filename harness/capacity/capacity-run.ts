/**
 * Runs a capacity search: asks the pure search for the next rate, settles the target, runs the
 * probe through the runner into its own run directory, judges it (validity, then each SLO), and
 * prints one line per probe, until the search has its answer. Writes capacity.json, capacity.txt
 * and capacity.html into the output directory as it ends, interrupted or not.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Gate } from '../../reports/gates/gate.js';
import { jsonText, writeFileAtomic } from '../../reports/run-dir/atomic-write.js';
import type { Profile } from '../profile/profile.js';
import { renderCapacityHtml } from './capacity-html.js';
import { etaS, probeLine } from './capacity-progress.js';
import { buildCapacityReport, type CapacityProbe, type CapacityReport } from './capacity-report.js';
import {
  bracketOf,
  nextStep,
  type ProbeOutcome,
  probePassed,
  remainingProbes,
  type SearchBounds,
  type SearchResult,
} from './capacity-search.js';
import { renderCapacityText } from './capacity-text.js';
import { probeProfile } from './probe-profile.js';
import type { ProbeRunner } from './probe-runner.js';
import { sloFigures, stepRatesPerS } from './probe-slos.js';
import { probeValidity } from './probe-validity.js';
import { type Settler, settlerFor } from './target-settle.js';

/** Files of a capacity output directory. */
export const CAPACITY_FILES = { json: 'capacity.json', text: 'capacity.txt', html: 'capacity.html' } as const;

/** Everything a search needs; the CLI builds it from flags. */
export interface CapacitySearchOptions {
  readonly profile: Profile;
  readonly slos: readonly Gate[];
  readonly bounds: SearchBounds;
  /** Seconds of arrivals per probe. */
  readonly probeS: number;
  /** Bound of the settle wait between probes, seconds. */
  readonly settleS: number;
  readonly outDir: string;
  /** `--step`: also state capacity in this step's requests/s. */
  readonly step: string | null;
  readonly workers: number | null;
  readonly runner: ProbeRunner;
  /** One line per probe (and a few notes). */
  readonly progress: (line: string) => void;
  /** Aborting it ends the search after the running probe (which is written, marked aborted). */
  readonly signal: AbortSignal;
}

/** The probe's run directory name: `probe-03-137.5`. */
export function probeDirName(index: number, ratePerS: number): string {
  return `probe-${String(index).padStart(2, '0')}-${ratePerS}`;
}

/** Where an interrupted search stood: the bracket so far, as a result. */
function partialResult(history: readonly ProbeOutcome[]): SearchResult {
  const { lo, hi } = bracketOf(history);
  return {
    verdict: lo === null ? 'none-met' : 'found',
    capacityPerS: lo,
    bracket: [lo, hi],
    limiting: null,
    invalidAt: null,
  };
}

/** Runs the search to its answer; writes the capacity files and returns capacity.json's content. */
export async function runCapacitySearch(o: CapacitySearchOptions): Promise<CapacityReport> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  await mkdir(o.outDir, { recursive: true });
  const history: ProbeOutcome[] = [];
  const probes: CapacityProbe[] = [];
  let interrupted = false;
  let result: SearchResult | null = null;
  let failure: unknown = null;

  await o.runner.open(probeProfile(o.profile, o.bounds.minPerS, o.probeS));
  try {
    // Simulated probes start from an empty model each time: nothing to settle.
    const settler: Settler | null =
      o.runner.mode === 'real' ? await settlerFor(o.runner.target, o.profile) : null;
    if (settler) o.progress(`capacity: settling between probes by the target's ${settler.method}`);
    for (;;) {
      const next = nextStep(history, o.bounds);
      if (next.kind === 'done') {
        result = next.result;
        break;
      }
      if (o.signal.aborted) {
        interrupted = true;
        break;
      }
      const index = probes.length + 1;
      const settle = settler && index > 1 ? await settler.settle(o.settleS, o.signal) : null;
      const runDir = probeDirName(index, next.ratePerS);
      const started = performance.now();
      const { summary, run } = await o.runner.run({
        profile: probeProfile(o.profile, next.ratePerS, o.probeS),
        outDir: join(o.outDir, runDir),
        signal: o.signal,
      });
      const validity = probeValidity(summary);
      const outcome: ProbeOutcome = {
        ratePerS: next.ratePerS,
        valid: validity.valid,
        problems: validity.problems,
        slos: sloFigures(o.slos, run),
      };
      const probe: CapacityProbe = {
        index,
        ratePerS: next.ratePerS,
        phase: next.phase,
        valid: outcome.valid,
        problems: outcome.problems,
        pass: outcome.valid ? probePassed(outcome) : null,
        slos: outcome.slos,
        stepRatesPerS: stepRatesPerS(run, next.ratePerS),
        runDir,
        settle,
        wallS: (performance.now() - started) / 1000,
      };
      probes.push(probe);
      if (o.signal.aborted) {
        // An interrupted probe is not the generator's fault: it is recorded, not counted.
        interrupted = true;
        break;
      }
      history.push(outcome);
      const { lo, hi } = bracketOf(history);
      const after = nextStep(history, o.bounds);
      const left = remainingProbes(history, o.bounds);
      const bracket = after.kind === 'done' ? after.result.bracket : ([lo, hi] as const);
      o.progress(probeLine(probe, bracket, left, etaS(probes, left.probes)));
    }
  } catch (err: unknown) {
    // A probe that could not run (run directory not writable...): what was probed is still
    // written below, marked interrupted, and the error then goes to the caller.
    failure = err;
    interrupted = true;
  } finally {
    await o.runner.close();
  }

  const report = buildCapacityReport(
    {
      mode: o.runner.mode,
      profile: { name: o.profile.name, file: o.profile.file },
      target: o.runner.target.name,
      startedAt,
      slos: o.slos.map((s) => s.expr),
      settings: {
        minPerS: o.bounds.minPerS,
        maxPerS: o.bounds.maxPerS,
        precision: o.bounds.precision,
        probeS: o.probeS,
        settleS: o.settleS,
        workers: o.workers,
      },
      step: o.step,
      interrupted,
      wallS: (performance.now() - t0) / 1000,
    },
    result ?? partialResult(history),
    probes,
  );
  await writeFileAtomic(join(o.outDir, CAPACITY_FILES.json), jsonText(report));
  await writeFileAtomic(join(o.outDir, CAPACITY_FILES.text), renderCapacityText(report));
  await writeFileAtomic(join(o.outDir, CAPACITY_FILES.html), renderCapacityHtml(report));
  if (failure !== null) throw failure;
  return report;
}
