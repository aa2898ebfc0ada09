/**
 * Client retry delays, a pure function of the policy, the attempt number and a random draw, so
 * retry storms are reproducible from the seed and testable with plain numbers.
 */
import type { RetryPolicy } from '../profile/profile.js';
import type { ResponseHeaders } from '../transports/transport.js';
import { OUTCOME_CLASSES, type OutcomeIndex } from '../vocabulary/outcome.js';

/**
 * Seconds to wait before attempt `nextAttempt` (2 = first retry). `random` is a uniform draw in
 * [0,1); `retryAfterS` is the server's Retry-After when it sent one (else NaN).
 */
export function retryDelayS(
  policy: RetryPolicy,
  nextAttempt: number,
  random: number,
  retryAfterS: number,
): number {
  const n = nextAttempt - 1;
  let base: number;
  switch (policy.backoff) {
    case 'none':
      base = policy.baseS;
      break;
    case 'linear':
      base = policy.baseS * n;
      break;
    case 'exponential':
      base = policy.baseS * 2 ** (n - 1);
      break;
  }
  if (policy.maxS > 0 && base > policy.maxS) base = policy.maxS;
  let delay: number;
  switch (policy.jitter) {
    case 'none':
      delay = base;
      break;
    case 'full':
      delay = base * random;
      break;
    case 'equal':
      delay = base / 2 + (base / 2) * random;
      break;
  }
  if (policy.respectRetryAfter && retryAfterS > delay) delay = retryAfterS;
  return delay;
}

/** Retry-on lookup per outcome index, built once per policy (the hot path asks per failure). */
const retryMasks = new WeakMap<RetryPolicy, boolean[]>();

/** Whether `policy` retries an attempt that ended as `outcome`. */
export function shouldRetry(policy: RetryPolicy, outcome: OutcomeIndex): boolean {
  let mask = retryMasks.get(policy);
  if (!mask) {
    mask = OUTCOME_CLASSES.map((c) => policy.on.includes(c));
    retryMasks.set(policy, mask);
  }
  return mask[outcome] === true;
}

/**
 * The server's `Retry-After` in seconds, or NaN when absent or unreadable. An HTTP-date is read
 * against the response's own `Date` header, not the local clock: the session reads no clock, and
 * the server's two headers agree with each other even when its clock is off.
 */
export function retryAfterS(headers: ResponseHeaders | null): number {
  const v = headers?.['retry-after'];
  if (typeof v !== 'string') return Number.NaN;
  const n = Number(v);
  if (v.trim() !== '' && Number.isFinite(n)) return Math.max(0, n);
  const at = Date.parse(v);
  const date = headers?.date;
  const now = typeof date === 'string' ? Date.parse(date) : Number.NaN;
  return Number.isFinite(at) && Number.isFinite(now) ? Math.max(0, (at - now) / 1000) : Number.NaN;
}
