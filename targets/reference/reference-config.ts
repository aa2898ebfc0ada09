/**
 * The reference service's configuration: capacity knobs and population, with defaults and one
 * validation used by every entry (the driver's StartContext, `stampede serve reference` flags).
 */
import { StampedeError } from '../../harness/errors.js';

/** Everything the reference server needs to run. */
export interface ReferenceConfig {
  readonly adminWorkers: number;
  readonly resetServiceMs: number;
  readonly resetQueue: number;
  /** SMTP send attempts per second (first attempts and retries share it). */
  readonly mailPerS: number;
  /** Pooled SMTP connections to the relay. */
  readonly mailConnections: number;
  /** SMTP attempts per mail including the first (1 = no retry on 4xx). */
  readonly mailAttempts: number;
  /** Backoff before retry n: min(mailRetryMaxS, mailRetryBaseS * 2^(n-1)). */
  readonly mailRetryBaseS: number;
  readonly mailRetryMaxS: number;
  readonly hashCost: number;
  readonly tokenTtlS: number;
  readonly accounts: number;
  readonly seed: number;
  readonly mustResetShare: number;
}

/** Defaults: a service that handles a modest surge and falls behind a big one. */
export const REFERENCE_DEFAULTS: ReferenceConfig = {
  adminWorkers: 8,
  resetServiceMs: 20,
  resetQueue: 200,
  mailPerS: 500,
  mailConnections: 4,
  mailAttempts: 8,
  mailRetryBaseS: 1,
  mailRetryMaxS: 30,
  hashCost: 1,
  tokenTtlS: 900,
  accounts: 1_000_000,
  seed: 1,
  mustResetShare: 1,
};

interface Rule {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

const RULES: Record<keyof ReferenceConfig, Rule> = {
  adminWorkers: { min: 1, max: 100_000, integer: true },
  resetServiceMs: { min: 0, max: 3_600_000, integer: false },
  resetQueue: { min: 0, max: 100_000_000, integer: true },
  mailPerS: { min: 0.001, max: 10_000_000, integer: false },
  mailConnections: { min: 1, max: 1000, integer: true },
  mailAttempts: { min: 1, max: 1000, integer: true },
  mailRetryBaseS: { min: 0.001, max: 86_400, integer: false },
  mailRetryMaxS: { min: 0.001, max: 86_400, integer: false },
  hashCost: { min: 0, max: 1000, integer: false },
  tokenTtlS: { min: 0.001, max: 31_536_000, integer: false },
  accounts: { min: 1, max: 1e12, integer: true },
  seed: { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
  mustResetShare: { min: 0, max: 1, integer: false },
};

/** The keys a config may carry, for callers that map flags or profile fields onto them. */
export const REFERENCE_KEYS = Object.keys(RULES) as (keyof ReferenceConfig)[];

/**
 * Merges `values` over the defaults and checks each one. `label(key)` names the key as the user
 * wrote it (`--admin-workers`, `reference.adminWorkers`) in the one-line error.
 */
export function resolveReferenceConfig(
  values: Readonly<Record<string, number | undefined>>,
  label: (key: string) => string = (k) => k,
): ReferenceConfig {
  const out: Record<string, number> = { ...REFERENCE_DEFAULTS };
  for (const [key, v] of Object.entries(values)) {
    if (v === undefined) continue;
    const rule = RULES[key as keyof ReferenceConfig];
    if (!rule) throw new StampedeError('E_USAGE', `${label(key)}: unknown reference capacity option`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < rule.min || v > rule.max) {
      throw new StampedeError(
        'E_USAGE',
        `${label(key)}: must be a number in [${rule.min}, ${rule.max}], got ${v}`,
      );
    }
    if (rule.integer && !Number.isInteger(v)) {
      throw new StampedeError('E_USAGE', `${label(key)}: must be an integer, got ${v}`);
    }
    out[key] = v;
  }
  return out as unknown as ReferenceConfig;
}

/** Where the reference service relays its reset mail, and to which recipient domains. */
export interface ReferenceMailRoute {
  /** SMTP relay (stampede's mail sink by default). */
  readonly host: string;
  readonly port: number;
  /** Recipient domains by share (the profile's population.domains); empty: example.test. */
  readonly domains: readonly { readonly name: string; readonly share: number }[];
}
