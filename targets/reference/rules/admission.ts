/**
 * Admission to the admin pool, shared by the real server and its model: whether an offered reset
 * starts on a free worker, waits in the queue, or is turned away (503), and the Retry-After a
 * turned-away client is told. Pure functions of the pool's state.
 */

/** What happens to a reset offered to the pool. */
export type AdmissionDecision = 'start' | 'queue' | 'reject';

/** Outcome of offering a job to the pool, as the service layer sees it. */
export type Admission =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly retryAfterS: number };

/**
 * `start` while fewer than `workers` jobs are in service, `queue` while fewer than `queueLimit`
 * wait, else `reject`: c workers + Q waiting are accepted, the (c + Q + 1)-th is turned away.
 */
export function admit(busy: number, workers: number, waiting: number, queueLimit: number): AdmissionDecision {
  if (busy < workers) return 'start';
  if (waiting < queueLimit) return 'queue';
  return 'reject';
}

/**
 * Retry-After (whole seconds) for a reset turned away because the queue is full: the seconds until
 * every accepted job has finished at full speed (`drainS`, exact from the schedule), rounded up,
 * at least 1 (a 0 would invite an immediate retry into the same full queue).
 */
export function queueFullRetryAfterS(drainS: number): number {
  return Math.max(1, Math.ceil(drainS));
}
