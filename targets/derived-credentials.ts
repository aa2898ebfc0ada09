/**
 * An optional ability of a Target: its account names and initial passwords are a pure, cheap
 * function of the account index that never throws (the reference population's rule). The driver
 * then derives them whenever a step reads them instead of holding two strings per session: a
 * simulated day holds ~3 M sessions at once in a take-down's Retry-After herd, and the two
 * strings were ~185 of the ~700 bytes each of them cost.
 *
 * `credentials(i)` must answer `{ account: accountOf(i), password: passwordOf(i) }`.
 */
import type { Target } from './target.js';

/** Credentials as functions of the index (see the file's head). */
export interface DerivedCredentials {
  /** Account name of index `index`, as `credentials(index).account`. */
  accountOf(index: number): string;
  /** Initial password of index `index`, as `credentials(index).password`. */
  passwordOf(index: number): string;
}

/** Whether `t` derives its credentials from the index (`DerivedCredentials`). */
export function hasDerivedCredentials(t: Target): t is Target & DerivedCredentials {
  const d = t as Partial<DerivedCredentials>;
  return typeof d.accountOf === 'function' && typeof d.passwordOf === 'function';
}
