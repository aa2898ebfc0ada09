/**
 * How long a run waits after its last arrival for the sessions still running (the drain),
 * derived from the flows so that a session that arrived last can finish: for each flow, the sum
 * over its steps of a high quantile of the step's think time, plus its attempts at their worst
 * (maxAttempts × (request timeout + the largest backoff)), plus, for a mail wait, the step's mail
 * timeout; the longest flow wins, capped at DRAIN_CAP_S. docs/measurement.md#drain defines it.
 */
import type { Flow, FlowStep, Profile, RetryPolicy, ThinkTime } from '../profile/profile.js';

/** The drain never exceeds this many seconds unless `--drain` says so (a day-long surge's tail). */
export const DRAIN_CAP_S = 1800;

/** p99 of a think-time distribution, seconds. */
export function thinkP99S(t: ThinkTime): number {
  switch (t.dist) {
    case 'fixed':
      return t.s;
    case 'uniform':
      return t.minS + 0.99 * (t.maxS - t.minS);
    case 'exponential':
      // P(X > x) = e^(-x/mean) = 1 % at x = mean * ln(100).
      return t.meanS * Math.log(100);
    case 'normal':
      return Math.max(0, t.meanS + 2.3263 * t.sdS);
  }
}

/** The largest wait before any retry of `policy` (its last one, before jitter shortens it). */
export function largestBackoffS(policy: RetryPolicy): number {
  const n = policy.maxAttempts - 1;
  if (n < 1) return 0;
  const base =
    policy.backoff === 'exponential'
      ? policy.baseS * 2 ** (n - 1)
      : policy.backoff === 'linear'
        ? policy.baseS * n
        : policy.baseS;
  return policy.maxS > 0 ? Math.min(base, policy.maxS) : base;
}

/** The longest one step can take, seconds. */
export function stepBoundS(step: FlowStep, requestTimeoutS: number): number {
  const attempts = step.retry.maxAttempts * (requestTimeoutS + largestBackoffS(step.retry));
  const mail = step.kind === 'await-mail' ? step.timeoutS : 0;
  return thinkP99S(step.think) + attempts + mail;
}

/** The longest one session of `flow` can take, seconds. */
export function flowBoundS(flow: Flow, requestTimeoutS: number): number {
  let s = 0;
  for (const step of flow.steps) s += stepBoundS(step, requestTimeoutS);
  return s;
}

/** The derived drain of a profile, seconds (at least 5, at most DRAIN_CAP_S). */
export function derivedDrainS(profile: Profile): number {
  let worst = 0;
  for (const f of profile.flows) worst = Math.max(worst, flowBoundS(f, profile.client.requestTimeoutS));
  return Math.min(DRAIN_CAP_S, Math.max(5, Math.ceil(worst)));
}
