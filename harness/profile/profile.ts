/**
 * The resolved profile: what a YAML profile means after `extends`, `rateScale` and `timeScale`
 * are applied and every default is filled in. Everything downstream (arrival stream, driver,
 * k6 exporter, reports) consumes this shape, never the YAML. Times are seconds (floats), rates are
 * arrivals (sessions) per second.
 */
import type { OutcomeClass } from '../vocabulary/outcome.js';

/** The fixed vocabulary of steps a target knows how to perform. */
export const STEP_KINDS = ['login', 'reset-request', 'await-mail', 'reset-confirm', 'login-new'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** How arrivals are spread inside the rate curve. */
export type ArrivalProcess = 'poisson' | 'uniform';

/** A phase's rate shape over its own duration; all rates are arrivals per second. */
export type PhaseShape =
  | { readonly shape: 'constant'; readonly rate: number }
  | { readonly shape: 'ramp'; readonly from: number; readonly to: number }
  /** `steps` equal plateaus climbing from `from` to `to` (first plateau = from, last = to). */
  | { readonly shape: 'step'; readonly from: number; readonly to: number; readonly steps: number }
  /** `base` rate with a rectangular burst to `peak` from `atS` for `widthS` (offsets within the phase). */
  | {
      readonly shape: 'spike';
      readonly base: number;
      readonly peak: number;
      readonly atS: number;
      readonly widthS: number;
    };

/** One segment of a region's arrival curve. */
export type Phase = PhaseShape & {
  readonly name: string;
  readonly durationS: number;
  readonly process: ArrivalProcess;
  /** Flow mix override for this phase: flow name -> weight (normalized). Absent: the flows' weights. */
  readonly mix?: Readonly<Record<string, number>>;
};

/** A region reopens at `startS` (offset from the run start) and then walks its phases in order. */
export interface Region {
  readonly name: string;
  readonly startS: number;
  readonly phases: readonly Phase[];
}

/** The service is taken down (maintenance, 503 + Retry-After) while users keep arriving. */
export interface Outage {
  readonly name: string;
  readonly startS: number;
  readonly durationS: number;
  /** Region names affected; empty means all regions. */
  readonly regions: readonly string[];
}

/** A think-time distribution, sampled from the session's seeded RNG. */
export type ThinkTime =
  | { readonly dist: 'fixed'; readonly s: number }
  | { readonly dist: 'uniform'; readonly minS: number; readonly maxS: number }
  | { readonly dist: 'exponential'; readonly meanS: number }
  | { readonly dist: 'normal'; readonly meanS: number; readonly sdS: number };

/** Client retry behaviour; a retry storm is part of a surge, so this is modelled, not hidden. */
export interface RetryPolicy {
  /** Total attempts including the first; 1 = no retries. */
  readonly maxAttempts: number;
  readonly backoff: 'none' | 'linear' | 'exponential';
  readonly baseS: number;
  readonly maxS: number;
  readonly jitter: 'none' | 'full' | 'equal';
  /** Outcome classes that trigger a retry. */
  readonly on: readonly OutcomeClass[];
  /** Wait at least the server's `Retry-After` when it sends one. */
  readonly respectRetryAfter: boolean;
}

/** One step of a flow. `name` is the reporting key (unique per flow; equal names across flows merge). */
export interface FlowStep {
  readonly name: string;
  readonly kind: StepKind;
  /** Think time before this step (after the previous step completed). */
  readonly think: ThinkTime;
  /** HTTP statuses that count as success for this step. */
  readonly expect: readonly number[];
  readonly retry: RetryPolicy;
  /** await-mail only: poll period and give-up deadline. */
  readonly pollEveryS: number;
  readonly timeoutS: number;
}

/** Which part of the population a flow draws its accounts from. */
export type AccountPool = 'must-reset' | 'no-reset' | 'all';

/**
 * A user's patience with the reset mail: after waiting `afterS` in await-mail with no mail, the
 * session goes back to its reset-request step, at most `max` extra times per session.
 */
export interface ReRequestPolicy {
  readonly afterS: number;
  readonly max: number;
}

export interface Flow {
  readonly name: string;
  /** Normalized weight (all flows sum to 1). */
  readonly weight: number;
  readonly accounts: AccountPool;
  readonly steps: readonly FlowStep[];
  /** Present only when the profile declares it: users of this flow ask again for the mail. */
  readonly reRequest?: ReRequestPolicy;
}

/**
 * A recipient mail domain: its share of the accounts and the limits its mail servers put on a
 * sender (enforced by the mail sink, modelled by the reference model). 0 = unlimited for
 * `perS`/`perConnection`; `greylistS` 0 = no greylisting.
 */
export interface MailDomain {
  readonly name: string;
  readonly share: number;
  readonly perS: number;
  /** Token-bucket size (default: one second's worth, at least 1). */
  readonly burst: number;
  readonly perConnection: number;
  readonly greylistS: number;
  readonly rejectShare: number;
}

export interface Population {
  /** Number of accounts (up to 1e9); account i is `user-<i, zero padded>`. */
  readonly accounts: number;
  readonly seed: number;
  /** Accounts with index < floor(accounts * mustResetShare) must reset their password. */
  readonly mustResetShare: number;
  /**
   * Recipient domains in profile order (empty: every address at example.test, unthrottled);
   * account i's domain is `accountDomainPicker(domains, seed)(i)` (harness/arrivals/account-domain.ts).
   */
  readonly domains: readonly MailDomain[];
}

/** Driver-side client settings. */
export interface ClientOptions {
  /** Cap on sessions in flight per run; arrivals beyond it are counted as dropped. */
  readonly maxInFlight: number;
  readonly connections: number;
  readonly pipelining: number;
  readonly connectTimeoutS: number;
  /** Deadline for one request (headers and body). */
  readonly requestTimeoutS: number;
  /** Recording interval. */
  readonly intervalS: number;
}

/** Capacity of the embedded reference target; every field optional, the target has defaults. */
export interface ReferenceCapacity {
  readonly adminWorkers?: number;
  readonly resetServiceMs?: number;
  readonly resetQueue?: number;
  readonly mailPerS?: number;
  readonly mailConnections?: number;
  readonly mailAttempts?: number;
  readonly mailRetryBaseS?: number;
  readonly mailRetryMaxS?: number;
  readonly hashCost?: number;
  readonly tokenTtlS?: number;
}

export interface Profile {
  readonly name: string;
  readonly description: string;
  /** Absolute path of the YAML file this was loaded from. */
  readonly file: string;
  readonly population: Population;
  readonly flows: readonly Flow[];
  readonly regions: readonly Region[];
  readonly outages: readonly Outage[];
  /** Gate expressions, unparsed (the gates module parses them before a run starts). */
  readonly gates: readonly string[];
  readonly client: ClientOptions;
  readonly reference: ReferenceCapacity;
  /** Scales already applied (kept for reports). */
  readonly rateScale: number;
  readonly timeScale: number;
}
