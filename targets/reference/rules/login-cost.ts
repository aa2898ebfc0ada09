/**
 * The CPU a password check costs, shared by the real server and its model. `hashCost` is a
 * multiple of ITERATIONS_PER_COST PBKDF2-SHA256 rounds; the server spends them synchronously on
 * its one event-loop thread, so hashing sets the login capacity of one core. The model turns the
 * same iteration count into seconds with a measured seconds-per-iteration (see
 * `model/cpu-calibration.ts`), so a change of cost changes both the same way.
 *
 * Which requests run one KDF (the server's code, mirrored by the model): every login when
 * cost > 0 (unknown accounts too, so timing does not reveal which names exist), and a confirm
 * whose token was accepted (it hashes the new password). Nothing else hashes.
 */

/** PBKDF2 iterations per unit of `hashCost`; about 1.3 ms of one core per check here. */
export const ITERATIONS_PER_COST = 8192;

/** PBKDF2 iterations of one password check at `hashCost` (0 = no KDF at all). */
export function hashIterations(hashCost: number): number {
  return Math.round(hashCost * ITERATIONS_PER_COST);
}

/** Seconds of one core one password check takes at `hashCost`, given the machine's seconds per iteration. */
export function hashSeconds(hashCost: number, secondsPerIteration: number): number {
  return hashIterations(hashCost) * secondsPerIteration;
}
