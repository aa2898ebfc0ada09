/**
 * How many VUs an exported arrival-rate scenario needs: Little's law, L = λ × D. A k6 VU runs one
 * session at a time and is busy for the whole of it (think times, retries with their backoff and
 * Retry-After, waiting through an outage), so the VUs busy at time t are the arrivals of the last
 * D seconds. Too few and k6 turns arrivals away (`dropped_iterations`); a worst case times the
 * peak asks for more VUs than k6 can hold (1-5 MB each). So D is a high quantile of the session
 * duration, and the need is the peak of L(t) over the scenario's own rate curve, times a
 * documented headroom (docs/distributed.md, "VUs"):
 *
 *   D_q      = Σ think means + z_q · sqrt(Σ think variances) + Σ request guesses + Σ mail waits
 *              + the longest retry chain of one step (its delays, at least 1 s each with Retry-After)
 *   hold(s)  = D_q, plus the rest of an outage the session runs into when its retry policy can
 *              wait through it (503 retried; with Retry-After honoured, up to the outage's end)
 *   L(t)     = ∫ r(s) · 1[s <= t < s + hold(s)] ds         (the expected busy VUs)
 *   VUs      = ceil(max_t L(t) × HEADROOM), at least one per k6 instance; maxVUs × RESERVE
 *   capped     so that every scenario's maxVUs add up to at most `client.maxInFlight`, the
 *              profile's own cap on sessions in flight (native runs drop the excess too)
 *
 * k6 scales `preAllocatedVUs` and `maxVUs` by each instance's execution segment, so the options
 * carry the totals and each of N k6-operator pods holds about 1/N of them.
 */
import type { Flow, FlowStep, Profile } from '../profile/profile.js';
import type { K6Stage } from './k6-scenarios.js';

/** Quantile of the session duration the VUs are sized for. */
export const SESSION_QUANTILE = 0.99;
/** z of SESSION_QUANTILE under the normal approximation of a sum of think times. */
const Z_Q = 2.3263;
/** Multiplier on the expected peak of busy VUs (arrival bursts, slower-than-guessed responses). */
export const VU_HEADROOM = 1.25;
/** maxVUs over preAllocatedVUs: a reserve k6 initializes only when every planned VU is busy. */
export const VU_RESERVE = 1.5;
/** Per-request time guess, seconds (the request timeout when shorter). */
export const REQUEST_GUESS_S = 0.25;
/** Mail wait guess: this many polls (capped by the step's timeout). */
export const MAIL_POLLS_GUESS = 4;
/** VUs one k6 instance is expected to hold (1-5 MB each): past it the export says split. */
export const VUS_PER_INSTANCE_CEILING = 4000;

/** What the sizing needs of a scenario: its flow, region, rate curve and start. */
export interface RateShape {
  readonly flow: Flow;
  readonly region: string;
  readonly startS: number;
  /** Iterations per `unitS` at the start, then linear ramps to each stage's target. */
  readonly startRate: number;
  readonly unitS: number;
  readonly stages: readonly { readonly target: number; readonly durationS: number }[];
}

/** The sizing of one scenario, with the figures it came from (for the script's header). */
export interface VuSizing {
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
  /** Expected peak of busy VUs, max_t L(t). */
  readonly peakBusy: number;
  /** D_q of the flow in normal operation, seconds. */
  readonly sessionQuantileS: number;
}

function thinkMoments(t: FlowStep['think']): { mean: number; variance: number } {
  switch (t.dist) {
    case 'fixed':
      return { mean: t.s, variance: 0 };
    case 'uniform':
      return { mean: (t.minS + t.maxS) / 2, variance: (t.maxS - t.minS) ** 2 / 12 };
    case 'exponential':
      return { mean: t.meanS, variance: t.meanS ** 2 };
    case 'normal':
      return { mean: t.meanS, variance: t.sdS ** 2 };
  }
}

/** Delay before attempt n (n >= 2) without jitter: jitter only shortens it. */
function capDelayS(step: FlowStep, n: number): number {
  const p = step.retry;
  const k = n - 1;
  let d = p.backoff === 'none' ? p.baseS : p.backoff === 'linear' ? p.baseS * k : p.baseS * 2 ** (k - 1);
  if (p.maxS > 0 && d > p.maxS) d = p.maxS;
  return d;
}

/** Seconds one step's retries can add: its delays (Retry-After at least 1 s) and the attempts. */
function retryChainS(step: FlowStep, requestS: number): number {
  if (step.retry.on.length === 0 || step.retry.maxAttempts < 2) return 0;
  let s = 0;
  for (let n = 2; n <= step.retry.maxAttempts; n++) {
    const d = capDelayS(step, n);
    s += (step.retry.respectRetryAfter ? Math.max(1, d) : d) + requestS;
  }
  return s;
}

/** D_q: the SESSION_QUANTILE of one flow's session duration in normal operation, seconds. */
export function sessionQuantileS(flow: Flow, requestTimeoutS: number): number {
  const requestS = Math.min(REQUEST_GUESS_S, requestTimeoutS);
  let mean = 0;
  let variance = 0;
  let chain = 0;
  flow.steps.forEach((step, i) => {
    if (i > 0) {
      const m = thinkMoments(step.think);
      mean += m.mean;
      variance += m.variance;
    }
    mean +=
      step.kind === 'await-mail' ? Math.min(step.timeoutS, step.pollEveryS * MAIL_POLLS_GUESS) : requestS;
    chain = Math.max(chain, retryChainS(step, requestS));
  });
  return mean + Z_Q * Math.sqrt(variance) + chain;
}

/** How long a session that runs into an outage can wait for it (Infinity: to its end). */
function outageWaitCapS(flow: Flow): number {
  const first = flow.steps[0];
  if (!first || first.retry.maxAttempts < 2 || !first.retry.on.includes('503')) return 0;
  if (first.retry.respectRetryAfter) return Number.POSITIVE_INFINITY;
  let s = 0;
  for (let n = 2; n <= first.retry.maxAttempts; n++) s += capDelayS(first, n);
  return s;
}

/** The expected peak of busy VUs of one scenario, by a difference array over a time grid. */
export function peakBusyVus(shape: RateShape, profile: Profile): { peak: number; dq: number } {
  const dq = sessionQuantileS(shape.flow, profile.client.requestTimeoutS);
  const cap = outageWaitCapS(shape.flow);
  const outages = profile.outages.filter((o) => o.regions.length === 0 || o.regions.includes(shape.region));
  const spanS = shape.stages.reduce((s, st) => s + st.durationS, 0);
  const longestOutage = outages.reduce((m, o) => Math.max(m, o.durationS), 0);
  const horizon = spanS + dq + Math.min(cap, longestOutage) + 1;
  const dt = Math.min(1, Math.max(0.02, horizon / 50_000));
  const bins = Math.ceil(horizon / dt) + 2;
  const diff = new Float64Array(bins + 1);
  // Walk the stages: rate r(t) is linear within each, in iterations per second.
  let t = 0;
  let prev = shape.startRate / shape.unitS;
  for (const st of shape.stages) {
    const next = st.target / shape.unitS;
    const n = Math.max(1, Math.round(st.durationS / dt));
    const w = st.durationS / n;
    for (let k = 0; k < n; k++) {
      const mid = t + (k + 0.5) * w;
      const rate = prev + ((next - prev) * (k + 0.5)) / n;
      if (rate <= 0) continue;
      const abs = shape.startS + mid;
      let hold = dq;
      for (const o of outages) {
        const end = o.startS + o.durationS;
        if (abs < end && abs + dq > o.startS)
          hold = Math.max(hold, dq + Math.min(cap, end - Math.max(abs, o.startS)));
      }
      const from = Math.floor(mid / dt);
      const to = Math.min(bins, Math.floor((mid + hold) / dt) + 1);
      diff[from]! += rate * w;
      diff[to]! -= rate * w;
    }
    t += st.durationS;
    prev = next;
  }
  let busy = 0;
  let peak = 0;
  for (let i = 0; i < bins; i++) {
    busy += diff[i]!;
    if (busy > peak) peak = busy;
  }
  return { peak, dq };
}

/** Sizing of one scenario for `pods` k6 instances (VUs are totals; k6 splits them by segment). */
export function sizeScenario(shape: RateShape, profile: Profile, pods: number): VuSizing {
  const { peak, dq } = peakBusyVus(shape, profile);
  const pre = Math.max(pods, Math.ceil(peak * VU_HEADROOM));
  return { preAllocatedVUs: pre, maxVUs: Math.ceil(pre * VU_RESERVE), peakBusy: peak, sessionQuantileS: dq };
}

/**
 * `--vus N`: N VUs per k6 instance, spread over the scenarios in proportion to their computed
 * need (at least one per instance each); no reserve beyond it, since the user chose the number.
 */
export function overrideVus(sizings: readonly VuSizing[], vusPerInstance: number, pods: number): VuSizing[] {
  const total = sizings.reduce((s, z) => s + z.peakBusy, 0) || 1;
  return sizings.map((z) => {
    const pre = Math.max(pods, Math.round((vusPerInstance * pods * (z.peakBusy || 0)) / total));
    return { ...z, preAllocatedVUs: pre, maxVUs: pre };
  });
}

/**
 * The profile's `client.maxInFlight` caps the sessions a native run holds at once (it counts the
 * excess as dropped); the k6 equivalent is the same total of VUs over every scenario and pod.
 * Scales every maxVUs down in proportion when they add up to more (preAllocatedVUs at most that).
 */
export function capVus(sizings: readonly VuSizing[], maxInFlight: number, pods: number): VuSizing[] {
  const total = sizings.reduce((s, z) => s + z.maxVUs, 0);
  if (total <= maxInFlight) return [...sizings];
  const f = maxInFlight / total;
  return sizings.map((z) => {
    const max = Math.max(pods, Math.floor(z.maxVUs * f));
    return { ...z, preAllocatedVUs: Math.min(max, z.preAllocatedVUs), maxVUs: max };
  });
}

/** Stages as the sizing reads them (seconds instead of k6 duration strings). */
export function stageSeconds(
  stages: readonly K6Stage[],
  parse: (d: string) => number,
): { target: number; durationS: number }[] {
  return stages.map((s) => ({ target: s.target, durationS: parse(s.duration) }));
}
