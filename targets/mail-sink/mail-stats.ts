/**
 * What the mail pipeline measured, as JSON (the sink's `GET /api/v1/stampede/stats`, the
 * `MailSource` ability of a target, the input of summary.json's `mail` section). Histograms travel
 * encoded (HdrHistogram compressed base64, microseconds) so runs and shards add up exactly; the
 * percentiles beside them are for readers that do not decode.
 */

/** Percentiles of a histogram in milliseconds. */
export interface MsPercentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** What the sink saw for one recipient domain. */
export interface DomainMailStats {
  /** RCPTs answered 250. */
  readonly accepted: number;
  /** Messages stored for a recipient (DATA answered 250): what reached an inbox. */
  readonly delivered: number;
  /** RCPTs refused with 421 because the domain's per-second rate was used up. */
  readonly rateLimited: number;
  /** RCPTs refused with 421 because the connection had carried its share of messages. */
  readonly connectionLimited: number;
  /** RCPTs refused with 451 on a (sender, recipient) pair's first attempt. */
  readonly greylisted: number;
  /** RCPTs refused with 550 (hard reject). */
  readonly rejected: number;
  /** Recipients refused at least once and not delivered since (mails never delivered, so far). */
  readonly lost: number;
  /** Delivered messages in which the token pattern found nothing. */
  readonly noToken: number;
  /** Delivered messages without a valid `X-Stampede-Requested-At` header (no time-to-inbox). */
  readonly noRequestedAt: number;
  /** Time-to-inbox (250 of DATA minus the header's time), encoded HDR histogram of µs. */
  readonly timeToInbox: string;
  readonly timeToInboxMs: MsPercentiles;
}

/** What the backend (only the reference one knows) says about the same mail. */
export interface BackendMailStats {
  /** Reset requests the backend accepted (answered 202 for a real account). */
  readonly resetRequests: number;
  /** Distinct accounts that asked at least once. */
  readonly accountsRequesting: number;
  /** Requests beyond each account's first (users asking again). */
  readonly duplicateRequests: number;
  /** Most requests any one account made. */
  readonly maxRequestsPerAccount: number;
  /** Mails handed to the SMTP sender / sent with a 250 / 4xx answers / given up (5xx or attempts used). */
  readonly mailsQueued: number;
  readonly mailsSent: number;
  readonly mailDeferrals: number;
  readonly mailsGaveUp: number;
  /** Mails never attempted by the end (still waiting for a send slot): lost, unseen by the sink. */
  readonly mailsUnsent: number;
  /** reset-confirm attempts with a token that had expired before use (answered 410). */
  readonly expiredConfirms: number;
  /** Accounts that confirmed a reset. */
  readonly completed: number;
  /** First reset request to confirmed reset per account, encoded HDR histogram of µs. */
  readonly completion: string;
}

/** The whole mail figure set of a run. */
export interface MailStats {
  readonly version: 1;
  readonly domains: Readonly<Record<string, DomainMailStats>>;
  readonly backend?: BackendMailStats;
}

/** Header the backend sets on each reset mail: epoch ms at which it accepted the reset request. */
export const REQUESTED_AT_HEADER = 'x-stampede-requested-at';
