/**
 * Client retry delays, a pure function of the policy, the attempt number and a random draw, so
 * retry storms are reproducible from the seed and testable with plain numbers.
 */
import type { RetryPolicy } from '../profile/profile.js';

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
