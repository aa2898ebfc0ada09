/**
 * Whether two runs may be compared at all. A comparison of different traffic, of different
 * latency models, or of a run whose figures cannot be trusted says nothing about the build, so
 * those are refusals (exit 2 unless `--allow-mismatch`, which then shows them at the top of
 * every output). Differences that leave the measurement comparable (engine, transport, target,
 * capacity settings, seed) are notes: shown in the banner, never a refusal.
 */
import type { RunData } from '../run-dir/run-data.js';

/** What stands between two runs and a meaningful comparison. */
export interface RunMatch {
  /** Reasons to refuse, one line each; empty when the runs are comparable. */
  readonly mismatches: readonly string[];
  /** Differences that do not prevent the comparison, for the banner. */
  readonly notes: readonly string[];
}

function differs(what: string, base: string, candidate: string): string {
  return `${what}: base ${base}, candidate ${candidate}`;
}

/** The hash compared, and whether it is the traffic hash or the whole-profile fallback. */
function profileKey(run: RunData): { hash: string; traffic: boolean } {
  const t = run.summary.profile.trafficHash ?? run.meta.profile.trafficHash;
  return t !== undefined ? { hash: t, traffic: true } : { hash: run.summary.profile.hash, traffic: false };
}

function short(hash: string): string {
  return hash.slice(0, 12);
}

function invalidLine(which: string, run: RunData): string {
  const problems = run.summary.validity.problems.map((p) => p.message).join('; ');
  return `${which} run is invalid (summary.validity): ${problems || 'no problem named'}`;
}

/** Checks `candidate` against `base` (pure). */
export function matchRuns(base: RunData, candidate: RunData): RunMatch {
  const mismatches: string[] = [];
  const notes: string[] = [];
  const b = profileKey(base);
  const c = profileKey(candidate);
  const bp = base.summary.profile;
  const cp = candidate.summary.profile;
  if (b.traffic && c.traffic) {
    if (b.hash !== c.hash) {
      mismatches.push(
        differs(
          'different traffic (profile traffic hash)',
          `${bp.name} ${short(b.hash)}`,
          `${cp.name} ${short(c.hash)}`,
        ),
      );
    }
  } else {
    // An older directory has only the whole-profile hash: name, description and seed count there.
    const which = [!b.traffic ? 'base' : '', !c.traffic ? 'candidate' : ''].filter(Boolean).join(' and ');
    const verb = !b.traffic && !c.traffic ? 'have' : 'has';
    notes.push(
      `${which} ${verb} no traffic hash (written before it existed): profiles compared by their whole-profile hash, in which name, description and seed count`,
    );
    if (bp.hash !== cp.hash) {
      mismatches.push(
        differs(
          'different profiles (whole-profile hash)',
          `${bp.name} ${short(bp.hash)}`,
          `${cp.name} ${short(cp.hash)}`,
        ),
      );
    }
  }
  if (base.summary.latencyModel !== candidate.summary.latencyModel) {
    mismatches.push(
      differs('different latency models', base.summary.latencyModel, candidate.summary.latencyModel),
    );
  }
  if (!base.summary.validity.valid) mismatches.push(invalidLine('base', base));
  if (!candidate.summary.validity.valid) mismatches.push(invalidLine('candidate', candidate));

  if (bp.name !== cp.name) notes.push(differs('profile names', bp.name, cp.name));
  if (base.summary.engine !== candidate.summary.engine)
    notes.push(differs('engines', base.summary.engine, candidate.summary.engine));
  if (base.summary.target !== candidate.summary.target)
    notes.push(differs('targets', base.summary.target, candidate.summary.target));
  const keys = [...new Set([...Object.keys(base.meta.settings), ...Object.keys(candidate.meta.settings)])];
  for (const k of keys.sort()) {
    const vb = base.meta.settings[k];
    const vc = candidate.meta.settings[k];
    if (vb !== vc) notes.push(differs(`setting ${k}`, String(vb ?? '-'), String(vc ?? '-')));
  }
  return { mismatches, notes };
}
