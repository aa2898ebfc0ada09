/**
 * The what-if flags of `stampede simulate`, each turned into a change of the profile or of the
 * reference capacity, one-line usage errors naming the flag (exit 2):
 * - `--capacity key=v`: any reference capacity key (adminWorkers, resetServiceMs, resetQueue,
 *   mailPerS, hashCost, tokenTtlS), over the profile's `reference:` block;
 * - `--retry field=v`: overrides that retry-policy field in every step of every flow
 *   (maxAttempts, base, max: durations or seconds; backoff, jitter: their names;
 *   respectRetryAfter: true/false);
 * - `--outage drain=45m`: every take-down window lasts that long (same start);
 *   `--outage none` removes them all;
 * - `--max-in-flight N`: caps the sessions in flight. Without it a simulation has no cap: the
 *   profile's `client.maxInFlight` is one load generator's limit, and the users of a relaunch day
 *   are not one client (the full day holds ~10^6 sessions at once, most of them waiting for mail).
 */
import { REFERENCE_KEYS } from '../../targets/reference/reference-config.js';
import { parseCapacity } from '../cli/run-args.js';
import { StampedeError } from '../errors.js';
import { parseDuration } from '../profile/duration.js';
import type { Profile, RetryPolicy } from '../profile/profile.js';

/** Capacity keys a simulation may change (the model's knobs; population keys are the profile's). */
export const CAPACITY_KEYS: readonly string[] = REFERENCE_KEYS.filter(
  (k) => k !== 'accounts' && k !== 'seed' && k !== 'mustResetShare',
);

/** `--capacity` pairs over the profile's `reference:` block; unknown keys refused. */
export function simulateCapacity(profile: Profile, pairs: readonly string[]): Record<string, number> {
  const out = parseCapacity(profile, pairs);
  for (const k of Object.keys(out)) {
    if (!CAPACITY_KEYS.includes(k))
      throw new StampedeError(
        'E_USAGE',
        `--capacity: unknown key "${k}" (one of ${CAPACITY_KEYS.join(', ')})`,
      );
  }
  return out;
}

/** The profile with the simulation's in-flight cap: `flag`, or none (Infinity) when absent. */
export function applyInFlightCap(profile: Profile, flag: number | undefined): Profile {
  if (flag !== undefined && (!Number.isInteger(flag) || flag < 1))
    throw new StampedeError('E_USAGE', `--max-in-flight: "${flag}" is not a whole number >= 1`);
  return { ...profile, client: { ...profile.client, maxInFlight: flag ?? Number.POSITIVE_INFINITY } };
}

const BACKOFFS = ['none', 'linear', 'exponential'] as const;
const JITTERS = ['none', 'full', 'equal'] as const;

/** The profile with `--retry field=value` applied to every step's retry policy. */
export function applyRetry(profile: Profile, pairs: readonly string[]): Profile {
  if (pairs.length === 0) return profile;
  const patch: { -readonly [K in keyof RetryPolicy]?: RetryPolicy[K] } = {};
  for (const pair of pairs) {
    const m = /^([A-Za-z]+)=(.+)$/.exec(pair.trim());
    const bad = (why: string): never => {
      throw new StampedeError('E_USAGE', `--retry: "${pair}" ${why}`);
    };
    if (!m) bad('is not field=value (e.g. --retry maxAttempts=2)');
    const [, field, value] = m as RegExpExecArray & [string, string, string];
    switch (field) {
      case 'maxAttempts': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 100) bad('needs a whole number from 1 to 100');
        patch.maxAttempts = n;
        break;
      }
      case 'base':
      case 'max': {
        const s = /^\d+(\.\d+)?$/.test(value) ? Number(value) : parseDuration(value);
        if (s === undefined || !(s >= 0)) bad('needs a duration (e.g. 500ms, 2s) or seconds');
        patch[field === 'base' ? 'baseS' : 'maxS'] = s as number;
        break;
      }
      case 'backoff':
        if (!(BACKOFFS as readonly string[]).includes(value)) bad(`needs one of ${BACKOFFS.join(', ')}`);
        patch.backoff = value as RetryPolicy['backoff'];
        break;
      case 'jitter':
        if (!(JITTERS as readonly string[]).includes(value)) bad(`needs one of ${JITTERS.join(', ')}`);
        patch.jitter = value as RetryPolicy['jitter'];
        break;
      case 'respectRetryAfter':
        if (value !== 'true' && value !== 'false') bad('needs true or false');
        patch.respectRetryAfter = value === 'true';
        break;
      default:
        bad('names no retry field (maxAttempts, base, max, backoff, jitter, respectRetryAfter)');
    }
  }
  return {
    ...profile,
    flows: profile.flows.map((f) => ({
      ...f,
      steps: f.steps.map((s) => ({ ...s, retry: { ...s.retry, ...patch } })),
    })),
  };
}

/** The profile with `--outage drain=<duration>` (every window that long) or `--outage none`. */
export function applyOutage(profile: Profile, value: string | undefined): Profile {
  if (value === undefined) return profile;
  const v = value.trim();
  if (v === 'none') return { ...profile, outages: [] };
  const m = /^drain=(.+)$/.exec(v);
  const s = m ? parseDuration(m[1]) : undefined;
  if (s === undefined || !(s >= 0))
    throw new StampedeError(
      'E_USAGE',
      `--outage: "${value}" is not drain=<duration> (e.g. drain=45m) or none`,
    );
  return { ...profile, outages: profile.outages.map((o) => ({ ...o, durationS: s })) };
}
