/**
 * Durations in a profile: a plain number (seconds) or a string of one or more `<number><unit>`
 * parts with units ms, s, m, h (`1h30m`, `250ms`, `1.5s`). The JSON Schema uses the same pattern
 * (a test keeps the two in step), so an editor flags a bad duration before the loader does.
 */

/** The pattern a duration string must match (anchored); identical to the schema's `duration` pattern. */
export const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/** Seconds per unit. `ms` is listed first so `5ms` is not read as `5m` + `s`. */
const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 };

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/**
 * Seconds for a duration value, or `undefined` when it is not one (wrong type, bad string,
 * negative or non-finite number). Callers report the problem; this only reads.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!DURATION_PATTERN.test(text)) return undefined;
  let seconds = 0;
  for (const m of text.matchAll(PART)) {
    const unit = UNIT_SECONDS[m[2] ?? ''];
    if (unit === undefined) return undefined;
    seconds += Number(m[1]) * unit;
  }
  // Sums of binary fractions (0.1s + 0.2s) are rounded to the nanosecond, the resolution of arrivals.
  return Math.round(seconds * 1e9) / 1e9;
}

/** Human form of a duration in seconds, for messages: `90` -> `1m30s`, `0.25` -> `250ms`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds === 0) return '0s';
  if (seconds < 1) return `${Math.round(seconds * 1e6) / 1e3}ms`;
  let rest = seconds;
  let out = '';
  const h = Math.floor(rest / 3600);
  if (h > 0) {
    out += `${h}h`;
    rest -= h * 3600;
  }
  const m = Math.floor(rest / 60);
  if (m > 0) {
    out += `${m}m`;
    rest -= m * 60;
  }
  if (rest > 0 || out === '') out += `${Math.round(rest * 1000) / 1000}s`;
  return out;
}
