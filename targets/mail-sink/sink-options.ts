/**
 * The mail sink's settings (where it listens, each domain's limits, the token pattern, how many
 * messages it keeps) with defaults and one check used by every entry: the child process of a run,
 * `stampede mail-sink` flags, an http target file's `mailbox.sink`.
 */
import { StampedeError } from '../../harness/errors.js';
import { DEFAULT_KEEP } from './message-store.js';
import type { DomainLimits } from './throttle-rules.js';

/** Limits as a user writes them: every field optional. */
export interface DomainLimitsInput {
  readonly perS?: number;
  readonly burst?: number;
  readonly perConnection?: number;
  readonly greylistS?: number;
  readonly rejectShare?: number;
}

/** Everything the sink needs; JSON-serializable (it crosses to the child process in argv). */
export interface SinkOptions {
  readonly host: string;
  /** SMTP port; 0 = any free port. */
  readonly smtpPort: number;
  /** HTTP API port; 0 = any free port. */
  readonly apiPort: number;
  /** Limits per recipient domain (lower-case names); other domains are unlimited. */
  readonly domains: Readonly<Record<string, DomainLimits>>;
  /** Regex source finding the token in a mail's text (group 1 if it has one, else the match). */
  readonly tokenPattern: string;
  /** Messages kept for the API (oldest evicted first). */
  readonly keep: number;
}

/** The reference backend's reset link carries `token=<32 hex>`; most backends' links look alike. */
export const DEFAULT_TOKEN_PATTERN = '[?&]token=([0-9A-Za-z_-]+)';

/** Defaults: loopback, any ports, no throttling. */
export const SINK_DEFAULTS: SinkOptions = {
  host: '127.0.0.1',
  smtpPort: 0,
  apiPort: 0,
  domains: {},
  tokenPattern: DEFAULT_TOKEN_PATTERN,
  keep: DEFAULT_KEEP,
};

/**
 * Fills a domain's limits: unlimited rate and connection share, no greylisting, no rejects;
 * `burst` defaults to one second's worth of messages (at least one). `where` names the input
 * (`--throttle gmail.test`, `population.domains.gmail.test`) in the one-line error.
 */
export function resolveDomainLimits(input: DomainLimitsInput, where: string): DomainLimits {
  const num = (key: keyof DomainLimitsInput, min: number, max: number, integer = false): number => {
    const v = input[key] ?? 0;
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      v < min ||
      v > max ||
      (integer && !Number.isInteger(v))
    ) {
      const kind = integer ? 'an integer' : 'a number';
      throw new StampedeError(
        'E_USAGE',
        `${where}.${key}: must be ${kind} in [${min}, ${max}], got ${String(v)}`,
      );
    }
    return v;
  };
  const perS = num('perS', 0, 10_000_000);
  const perConnection = num('perConnection', 0, 1e9, true);
  const greylistS = num('greylistS', 0, 86_400);
  const rejectShare = num('rejectShare', 0, 1);
  const burst = input.burst === undefined ? Math.max(1, Math.ceil(perS)) : num('burst', 1, 1e9, true);
  return { perS, burst, perConnection, greylistS, rejectShare };
}

/** A domain name as the sink keys it: letters, digits, '-' and '.', at least one dot. */
export const DOMAIN_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Checks a token pattern compiles; the one-line error names `where`. */
export function checkTokenPattern(pattern: string, where: string): void {
  try {
    new RegExp(pattern);
  } catch (err: unknown) {
    throw new StampedeError('E_USAGE', `${where}: not a regular expression (${(err as Error).message})`);
  }
}

/** Merges `partial` over the defaults and checks it. */
export function resolveSinkOptions(partial: Partial<SinkOptions>): SinkOptions {
  const o: SinkOptions = { ...SINK_DEFAULTS, ...partial };
  for (const [key, port] of [
    ['smtpPort', o.smtpPort],
    ['apiPort', o.apiPort],
  ] as const) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new StampedeError('E_USAGE', `${key}: must be an integer in [0, 65535], got ${port}`);
    }
  }
  if (!Number.isInteger(o.keep) || o.keep < 1) {
    throw new StampedeError('E_USAGE', `keep: must be an integer >= 1, got ${o.keep}`);
  }
  checkTokenPattern(o.tokenPattern, 'tokenPattern');
  for (const name of Object.keys(o.domains)) {
    if (!DOMAIN_NAME.test(name))
      throw new StampedeError('E_USAGE', `"${name}": not a lower-case domain name`);
  }
  return o;
}

/** The sink's domain table of a profile's `population.domains` (limits only; shares stay with the profile). */
export function sinkDomains(
  domains: readonly (DomainLimits & { readonly name: string })[],
): Record<string, DomainLimits> {
  const out: Record<string, DomainLimits> = {};
  for (const d of domains) {
    out[d.name] = {
      perS: d.perS,
      burst: d.burst,
      perConnection: d.perConnection,
      greylistS: d.greylistS,
      rejectShare: d.rejectShare,
    };
  }
  return out;
}
