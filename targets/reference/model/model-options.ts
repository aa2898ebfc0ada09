/**
 * What the reference model is built from: the very `ReferenceConfig` the real server runs with,
 * plus the few figures a model needs that a config does not hold (the machine's seconds per
 * PBKDF2 iteration, the per-request CPU overhead) and the mail plug-ins (ISP throttle rule,
 * recipient domain of an account).
 */
import { StampedeError } from '../../../harness/errors.js';
import type { DomainLimits } from '../../mail-sink/throttle-rules.js';
import type { ReferenceConfig } from '../reference-config.js';
import { type MailDeliveryRule, NO_ISP_THROTTLE } from '../rules/mail-pacing.js';

/**
 * Seconds of one core per PBKDF2-SHA256 iteration, measured on the project's 2-core machine while
 * shared (7 runs of 32768 iterations: 164-230 ns, median 172 ns; ~1.4 ms per hashCost unit).
 * Use `measureSecondsPerIteration()` for the machine a comparison runs on.
 */
export const DEFAULT_SECONDS_PER_ITERATION = 172e-9;

/** Options of a reference model. */
export interface ReferenceModelOptions {
  /** The server's configuration (capacity knobs and population), resolved. */
  readonly config: ReferenceConfig;
  /** Seconds of one core per PBKDF2 iteration (default DEFAULT_SECONDS_PER_ITERATION). */
  readonly secondsPerIteration?: number;
  /** CPU seconds every request costs on the server's core besides hashing (default 0). */
  readonly requestOverheadS?: number;
  /** The ISPs' throttle between the outbox and the inbox (default: none). */
  readonly mailDelivery?: MailDeliveryRule;
  /** Recipient mail domain of account `index` (default: every account at `example.com`). */
  readonly domainOf?: (index: number) => string;
  /**
   * The recipient domains' limits as the mail sink enforces them (`population.domains`): when
   * set, each mail's SMTP attempts run through the sink's rules and the sender's retry policy
   * (`model-isp.ts`) instead of `mailDelivery`.
   */
  readonly ispLimits?: Readonly<Record<string, DomainLimits>>;
  /**
   * Forget a mail once its token is consumed (default false = keep it in the mailbox, as the
   * server does). A full-day simulation sets it to bound memory by the sessions in flight; a
   * second reset of the same account then sees an empty mailbox where the server shows old mail.
   */
  readonly forgetConsumedMail?: boolean;
  /**
   * Forget an unread mail this many seconds after it became readable (or, given up, after it was
   * issued) and after its token expired (default: never, as the server). A full day sends
   * millions of mails whose users gave up before they came: kept, they would hold gigabytes. Set
   * it past every await-mail timeout: only a later session of the same account then sees an
   * empty inbox where the server would show the old, expired mail.
   */
  readonly forgetUnreadMailAfterS?: number;
  /**
   * Keep the per-request counters and latency histogram /metrics renders (default true). A
   * simulation reads the model's gauges directly (harness/simulate/model-gauges.ts) and turns
   * them off: ~10^8 requests a day would each pay a keyed Map update and a bucket search.
   */
  readonly serverMetrics?: boolean;
}

/** The options with defaults applied and times in integer ns. */
export interface ResolvedModelOptions {
  readonly config: ReferenceConfig;
  readonly secondsPerIteration: number;
  readonly requestOverheadNs: number;
  readonly resetServiceNs: number;
  readonly mailIntervalNs: number;
  readonly mailDelivery: MailDeliveryRule;
  readonly domainOf: (index: number) => string;
  readonly ispLimits: Readonly<Record<string, DomainLimits>> | undefined;
  readonly forgetConsumedMail: boolean;
  /** Infinity: never. */
  readonly forgetUnreadMailAfterNs: number;
  readonly serverMetrics: boolean;
}

const EXAMPLE_DOMAIN = (): string => 'example.com';

/** Applies defaults and checks the model-only figures (the config was checked when resolved). */
export function resolveModelOptions(o: ReferenceModelOptions): ResolvedModelOptions {
  const spi = o.secondsPerIteration ?? DEFAULT_SECONDS_PER_ITERATION;
  if (!(spi >= 0 && Number.isFinite(spi))) {
    throw new StampedeError('E_USAGE', `model.secondsPerIteration: must be a number >= 0, got ${spi}`);
  }
  const overhead = o.requestOverheadS ?? 0;
  if (!(overhead >= 0 && Number.isFinite(overhead))) {
    throw new StampedeError('E_USAGE', `model.requestOverheadS: must be a number >= 0, got ${overhead}`);
  }
  return {
    config: o.config,
    secondsPerIteration: spi,
    requestOverheadNs: Math.round(overhead * 1e9),
    // Integer ns keep the admin schedule's predicted ends identical to its computed ones.
    resetServiceNs: Math.round(o.config.resetServiceMs * 1e6),
    mailIntervalNs: 1e9 / o.config.mailPerS,
    mailDelivery: o.mailDelivery ?? NO_ISP_THROTTLE,
    domainOf: o.domainOf ?? EXAMPLE_DOMAIN,
    ispLimits: o.ispLimits,
    forgetConsumedMail: o.forgetConsumedMail ?? false,
    forgetUnreadMailAfterNs: (o.forgetUnreadMailAfterS ?? Number.POSITIVE_INFINITY) * 1e9,
    serverMetrics: o.serverMetrics ?? true,
  };
}
