/**
 * The recipient providers (ISPs) in the model: what the mail sink does to each SMTP attempt, by
 * the sink's own pure rules (`targets/mail-sink/throttle-rules.ts`: permanent reject, greylisting,
 * per-connection cap, token bucket), and what the reference sender does about it
 * (`mail-sender.ts`: a 4xx or a closed connection is retried after min(retryMaxS, retryBaseS ×
 * 2^(n-1)), a 5xx or the last attempt gives the mail up). A mail's whole attempt series is
 * worked out when the outbox sends its first attempt, so its arrival in the inbox is known at
 * once (the driver skips the polls before it).
 *
 * Approximations, each small where the shipped profiles run:
 * - attempts go round-robin over the sender's `mailConnections` pooled connections; a 421 closes
 *   the connection it came on (its per-connection counts restart), as the sink's does;
 * - a mail's retries are decided when its first attempt is, so the bucket and the connection
 *   counts see them in that order rather than strictly in time order;
 * - a pair that passed greylisting passes from then on (one bit per account, not a table of
 *   first-seen times: a day has tens of millions of pairs).
 */
import { accountAddress } from '../../../harness/arrivals/account-domain.js';
import {
  type Bucket,
  type DomainLimits,
  decideRecipient,
  fullBucket,
} from '../../mail-sink/throttle-rules.js';
import type { ReferenceConfig } from '../reference-config.js';

/** A mail given up (rejected for good, or out of attempts): it never reaches the inbox. */
export const NEVER_NS = Number.MAX_VALUE;

/** When a mail reached the inbox and what it took. */
export interface Delivery {
  /** ns from t0, or NEVER_NS. */
  arrivalNs: number;
  /** SMTP attempts the mail took (each takes one of the outbox's send slots). */
  attempts: number;
}

interface DomainState {
  readonly limits: DomainLimits;
  bucket: Bucket;
  /** Accepted on each pooled connection since it was (re)opened. */
  readonly onConnection: Int32Array;
}

const PAGE_BITS = 1 << 20;

/** The providers' side of the model's mail. */
export class ModelIsp {
  readonly #domains = new Map<string, DomainState>();
  readonly #cfg: ReferenceConfig;
  readonly #connections: number;
  /** Greylist passes, one bit per account, in lazily allocated pages. */
  readonly #passed: (Uint8Array | undefined)[] = [];
  #nextConnection = 0;

  /** `limits`: per lower-case domain name; other domains accept everything at once. */
  constructor(cfg: ReferenceConfig, limits: Readonly<Record<string, DomainLimits>>) {
    this.#cfg = cfg;
    this.#connections = cfg.mailConnections;
    for (const [name, l] of Object.entries(limits)) {
      this.#domains.set(name, {
        limits: l,
        bucket: fullBucket(l, 0),
        onConnection: new Int32Array(this.#connections),
      });
    }
  }

  /** The attempt series of account `index`'s mail to `domain`, first attempt at `firstNs`. */
  deliver(index: number, account: string, domain: string, firstNs: number, out: Delivery): Delivery {
    const d = this.#domains.get(domain);
    out.attempts = 1;
    out.arrivalNs = firstNs;
    if (!d) return out;
    const recipient = accountAddress(account, index, () => domain);
    let firstSeenMs = this.#hasPassed(index) ? Number.NEGATIVE_INFINITY : undefined;
    let tMs = firstNs / 1e6;
    for (let attempt = 1; ; attempt++) {
      const conn = this.#nextConnection;
      this.#nextConnection = (conn + 1) % this.#connections;
      const decision = decideRecipient(d.limits, {
        nowMs: tMs,
        recipient,
        acceptedOnConnection: d.onConnection[conn] ?? 0,
        firstSeenMs,
        bucket: d.bucket,
      });
      d.bucket = decision.bucket;
      firstSeenMs = decision.firstSeenMs;
      out.attempts = attempt;
      if (decision.verdict === 'accept') {
        d.onConnection[conn]!++;
        this.#pass(index);
        out.arrivalNs = tMs * 1e6;
        return out;
      }
      // 550: the mailbox does not exist; the sender gives up at once.
      if (decision.verdict === 'reject' || attempt >= this.#cfg.mailAttempts) break;
      // A 421 closes the connection: the pool opens a fresh one in its place.
      if (decision.verdict !== 'greylist') this.#closeConnection(conn);
      tMs += Math.min(this.#cfg.mailRetryMaxS, this.#cfg.mailRetryBaseS * 2 ** (attempt - 1)) * 1000;
    }
    out.arrivalNs = NEVER_NS;
    return out;
  }

  #closeConnection(conn: number): void {
    for (const d of this.#domains.values()) d.onConnection[conn] = 0;
  }

  #hasPassed(index: number): boolean {
    const page = this.#passed[Math.floor(index / PAGE_BITS)];
    const bit = index % PAGE_BITS;
    return page !== undefined && ((page[bit >> 3] ?? 0) & (1 << (bit & 7))) !== 0;
  }

  #pass(index: number): void {
    const p = Math.floor(index / PAGE_BITS);
    let page = this.#passed[p];
    if (!page) {
      page = new Uint8Array(PAGE_BITS / 8);
      this.#passed[p] = page;
    }
    const bit = index % PAGE_BITS;
    page[bit >> 3]! |= 1 << (bit & 7);
  }
}
