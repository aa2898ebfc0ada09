/**
 * The outcome vocabulary: the class every attempt, and every step's final outcome, lands in. It
 * is shared by the profile (retry `on`), the driver and transports (they classify), and the
 * reports (they count by name), so it is owned by none of them.
 *
 * Classes travel *by name* everywhere a run's data leaves a thread or a file (snapshots, CSV,
 * summary.json, merge): a reader meets a class it does not know as one more key, never as a
 * shifted column. Indices exist only inside one process, for the recorder's preallocated arrays.
 */
export const OUTCOME_CLASSES = [
  'ok',
  '4xx',
  '429',
  '5xx',
  '503',
  'timeout',
  'connect',
  'reset',
  'mail-timeout',
  'invalid',
  /** The target's own code (user code) threw: a bug in the test, never the backend's error. */
  'target-error',
  /** The run ended (drain deadline, stop) while the step was still under way. */
  'cancelled',
] as const;

export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];

/** Index of each class in a process's count arrays (never written to a file or a message). */
export const Outcome = {
  ok: 0,
  c4xx: 1,
  c429: 2,
  c5xx: 3,
  c503: 4,
  timeout: 5,
  connect: 6,
  reset: 7,
  mailTimeout: 8,
  invalid: 9,
  targetError: 10,
  cancelled: 11,
} as const satisfies Record<string, number>;

export type OutcomeIndex = (typeof Outcome)[keyof typeof Outcome];

/**
 * Classes that are not the backend's doing: they are counted and reported apart, and enter no
 * backend error rate (a test bug, or a step the run itself cut short).
 */
export const NOT_BACKEND_CLASSES: readonly OutcomeClass[] = ['target-error', 'cancelled'];

/** Class of an HTTP status that the step did not expect. */
export function outcomeOfStatus(status: number): OutcomeIndex {
  if (status === 429) return Outcome.c429;
  if (status === 503) return Outcome.c503;
  if (status >= 500) return Outcome.c5xx;
  if (status >= 400) return Outcome.c4xx;
  // An unexpected 1xx/2xx/3xx is a response the flow cannot use.
  return Outcome.invalid;
}

export function isOutcomeClass(s: string): s is OutcomeClass {
  return (OUTCOME_CLASSES as readonly string[]).includes(s);
}

/** Counts by class name from a count array indexed as OUTCOME_CLASSES; zero counts left out. */
export function countsByName(counts: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < OUTCOME_CLASSES.length; i++) {
    const n = counts[i] ?? 0;
    if (n > 0) out[OUTCOME_CLASSES[i]!] = n;
  }
  return out;
}

/** Adds counts by name into `into` (classes unknown to this build are kept as they are). */
export function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const k in from) into[k] = (into[k] ?? 0) + (from[k] ?? 0);
}
