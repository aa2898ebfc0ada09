/**
 * Reset-token lifetime, shared by the real server and its model: a token issued at `issuedAt` is
 * valid for `ttlS` seconds; at its expiry instant it is already expired. Times in any one unit,
 * given by `unitsPerSecond` (ms for the server, ns for the model).
 */

/** Why a confirm was refused (all answered 400, kept apart for metrics and tests). */
export type ConsumeResult = 'ok' | 'unknown' | 'expired';

/** The instant a token issued at `issuedAt` stops being valid. */
export function tokenExpiresAt(issuedAt: number, ttlS: number, unitsPerSecond: number): number {
  return issuedAt + ttlS * unitsPerSecond;
}

/** Whether a token expiring at `expiresAt` is still valid at `now` (valid strictly before expiry). */
export function tokenLive(expiresAt: number, now: number): boolean {
  return expiresAt > now;
}

/** The answer to a confirm presenting a token that matched (`matched`) and expires at `expiresAt`. */
export function consumeResult(matched: boolean, expiresAt: number, now: number): ConsumeResult {
  if (!matched) return 'unknown';
  return tokenLive(expiresAt, now) ? 'ok' : 'expired';
}
