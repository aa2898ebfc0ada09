/**
 * Turns the `capacity` command's flags into typed values; each bad flag is a one-line usage
 * error naming the flag (exit 2).
 */
import { StampedeError } from '../errors.js';
import { parseDuration } from '../profile/duration.js';

/** Default first probe rate when --min is not given, arrivals/s. */
export const DEFAULT_MIN_PER_S = 10;
/** Default ceiling of the search, arrivals/s. */
export const DEFAULT_MAX_PER_S = 100_000;

function bad(flag: string, value: unknown, what: string): never {
  throw new StampedeError('E_USAGE', `--${flag}: "${String(value)}" is not ${what}`);
}

/** A rate flag (`--min 50`, `--max 2000`, `/s` allowed), arrivals per second > 0. */
export function parseRate(flag: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/s)?\s*$/.exec(String(value));
  const r = m ? Number(m[1]) : Number.NaN;
  if (!(r > 0) || !Number.isFinite(r)) bad(flag, value, 'a rate in arrivals/s above 0 (e.g. 50 or 50/s)');
  return r;
}

/** `--precision 5%` (or 0.05): the bracket's width relative to its lower end, in (0, 1). */
export function parsePrecision(value: unknown): number {
  if (value === undefined) return 0.05;
  const text = String(value).trim();
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text);
  const p = m ? (m[2] === '%' ? Number(m[1]) / 100 : Number(m[1])) : Number.NaN;
  if (!(p > 0 && p < 1)) bad('precision', value, 'a share between 0 and 100 % (e.g. 5% or 0.05)');
  return p;
}

/** A duration flag (`--probe 20s`, `--settle 10s`; a plain number is seconds). */
export function parseSeconds(flag: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const s = parseDuration(typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value);
  if (s === undefined || s < min) bad(flag, value, `a duration of at least ${min}s (e.g. 20s, 1m, 500ms)`);
  return s;
}

/** Checks --min/--max together. */
export function checkBounds(minPerS: number, maxPerS: number): void {
  if (minPerS > maxPerS) {
    throw new StampedeError('E_USAGE', `--min: ${minPerS}/s is above --max ${maxPerS}/s`);
  }
}
