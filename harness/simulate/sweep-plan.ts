/**
 * `--sweep key=a..b`: which values of one capacity key a sweep runs. The step rule: powers of two
 * times `a` (a, 2a, 4a, …) up to `b`, with `b` itself added when the doubling skips it; with
 * `--sweep-steps N`, N values evenly spaced from a to b instead (N >= 2). Integer keys
 * (adminWorkers, resetQueue) are rounded and duplicates dropped.
 */
import { StampedeError } from '../errors.js';
import { CAPACITY_KEYS } from './what-if.js';

/** A parsed sweep. */
export interface SweepPlan {
  readonly key: string;
  readonly values: readonly number[];
  /** The rule, for the outputs: `powers of two` or `N even steps`. */
  readonly rule: string;
}

const INTEGER_KEYS = new Set(['adminWorkers', 'resetQueue']);

/** Parses `--sweep` (and `--sweep-steps`). */
export function parseSweep(value: string, steps: number | undefined): SweepPlan {
  const m = /^([A-Za-z]+)=(\d+(?:\.\d+)?)\.\.(\d+(?:\.\d+)?)$/.exec(value.trim());
  if (!m)
    throw new StampedeError(
      'E_USAGE',
      `--sweep: "${value}" is not key=a..b (e.g. --sweep adminWorkers=4..32)`,
    );
  const key = m[1]!;
  const a = Number(m[2]);
  const b = Number(m[3]);
  if (!CAPACITY_KEYS.includes(key))
    throw new StampedeError('E_USAGE', `--sweep: unknown key "${key}" (one of ${CAPACITY_KEYS.join(', ')})`);
  if (!(a > 0) || !(b >= a)) throw new StampedeError('E_USAGE', `--sweep: "${value}" needs 0 < a <= b`);
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 2 || steps > 100))
    throw new StampedeError('E_USAGE', `--sweep-steps: "${steps}" is not a whole number from 2 to 100`);
  const raw: number[] = [];
  if (steps === undefined) {
    for (let v = a; v <= b * (1 + 1e-12); v *= 2) raw.push(v);
    if (raw[raw.length - 1]! < b) raw.push(b);
  } else {
    for (let i = 0; i < steps; i++) raw.push(a + ((b - a) * i) / (steps - 1));
  }
  const round = INTEGER_KEYS.has(key) ? Math.round : (x: number) => Math.round(x * 1000) / 1000;
  const values = [...new Set(raw.map(round))];
  return { key, values, rule: steps === undefined ? 'powers of two' : `${steps} even steps` };
}
