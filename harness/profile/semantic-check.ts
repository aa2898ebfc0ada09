/**
 * The checks a JSON Schema cannot express: flow weights that sum to 1, unique step names, a flow
 * that draws from an empty part of the population, think ranges upside down. The timeline checks
 * (regions, phases, outages) live in timeline-check.ts. Every check reads defensively: the document
 * may also have schema errors, which are reported beside these, never instead of them.
 */
import { parseDuration } from './duration.js';
import { checkMail } from './mail-check.js';
import type { PathSeg, ProblemList } from './problem-list.js';
import { checkTimeline } from './timeline-check.js';
import { locate, type TreeNode } from './yaml-tree.js';

/** Tolerance on sums of weights (flows, phase mixes). */
export const WEIGHT_TOLERANCE = 1e-6;

/** A plain mapping (not a list, not null). */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Where semantic checks report: located in the merged tree. */
export class CheckContext {
  constructor(
    readonly tree: TreeNode,
    readonly problems: ProblemList,
  ) {}

  /** A problem located at the value of `path`. */
  at(path: readonly PathSeg[], message: string): void {
    this.problems.add(locate(this.tree, path), path, message);
  }

  /** A problem located at the key of `path` (reported under the enclosing path's name). */
  atKey(path: readonly PathSeg[], message: string): void {
    this.problems.add(locate(this.tree, path, true), path, message);
  }
}

/** Name of a step as written: the short form is its kind, the long form its `name` or `step`. */
export function stepName(step: unknown): string | undefined {
  if (typeof step === 'string') return step;
  if (!isMapping(step)) return undefined;
  const name = step['name'] ?? step['step'];
  return typeof name === 'string' ? name : undefined;
}

/** Adds every semantic problem of a merged document. */
export function checkSemantics(doc: unknown, ctx: CheckContext): void {
  if (!isMapping(doc)) return;
  for (const key of ['population', 'flows'] as const) {
    if (doc[key] === undefined) ctx.at([], `missing required key "${key}"`);
  }
  checkFlows(doc, ctx);
  checkThink(doc['defaults'], ['defaults', 'think'], ctx);
  checkTimeline(doc, ctx);
  checkMail(doc, ctx);
}

function checkFlows(doc: Record<string, unknown>, ctx: CheckContext): void {
  const flows = doc['flows'];
  if (!isMapping(flows)) return;
  const names = Object.keys(flows);
  let sum = 0;
  let allWeighted = true;
  for (const name of names) {
    const flow = flows[name];
    if (!isMapping(flow)) {
      // The schema reports the flow itself; without it the weights cannot be summed.
      allWeighted = false;
      continue;
    }
    const weight = flow['weight'];
    if (weight === undefined) {
      allWeighted = false;
      if (names.length > 1)
        ctx.at(['flows', name], 'missing required key "weight" (there are several flows)');
    } else if (typeof weight === 'number') {
      sum += weight;
    } else {
      allWeighted = false;
    }
    checkAccounts(doc, name, flow, ctx);
    checkSteps(name, flow, ctx);
    checkThink(flow['think'], ['flows', name, 'think'], ctx);
  }
  if (allWeighted && names.length > 0 && Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
    const list = names.map((n) => `${n} ${String((flows[n] as Record<string, unknown>)['weight'])}`);
    ctx.atKey(['flows'], `flow weights sum to ${round(sum)}, must sum to 1 (${list.join(', ')})`);
  }
}

/** A flow drawing from must-reset (or no-reset) accounts needs some to exist. */
function checkAccounts(
  doc: Record<string, unknown>,
  name: string,
  flow: Record<string, unknown>,
  ctx: CheckContext,
): void {
  const pool = flow['accounts'];
  if (pool !== 'must-reset' && pool !== 'no-reset') return;
  const population = doc['population'];
  if (!isMapping(population)) return;
  const accounts = population['accounts'];
  const share = population['mustResetShare'] ?? 1;
  if (typeof accounts !== 'number' || !Number.isInteger(accounts) || accounts < 1) return;
  if (typeof share !== 'number' || share < 0 || share > 1) return;
  const mustReset = Math.floor(accounts * share);
  if (pool === 'must-reset' && mustReset === 0) {
    ctx.at(
      ['flows', name, 'accounts'],
      `draws from must-reset accounts but population.mustResetShare ${share} leaves none`,
    );
  }
  if (pool === 'no-reset' && accounts - mustReset === 0) {
    ctx.at(
      ['flows', name, 'accounts'],
      `draws from no-reset accounts but population.mustResetShare ${share} leaves none`,
    );
  }
}

function checkSteps(flowName: string, flow: Record<string, unknown>, ctx: CheckContext): void {
  const steps = flow['steps'];
  if (!Array.isArray(steps)) return;
  const firstIndex = new Map<string, number>();
  steps.forEach((step: unknown, i) => {
    const path: PathSeg[] = ['flows', flowName, 'steps', i];
    const name = stepName(step);
    if (name !== undefined) {
      const seen = firstIndex.get(name);
      if (seen !== undefined) {
        ctx.at(path, `duplicate step name "${name}" (also steps[${seen}]): give one of them a name`);
      } else {
        firstIndex.set(name, i);
      }
    }
    if (!isMapping(step)) return;
    for (const key of ['pollEvery', 'timeout'] as const) {
      if (step[key] === undefined) continue;
      if (step['step'] !== 'await-mail') ctx.atKey([...path, key], `only await-mail steps take "${key}"`);
      else if (parseDuration(step[key]) === 0) ctx.at([...path, key], 'must be > 0');
    }
    checkThink(step['think'], [...path, 'think'], ctx);
  });
}

/** Ranges must be the right way round; the schema already checked forms and types. */
function checkThink(think: unknown, path: PathSeg[], ctx: CheckContext): void {
  if (!isMapping(think)) return;
  const uniform = think['uniform'];
  if (Array.isArray(uniform) && uniform.length === 2) {
    const lo = parseDuration(uniform[0]);
    const hi = parseDuration(uniform[1]);
    if (lo !== undefined && hi !== undefined && lo > hi) {
      ctx.at([...path, 'uniform'], `min ${String(uniform[0])} is above max ${String(uniform[1])}`);
    }
  }
  const exponential = think['exponential'];
  if (exponential !== undefined && parseDuration(exponential) === 0) {
    ctx.at([...path, 'exponential'], 'mean must be > 0');
  }
}

/** Rounds a sum for messages (0.30000000000000004 -> 0.3). */
export function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
