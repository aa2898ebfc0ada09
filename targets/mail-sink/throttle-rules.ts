/**
 * How a mail provider (ISP) treats a sender, per recipient domain, as pure functions of
 * (domain limits, time, state): a token bucket on accepted messages per second, a cap on messages
 * per SMTP connection, greylisting of a (sender, recipient) pair's first attempt, and a share of
 * recipients rejected for good. No clock, no timer, no I/O: the SMTP sink feeds them wall-clock
 * milliseconds, the reference backend's discrete-event model feeds them virtual time, and both
 * therefore throttle alike.
 *
 * Order of the checks for one RCPT (what real providers do): a permanent reject first (the
 * mailbox does not exist, retrying cannot help), then greylisting (an unknown pair is deferred
 * before anything is counted), then the per-connection cap, then the rate. Only an accepted
 * recipient takes a token from the bucket.
 */

/** Limits one recipient domain enforces on a sender. 0 means "no limit" for `perS`/`perConnection`. */
export interface DomainLimits {
  /** Accepted messages per second (token bucket refill rate); 0 = unlimited. */
  readonly perS: number;
  /** Bucket size: messages accepted back to back after an idle spell (>= 1 when perS > 0). */
  readonly burst: number;
  /** Messages accepted on one SMTP connection before `421` closes it; 0 = unlimited. */
  readonly perConnection: number;
  /** Greylisting: a pair's first attempt gets `451`; attempts from `greylistS` later pass. 0 = off. */
  readonly greylistS: number;
  /** Share (0..1) of recipient addresses rejected with `550`, chosen by a hash of the address. */
  readonly rejectShare: number;
}

/** A domain that accepts everything at once. */
export const UNLIMITED: DomainLimits = { perS: 0, burst: 1, perConnection: 0, greylistS: 0, rejectShare: 0 };

/** Token-bucket state: tokens held at time `atMs`. */
export interface Bucket {
  readonly tokens: number;
  readonly atMs: number;
}

/** What happens to one RCPT. */
export type RcptVerdict = 'accept' | 'reject' | 'greylist' | 'connection-limit' | 'rate-limit';

/** The SMTP reply a refusing verdict is answered with. */
export interface SmtpReply {
  readonly code: number;
  readonly message: string;
}

/** Replies per refusing verdict; 421 also closes the connection (RFC 5321 4.2.3). */
export const REFUSAL_REPLIES: Readonly<Record<Exclude<RcptVerdict, 'accept'>, SmtpReply>> = {
  reject: { code: 550, message: '5.1.1 mailbox unavailable' },
  greylist: { code: 451, message: '4.7.1 greylisted, try again later' },
  'connection-limit': { code: 421, message: '4.7.0 try again later' },
  'rate-limit': { code: 421, message: '4.7.0 try again later' },
};

/** A bucket full to `burst` at `nowMs` (a sender the domain has not seen yet). */
export function fullBucket(limits: DomainLimits, nowMs: number): Bucket {
  return { tokens: limits.burst, atMs: nowMs };
}

/** The bucket refilled up to `nowMs` (never above `burst`; time never runs backwards here). */
export function refill(limits: DomainLimits, bucket: Bucket, nowMs: number): Bucket {
  if (nowMs <= bucket.atMs) return bucket;
  const tokens = Math.min(limits.burst, bucket.tokens + ((nowMs - bucket.atMs) * limits.perS) / 1000);
  return { tokens, atMs: nowMs };
}

/** Takes one token if the refilled bucket holds one; unlimited domains always give one. */
export function takeToken(
  limits: DomainLimits,
  bucket: Bucket,
  nowMs: number,
): { readonly taken: boolean; readonly bucket: Bucket } {
  if (limits.perS <= 0) return { taken: true, bucket };
  const b = refill(limits, bucket, nowMs);
  // A tiny epsilon: float refill of exactly one token (e.g. 200 ms at 5/s) must count as one.
  if (b.tokens >= 1 - 1e-9)
    return { taken: true, bucket: { tokens: Math.max(0, b.tokens - 1), atMs: b.atMs } };
  return { taken: false, bucket: b };
}

/** The earliest time (ms) a token is available (`nowMs` if one is now). For models and hints. */
export function nextTokenAtMs(limits: DomainLimits, bucket: Bucket, nowMs: number): number {
  if (limits.perS <= 0) return nowMs;
  const b = refill(limits, bucket, nowMs);
  if (b.tokens >= 1 - 1e-9) return nowMs;
  return nowMs + ((1 - b.tokens) * 1000) / limits.perS;
}

/**
 * Greylisting of one (sender, recipient) pair. `firstSeenMs` is when the pair was first tried
 * (undefined: never); the answer carries the value to keep. A pair passes once `greylistS` has
 * elapsed since its first attempt, and keeps passing (the provider remembers it).
 */
export function greylist(
  greylistS: number,
  firstSeenMs: number | undefined,
  nowMs: number,
): { readonly pass: boolean; readonly firstSeenMs: number | undefined } {
  if (greylistS <= 0) return { pass: true, firstSeenMs };
  if (firstSeenMs === undefined) return { pass: false, firstSeenMs: nowMs };
  return { pass: nowMs - firstSeenMs >= greylistS * 1000, firstSeenMs };
}

/**
 * Whether `address` is one of the domain's rejected recipients: FNV-1a of the lower-cased
 * address mapped to [0, 1) below `rejectShare`. Deterministic, so a retry is rejected again, as a
 * mailbox that does not exist is.
 */
export function rejectsRecipient(rejectShare: number, address: string): boolean {
  if (rejectShare <= 0) return false;
  if (rejectShare >= 1) return true;
  return addressHash(address) / 4294967296 < rejectShare;
}

/** 32-bit FNV-1a of the lower-cased address (stable across processes and versions). */
export function addressHash(address: string): number {
  let h = 0x811c9dc5;
  const s = address.toLowerCase();
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Everything one RCPT decision reads. */
export interface RcptInput {
  readonly nowMs: number;
  readonly recipient: string;
  /** Recipients of this domain already accepted on this connection. */
  readonly acceptedOnConnection: number;
  /** When this (sender, recipient) pair was first tried; undefined: never. */
  readonly firstSeenMs: number | undefined;
  /** The domain's bucket as last left. */
  readonly bucket: Bucket;
}

/** The verdict plus the state to keep for the next decision. */
export interface RcptDecision {
  readonly verdict: RcptVerdict;
  readonly bucket: Bucket;
  readonly firstSeenMs: number | undefined;
}

/** Decides one RCPT of `recipient` under `limits` (see the file comment for the order). */
export function decideRecipient(limits: DomainLimits, input: RcptInput): RcptDecision {
  const { nowMs, bucket } = input;
  if (rejectsRecipient(limits.rejectShare, input.recipient)) {
    return { verdict: 'reject', bucket, firstSeenMs: input.firstSeenMs };
  }
  const grey = greylist(limits.greylistS, input.firstSeenMs, nowMs);
  if (!grey.pass) return { verdict: 'greylist', bucket, firstSeenMs: grey.firstSeenMs };
  if (limits.perConnection > 0 && input.acceptedOnConnection >= limits.perConnection) {
    return { verdict: 'connection-limit', bucket, firstSeenMs: grey.firstSeenMs };
  }
  const take = takeToken(limits, bucket, nowMs);
  return {
    verdict: take.taken ? 'accept' : 'rate-limit',
    bucket: take.bucket,
    firstSeenMs: grey.firstSeenMs,
  };
}

/** The domain part of an address, lower-cased ('' when there is none). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}
