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
import { K6_SESSION_SOURCE } from './k6-session-source.js';
import { gatesToThresholds, type K6Threshold } from './k6-thresholds.js';
import { SESSION_QUANTILE, VU_HEADROOM, VUS_PER_INSTANCE_CEILING } from './k6-vus.js';

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
  /** Gates (or parts) with no k6 threshold, with the reason (also in the header; the CLI prints them). */
  readonly untranslated: readonly string[];
  /** VUs each k6 instance holds: preallocated and at most. */
  readonly vusPerInstance: { readonly preAllocated: number; readonly max: number };
}

/** How the script is sized and split. */
export interface K6ExportOptions {
  /** k6 instances (k6-operator `parallelism`) the run is split over; default 1. */
  readonly pods?: number;
  /** `--vus`: VUs per instance instead of the Little's-law sizing. */
  readonly vusPerInstance?: number;
}

/** What a script cannot reproduce of the profile, whatever the profile says. */
function fixedNotes(profile: Profile): string[] {
  const notes = [
    'latency: http_req_duration runs from the actual send; stampede import records it as latency model "k6-import". await-mail latency is stampede_await_mail (step start -> mail found), as in native runs.',
    `client: maxInFlight ${profile.client.maxInFlight}, connections ${profile.client.connections}, pipelining ${profile.client.pipelining} and connect timeout have no k6 equivalent; k6 is bounded by maxVUs and counts the excess as dropped_iterations.`,
    "think times and retry jitter use Math.random (k6 has no seeded RNG per VU); the distributions are the profile's.",
    "accounts: the same pools, walked by a seeded permutation indexed by exec.scenario.iterationInTest (not the driver's exact order).",
    'await-mail: mailbox requests are polls (tag poll=true), "no mail yet" answers count in stampede_mail_polls; a mailbox that never delivers is counted in stampede_outcomes (outcome mail-timeout), as are unusable bodies (outcome invalid).',
    `jumps (step/spike edges, phase boundaries) are ramps of at most ${JUMP_WIDTH_S}s centred on the jump, which keeps the arrival totals.`,
  ];
  if (profile.regions.some((r) => r.phases.some((p) => p.process === 'poisson'))) {
    notes.push(
      "arrival process: k6 spaces arrivals evenly at the staged rate; the profile's Poisson arrivals are not reproduced.",
    );
  }
  return notes;
}

/** Step names with their kind, in the run's step order. */
function stepKinds(profile: Profile): { name: string; kind: string }[] {
  const kinds = new Map<string, string>();
  for (const f of profile.flows)
    for (const st of f.steps) if (!kinds.has(st.name)) kinds.set(st.name, st.kind);
  return buildStepIndex(profile).names.map((name) => ({ name, kind: kinds.get(name) ?? '' }));
}

/** The VU sizing lines of the header: per scenario and per instance. */
function vuNotes(scenarios: Record<string, K6Scenario>, pods: number, forced: boolean): string[] {
  const lines: string[] = [];
  let pre = 0;
  let max = 0;
  for (const [name, s] of Object.entries(scenarios)) {
    if (s.executor !== 'ramping-arrival-rate') continue;
    pre += s.preAllocatedVUs;
    max += s.maxVUs;
    lines.push(`  ${name}: preAllocatedVUs ${s.preAllocatedVUs}, maxVUs ${s.maxVUs}`);
  }
  const head = forced
    ? `VUs: --vus, spread over the scenarios by their Little's-law need (totals; k6 gives each of ${pods} instance(s) its segment's share):`
    : `VUs by Little's law (docs/distributed.md): peak busy VUs over the rate curve x ${VU_HEADROOM}, for sessions of their p${SESSION_QUANTILE * 100} length (think, retries, Retry-After, outages); totals over ${pods} instance(s):`;
  const per = `  per instance: ${Math.ceil(pre / pods)} preallocated, ${Math.ceil(max / pods)} at most`;
  return [head, ...lines, per];
}

/** Builds the script for `profile` against the target file `doc` (read from `targetFile`). */
export function exportK6Script(
  profile: Profile,
  doc: HttpTargetDoc,
  targetFile: string,
  opts: K6ExportOptions = {},
): K6Export {
  const pods = Math.max(1, Math.floor(opts.pods ?? 1));
  const arrivals = buildArrivalScenarios(profile, {
    pods,
    ...(opts.vusPerInstance !== undefined ? { vusPerInstance: opts.vusPerInstance } : {}),
  });
  const planned = Object.values(arrivals).reduce((n, s) => n + scenarioArrivals(s), 0);
  const gates = gatesToThresholds(
    profile.gates,
    { steps: stepKinds(profile), plannedArrivals: planned, pods },
    `${profile.file || profile.name} gates`,
  );
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
  const options: K6Options = {
    scenarios,
    thresholds: gates.thresholds,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)'],
  };
  let preTotal = 0;
  let maxTotal = 0;
  for (const s of Object.values(scenarios)) {
    if (s.executor !== 'ramping-arrival-rate') continue;
    preTotal += s.preAllocatedVUs;
    maxTotal += s.maxVUs;
  }
  const vusPerInstance = { preAllocated: Math.ceil(preTotal / pods), max: Math.ceil(maxTotal / pods) };
  if (vusPerInstance.max > VUS_PER_INSTANCE_CEILING) {
    notes.push(
      `each k6 instance would hold up to ${vusPerInstance.max} VUs (1-5 MB each; more than ${VUS_PER_INSTANCE_CEILING}): split the run, e.g. --pods ${Math.ceil(maxTotal / VUS_PER_INSTANCE_CEILING)} with k6-operator parallelism to match`,
    );
  }

  const w = new CodeWriter();
  w.comment([
    `k6 script exported by stampede from profile ${profile.name} (${basename(profile.file)}) and target ${basename(targetFile)}.`,
    `Run: k6 run --out json=out.json --summary-export summary.json ${'<this file>'}; then: stampede import k6 out.json --summary-export summary.json --out <dir> --profile ${basename(profile.file)}`,
    '',
    ...vuNotes(scenarios, pods, opts.vusPerInstance !== undefined),
    '',
    'Gates not translated to thresholds (k6 cannot express them; stampede gate on the import can):',
    ...(gates.untranslated.length > 0 ? gates.untranslated.map((u) => `- ${u}`) : ['- none']),
    '',
    'Not reproduced (k6 cannot express it, or does it differently):',
    ...notes.map((n) => `- ${n}`),
  ]);
  w.line("import http from 'k6/http';");
  w.line("import { sleep, check } from 'k6';");
  w.line("import exec from 'k6/execution';");
  w.line("import { Counter, Rate, Trend } from 'k6/metrics';");
  w.line("import type { Options } from 'k6/options';");
  w.line(K6_RUNTIME_SOURCE);
  w.line(`const REQUEST_TIMEOUT = ${JSON.stringify(k6Duration(profile.client.requestTimeoutS))};`);
  w.line("/** The script's own metrics the thresholds read (recorded only when a gate needs them). */");
  w.line(`const RECORD_ATTEMPTS: boolean = ${gates.metrics.attempts};`);
  w.line(`const RECORD_FAILED: boolean = ${gates.metrics.failed};`);
  w.line(`const RATE_CLASSES: string[] = ${dataLiteral(gates.metrics.rateClasses)};`);
  w.line(K6_SESSION_SOURCE);
  w.line();
  w.line('/** Arrival-rate scenarios (one per flow x region), outage calls and the gates as thresholds. */');
  w.line(`export const options: Options = ${dataLiteral(options)};`);
  w.line();
  emitFlows(w, profile, doc, targetFile);
  emitMaintenance(w, doc);
  return { code: w.toString(), options, notes, untranslated: gates.untranslated, vusPerInstance };
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
export async function writeK6Script(
  profile: Profile,
  targetFile: string,
  out: string,
  opts: K6ExportOptions = {},
): Promise<K6Export> {
  const result = exportK6Script(profile, readHttpTargetDoc(targetFile), targetFile, opts);
  try {
    await writeFile(out, result.code);
  } catch (err: unknown) {
    throw new StampedeError('E_IO', `--out ${out}: cannot write (${errorMessage(err)})`);
  }
  return result;
}
