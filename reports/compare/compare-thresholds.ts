/**
 * The limits `stampede compare` judges by, one per figure, each with its documented default
 * (docs/gates.md "Verdicts" names the same numbers; a change here is a change there), and the
 * parsers of the flags that set them. A parse problem is one `E_USAGE` line naming the flag.
 */
import { StampedeError } from '../../harness/errors.js';

/** Every limit of a comparison. Relative limits are fractions (0.05 = 5 %), points are points. */
export interface CompareThresholds {
  /** Largest tolerated rise of a final error rate (any class, and each class), percentage points. */
  readonly maxErrorIncrease: number;
  /** Largest tolerated relative drop of a flow's goodput (sessions succeeded end to end per s). */
  readonly maxGoodputDrop: number;
  /** Largest tolerated relative drop of a step's throughput (ok answers per s). */
  readonly maxThroughputDrop: number;
  /** Largest tolerated relative slowdown of ok latency (Hodges-Lehmann shift, p99). */
  readonly maxLatencyIncrease: number;
  /** Largest tolerated relative rise of user wait (same test as latency). */
  readonly maxWaitIncrease: number;
  /** Largest tolerated rise of the dropped share of arrivals, percentage points. */
  readonly maxDroppedIncrease: number;
  /** Largest tolerated relative drop of the offered rate at which a step fell behind. */
  readonly maxOnsetDrop: number;
  /** Largest tolerated relative rise of a take-down's drain time (and at least one interval). */
  readonly maxDrainIncrease: number;
  /** Smallest absolute latency or wait shift that can count, ms: loopback noise is below it. */
  readonly minShiftMs: number;
  /** Significance level of the rank test. */
  readonly alpha: number;
  /**
   * Standard scores a count difference must exceed (Poisson for rates, binomial for shares)
   * before its relative change can count: a short run's counts are noisy. 4, not 3: a compare
   * judges ~40 count figures (each step's error rates and throughput, each flow's goodput and
   * drops), and at 3 (one-sided p 0.13 %) a 4-second same-build pair alarmed on one in
   * three pairs' worth of flow-mix luck (login 86 of 217 arrivals against 60 of 243, z -3.4);
   * at 4 (p 3·10⁻⁵) forty figures stay under 0.2 % together.
   */
  readonly minZ: number;
}

/** The documented defaults. */
export const COMPARE_DEFAULTS: CompareThresholds = {
  maxErrorIncrease: 1,
  maxGoodputDrop: 0.05,
  maxThroughputDrop: 0.05,
  maxLatencyIncrease: 0.1,
  maxWaitIncrease: 0.1,
  maxDroppedIncrease: 1,
  maxOnsetDrop: 0.1,
  maxDrainIncrease: 0.25,
  minShiftMs: 2,
  alpha: 0.01,
  minZ: 4,
};

const NUMBER = /^(\d+(?:\.\d+)?)$/;

function bad(flag: string, value: string, expected: string): never {
  throw new StampedeError('E_USAGE', `${flag}: "${value}" is not ${expected}`);
}

/** `10%` (or `10`) as a fraction, for relative limits. */
export function parsePercentFlag(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(value.trim());
  if (!m) bad(flag, value, 'a percentage such as 10%');
  return Number(m[1]) / 100;
}

/** `1`, `1pt` or `1pp` as percentage points. */
export function parsePointsFlag(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(?:pt|pp|%)?$/.exec(value.trim());
  if (!m) bad(flag, value, 'percentage points such as 1 or 0.5pt');
  return Number(m[1]);
}

/** `2ms`, `0.5ms`, `1s` or a plain number of ms. */
export function parseMsFlag(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|us)?$/.exec(value.trim());
  if (!m) bad(flag, value, 'a duration such as 2ms');
  const scale = m[2] === 's' ? 1000 : m[2] === 'us' ? 0.001 : 1;
  return Number(m[1]) * scale;
}

/** A probability in (0, 1). */
export function parseAlphaFlag(flag: string, value: string): number {
  const m = NUMBER.exec(value.trim());
  const a = m ? Number(m[1]) : Number.NaN;
  if (!(a > 0 && a < 1)) bad(flag, value, 'a significance level in (0, 1) such as 0.01');
  return a;
}

/** The flags as the CLI receives them (strings, absent = default). */
export type ThresholdFlags = Partial<Record<(typeof THRESHOLD_FLAGS)[number], string>>;

/** Flag names, in the order `--help` lists them. */
export const THRESHOLD_FLAGS = [
  'max-error-increase',
  'max-goodput-drop',
  'max-throughput-drop',
  'max-regression',
  'max-wait-increase',
  'max-dropped-increase',
  'max-onset-drop',
  'max-drain-increase',
  'min-shift',
  'alpha',
] as const;

/** The thresholds from the flags given, defaults for the rest. */
export function thresholdsFromFlags(flags: ThresholdFlags): CompareThresholds {
  const d = COMPARE_DEFAULTS;
  const pick = <T>(name: keyof ThresholdFlags, parse: (f: string, v: string) => T, fallback: T): T => {
    const v = flags[name];
    return v === undefined ? fallback : parse(`--${name}`, v);
  };
  return {
    maxErrorIncrease: pick('max-error-increase', parsePointsFlag, d.maxErrorIncrease),
    maxGoodputDrop: pick('max-goodput-drop', parsePercentFlag, d.maxGoodputDrop),
    maxThroughputDrop: pick('max-throughput-drop', parsePercentFlag, d.maxThroughputDrop),
    maxLatencyIncrease: pick('max-regression', parsePercentFlag, d.maxLatencyIncrease),
    maxWaitIncrease: pick('max-wait-increase', parsePercentFlag, d.maxWaitIncrease),
    maxDroppedIncrease: pick('max-dropped-increase', parsePointsFlag, d.maxDroppedIncrease),
    maxOnsetDrop: pick('max-onset-drop', parsePercentFlag, d.maxOnsetDrop),
    maxDrainIncrease: pick('max-drain-increase', parsePercentFlag, d.maxDrainIncrease),
    minShiftMs: pick('min-shift', parseMsFlag, d.minShiftMs),
    alpha: pick('alpha', parseAlphaFlag, d.alpha),
    minZ: d.minZ,
  };
}
