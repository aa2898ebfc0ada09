/**
 * `stampede export k6`: a profile plus an http target file become one TypeScript k6 script typed
 * by @types/k6. The script's `options` are returned as data beside the code (tests integrate the
 * stages; the CLI may print them), and everything k6 cannot express is listed in the script's
 * header comment, never dropped silently.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse } from 'yaml';
import type { HttpTargetDoc } from '../../targets/http/http-target-doc.js';
import { loadHttpTarget } from '../../targets/http/load-http-target.js';
import { errorMessage, StampedeError } from '../errors.js';
import type { Profile } from '../profile/profile.js';
import { buildStepIndex } from '../profile/step-index.js';
import { CodeWriter, dataLiteral, k6Duration } from './k6-emitter.js';
import { emitFlows, emitMaintenance } from './k6-request-code.js';
import { K6_RUNTIME_SOURCE } from './k6-runtime-source.js';
import {
  buildArrivalScenarios,
  buildMaintenanceScenarios,
  JUMP_WIDTH_S,
  type K6Scenario,
  scenarioArrivals,
} from './k6-scenarios.js';
import { gatesToThresholds, type K6Threshold } from './k6-thresholds.js';

/** The script's `options`, as plain data. */
export interface K6Options {
  readonly scenarios: Record<string, K6Scenario>;
  readonly thresholds: Record<string, K6Threshold[]>;
  readonly summaryTrendStats: readonly string[];
}

/** An exported script: its source, its options as data, and the header notes. */
export interface K6Export {
  readonly code: string;
  readonly options: K6Options;
  /** What the script does not reproduce (also in its header comment). */
  readonly notes: readonly string[];
}

/** What a script cannot reproduce of the profile, whatever the profile says. */
function fixedNotes(profile: Profile): string[] {
  const notes = [
    'latency: k6 measures from the actual send (service time); stampede import records it as latency model "service-time".',
    `client: maxInFlight ${profile.client.maxInFlight}, connections ${profile.client.connections}, pipelining ${profile.client.pipelining} and connect timeout have no k6 equivalent; k6 is bounded by maxVUs and counts the excess as dropped_iterations.`,
    "think times and retry jitter use Math.random (k6 has no seeded RNG per VU); the distributions are the profile's.",
    "accounts: the same pools, walked by a seeded permutation indexed by exec.scenario.iterationInTest (not the driver's exact order).",
    'await-mail: every poll is an http request tagged with the step; a mailbox that never delivers is counted in the stampede_outcomes counter (outcome mail-timeout), as are unusable bodies (outcome invalid).',
    `jumps (step/spike edges, phase boundaries) are ramps of at most ${JUMP_WIDTH_S}s centred on the jump, which keeps the arrival totals.`,
  ];
  if (profile.regions.some((r) => r.phases.some((p) => p.process === 'poisson'))) {
    notes.push(
      "arrival process: k6 spaces arrivals evenly at the staged rate; the profile's Poisson arrivals are not reproduced.",
    );
  }
  return notes;
}

/** Builds the script for `profile` against the target file `doc` (read from `targetFile`). */
export function exportK6Script(profile: Profile, doc: HttpTargetDoc, targetFile: string): K6Export {
  const steps = buildStepIndex(profile).names;
  const gates = gatesToThresholds(profile.gates, steps, `${profile.file || profile.name} gates`);
  const arrivals = buildArrivalScenarios(profile);
  // Scenarios sharing a pool start their walk where the previous ones are expected to end.
  const offsets = new Map<string, number>();
  const scenarios: Record<string, K6Scenario> = {};
  for (const [name, s] of Object.entries(arrivals)) {
    const pool = profile.flows.find((f) => f.name === s.tags['flow'])?.accounts ?? 'all';
    const at = offsets.get(pool) ?? 0;
    offsets.set(pool, at + Math.ceil(scenarioArrivals(s) * 1.1));
    scenarios[name] = { ...s, env: { ...s.env, STAMPEDE_ACCOUNT_OFFSET: String(at) } };
  }
  const notes = fixedNotes(profile);
  if (profile.outages.length > 0) {
    if (doc.maintenance) Object.assign(scenarios, buildMaintenanceScenarios(profile));
    else {
      for (const o of profile.outages) {
        notes.push(
          `outage ${o.name} at ${k6Duration(o.startS)} for ${k6Duration(o.durationS)} (regions: ${o.regions.join(',') || 'all'}): the target file has no maintenance request, so k6 cannot take the service down; do it by hand.`,
        );
      }
    }
  }
  notes.push(...gates.notes);
  for (const u of gates.untranslated) notes.push(`gate not translated: ${u}`);
  const options: K6Options = {
    scenarios,
    thresholds: gates.thresholds,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(99)', 'p(99.9)'],
  };

  const w = new CodeWriter();
  w.comment([
    `k6 script exported by stampede from profile ${profile.name} (${basename(profile.file)}) and target ${basename(targetFile)}.`,
    `Run: k6 run --out json=out.json ${'<this file>'}; then: stampede import k6 out.json --out <dir> --profile ${basename(profile.file)}`,
    '',
    'Not reproduced (k6 cannot express it, or does it differently):',
    ...notes.map((n) => `- ${n}`),
  ]);
  w.line("import http from 'k6/http';");
  w.line("import { sleep, check } from 'k6';");
  w.line("import exec from 'k6/execution';");
  w.line("import { Counter } from 'k6/metrics';");
  w.line("import type { Options } from 'k6/options';");
  w.line(K6_RUNTIME_SOURCE);
  w.line(`const REQUEST_TIMEOUT = ${JSON.stringify(k6Duration(profile.client.requestTimeoutS))};`);
  w.line();
  w.line('/** Arrival-rate scenarios (one per flow x region), outage calls and the gates as thresholds. */');
  w.line(`export const options: Options = ${dataLiteral(options)};`);
  w.line();
  emitFlows(w, profile, doc, targetFile);
  emitMaintenance(w, doc);
  return { code: w.toString(), options, notes };
}

/** Reads and checks the http target file, returning its plain document. */
export function readHttpTargetDoc(file: string): HttpTargetDoc {
  // The loader checks schema and semantics with located errors; the plain parse is then safe.
  loadHttpTarget(file);
  try {
    return parse(readFileSync(file, 'utf8')) as HttpTargetDoc;
  } catch (err: unknown) {
    throw new StampedeError('E_TARGET_FILE', `${file}: ${errorMessage(err)}`);
  }
}

/** Exports and writes the script to `out`; returns the export for the caller's message. */
export async function writeK6Script(profile: Profile, targetFile: string, out: string): Promise<K6Export> {
  const result = exportK6Script(profile, readHttpTargetDoc(targetFile), targetFile);
  try {
    await writeFile(out, result.code);
  } catch (err: unknown) {
    throw new StampedeError('E_IO', `--out ${out}: cannot write (${errorMessage(err)})`);
  }
  return result;
}
