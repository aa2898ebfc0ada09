/**
 * Outcome classes of one request. A failed request is data: every response or failure lands in
 * exactly one class, and counts are kept per class in arrays indexed by the class's position.
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
] as const;

export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];

/** Index of each class in count arrays. */
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
} as const satisfies Record<string, number>;

export type OutcomeIndex = (typeof Outcome)[keyof typeof Outcome];

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
