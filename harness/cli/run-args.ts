/**
 * Turns the `run` command's flags into typed values, each bad flag a one-line usage error naming
 * the flag (exit 2).
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Shard } from '../arrivals/arrival.js';
import { derivedDrainS } from '../driver/drain.js';
import { StampedeError } from '../errors.js';
import type { Profile } from '../profile/profile.js';

/** `--shard i/n` (1-based i, as users count) -> 0-based Shard. */
export function parseShard(value: string | undefined): Shard | null {
  if (value === undefined) return null;
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const i = m ? Number(m[1]) : Number.NaN;
  const n = m ? Number(m[2]) : Number.NaN;
  if (!m || n < 1 || i < 1 || i > n) {
    throw new StampedeError('E_USAGE', `--shard: "${value}" is not i/n with 1 <= i <= n (e.g. --shard 2/4)`);
  }
  return { index: i - 1, count: n };
}

/** `--workers N`; default: all cores but one, at least 1. */
export function parseWorkers(value: number | undefined): number {
  if (value === undefined) return Math.max(1, cpus().length - 1);
  if (!Number.isInteger(value) || value < 1 || value > 256) {
    throw new StampedeError('E_USAGE', `--workers: "${value}" is not a whole number from 1 to 256`);
  }
  return value;
}

/** Repeated `--capacity key=value` over the profile's `reference:` block. */
export function parseCapacity(profile: Profile, pairs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(profile.reference)) if (typeof v === 'number') out[k] = v;
  for (const pair of pairs) {
    const m = /^([A-Za-z][A-Za-z0-9]*)=(-?\d+(?:\.\d+)?)$/.exec(pair.trim());
    if (!m)
      throw new StampedeError(
        'E_USAGE',
        `--capacity: "${pair}" is not key=number (e.g. --capacity adminWorkers=16)`,
      );
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/**
 * `--drain` in seconds: how long sessions may finish after the last arrival; absent, derived from
 * the flows (harness/driver/drain.ts). `warn` gets one line when a given drain is shorter than
 * what the flows can take (sessions still running then end as `cancelled`).
 */
export function parseDrain(
  value: number | undefined,
  profile: Profile,
  warn: (line: string) => void = () => {},
): number {
  const derived = derivedDrainS(profile);
  if (value === undefined) return derived;
  if (!Number.isFinite(value) || value < 0)
    throw new StampedeError('E_USAGE', `--drain: "${value}" is not a number of seconds >= 0`);
  if (value < derived)
    warn(
      `stampede: --drain ${value}s is shorter than the ${derived}s a session of this profile can take; sessions still running then are counted as cancelled`,
    );
  return value;
}

/** Default run directory: runs/<UTC timestamp>-<profile name>. */
export function defaultOutDir(profile: Profile, cwd: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return join(cwd, 'runs', `${stamp}-${profile.name}`);
}
