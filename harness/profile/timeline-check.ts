/**
 * Semantic checks of the arrival timeline: phases or regions (not both), unique region and phase
 * names, exactly one shape per phase, durations above zero, spikes inside their phase, phase mixes
 * over known flows summing to 1, outages over known regions that do not overlap in a shared region.
 */
import { formatDuration, parseDuration } from './duration.js';
import type { PathSeg } from './problem-list.js';
import { type CheckContext, isMapping, round, WEIGHT_TOLERANCE } from './semantic-check.js';

/** The keys that give a phase its shape; exactly one per phase. */
export const SHAPE_KEYS = ['constant', 'ramp', 'step', 'spike'] as const;

/** Adds every timeline problem of a merged document. */
export function checkTimeline(doc: Record<string, unknown>, ctx: CheckContext): void {
  const hasPhases = doc['phases'] !== undefined;
  const hasRegions = doc['regions'] !== undefined;
  if (hasPhases && hasRegions) {
    ctx.atKey(['regions'], 'use either top-level phases or regions, not both');
  } else if (!hasPhases && !hasRegions) {
    ctx.at([], 'missing "phases" or "regions": the profile has no arrivals');
  }
  const flowNames = isMapping(doc['flows']) ? Object.keys(doc['flows']) : undefined;
  const regionNames: string[] = [];
  if (hasPhases && !hasRegions) {
    regionNames.push('global');
    checkPhases(doc['phases'], ['phases'], flowNames, ctx);
  }
  const regions = doc['regions'];
  if (Array.isArray(regions)) {
    const firstIndex = new Map<string, number>();
    regions.forEach((region: unknown, i) => {
      if (!isMapping(region)) return;
      const name = region['name'];
      if (typeof name === 'string') {
        const seen = firstIndex.get(name);
        if (seen !== undefined)
          ctx.at(['regions', i, 'name'], `duplicate region name "${name}" (also regions[${seen}])`);
        else firstIndex.set(name, i);
        regionNames.push(name);
      }
      checkPhases(region['phases'], ['regions', i, 'phases'], flowNames, ctx);
    });
  }
  checkOutages(doc['outages'], hasRegions ? [...new Set(regionNames)] : ['global'], ctx);
}

function checkPhases(
  phases: unknown,
  path: PathSeg[],
  flowNames: readonly string[] | undefined,
  ctx: CheckContext,
): void {
  if (!Array.isArray(phases)) return;
  const firstIndex = new Map<string, number>();
  phases.forEach((phase: unknown, i) => {
    const at: PathSeg[] = [...path, i];
    if (!isMapping(phase)) return;
    const name = phase['name'];
    if (typeof name === 'string') {
      const seen = firstIndex.get(name);
      if (seen !== undefined)
        ctx.at([...at, 'name'], `duplicate phase name "${name}" (also phases[${seen}])`);
      else firstIndex.set(name, i);
    }
    const shapes = SHAPE_KEYS.filter((k) => phase[k] !== undefined);
    if (shapes.length === 0) ctx.at(at, 'needs one shape key: constant, ramp, step or spike');
    if (shapes.length > 1) ctx.at(at, `has several shape keys (${shapes.join(', ')}): keep one`);
    const duration = parseDuration(phase['duration']);
    if (duration === 0) ctx.at([...at, 'duration'], 'must be > 0');
    checkSpike(phase['spike'], duration, [...at, 'spike'], ctx);
    checkMix(phase['mix'], flowNames, [...at, 'mix'], ctx);
  });
}

function checkSpike(spike: unknown, duration: number | undefined, path: PathSeg[], ctx: CheckContext): void {
  if (!isMapping(spike)) return;
  const at = parseDuration(spike['at']);
  const width = parseDuration(spike['width']);
  if (width === 0) ctx.at([...path, 'width'], 'must be > 0');
  if (at === undefined || width === undefined || duration === undefined || duration === 0) return;
  if (at + width > duration + 1e-9) {
    ctx.at(
      path,
      `at + width = ${formatDuration(at + width)} ends after the phase duration ${formatDuration(duration)}`,
    );
  }
}

function checkMix(
  mix: unknown,
  flowNames: readonly string[] | undefined,
  path: PathSeg[],
  ctx: CheckContext,
): void {
  if (!isMapping(mix) || flowNames === undefined) return;
  let sum = 0;
  let numeric = true;
  for (const [flow, weight] of Object.entries(mix)) {
    if (!flowNames.includes(flow)) {
      ctx.atKey([...path, flow], `unknown flow "${flow}" (flows: ${flowNames.join(', ')})`);
    }
    if (typeof weight === 'number') sum += weight;
    else numeric = false;
  }
  if (numeric && Object.keys(mix).length > 0 && Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
    ctx.at(path, `mix weights sum to ${round(sum)}, must sum to 1`);
  }
}

interface Window {
  readonly index: number;
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly regions: readonly string[];
}

function checkOutages(outages: unknown, regionNames: readonly string[], ctx: CheckContext): void {
  if (!Array.isArray(outages)) return;
  const windows: Window[] = [];
  const firstIndex = new Map<string, number>();
  outages.forEach((outage: unknown, i) => {
    if (!isMapping(outage)) return;
    const name = typeof outage['name'] === 'string' ? outage['name'] : `outage-${i}`;
    const seen = firstIndex.get(name);
    if (seen !== undefined)
      ctx.at(['outages', i, 'name'], `duplicate outage name "${name}" (also outages[${seen}])`);
    else firstIndex.set(name, i);
    const listed = outage['regions'];
    let regions: readonly string[] = regionNames;
    if (Array.isArray(listed) && listed.length > 0) {
      regions = listed.filter((r): r is string => typeof r === 'string');
      listed.forEach((r: unknown, j) => {
        if (typeof r === 'string' && !regionNames.includes(r)) {
          ctx.at(['outages', i, 'regions', j], `unknown region "${r}" (regions: ${regionNames.join(', ')})`);
        }
      });
    }
    const start = parseDuration(outage['start']);
    const duration = parseDuration(outage['duration']);
    if (duration === 0) ctx.at(['outages', i, 'duration'], 'must be > 0');
    if (start === undefined || duration === undefined || duration === 0) return;
    windows.push({ index: i, name, start, end: start + duration, regions });
  });
  // Quadratic, but a profile has a handful of outages.
  for (let b = 0; b < windows.length; b++) {
    for (let a = 0; a < b; a++) {
      const wa = windows[a];
      const wb = windows[b];
      if (wa === undefined || wb === undefined) continue;
      if (!(wa.start < wb.end && wb.start < wa.end)) continue;
      const shared = [...new Set(wb.regions.filter((r) => wa.regions.includes(r)))];
      if (shared.length === 0) continue;
      ctx.at(
        ['outages', wb.index],
        `overlaps outages[${wa.index}] ("${wa.name}") in region ${shared.join(', ')} ` +
          `(${formatDuration(wb.start)}-${formatDuration(wb.end)} vs ${formatDuration(wa.start)}-${formatDuration(wa.end)})`,
      );
    }
  }
}
