/**
 * The model's confirmation mail, end to end and analytically: a finished reset issues a token at
 * its computed end (the token's issue time); the outbox sends it by the shared pacing rule; the
 * recipient domain's throttle rule says when it reaches the inbox. All three times are known the
 * moment the reset is admitted (admin ends are FIFO, the outbox is FIFO), so the model knows when
 * each mail arrives: a mailbox poll is a lookup, and `firstArrivalNs` lets the driver skip polls.
 *
 * Tokens are 32 hex digits encoding a global sequence number (deterministic, unlike the server's
 * random ones); their lifetime and consume answers follow `rules/token-expiry.ts` and the
 * server's `ResetTokens` (single use; a token already expired when a newer one is issued for the
 * same account is forgotten then, so it answers `unknown`).
 */

import { accountName, accountNameWidth } from '../accounts.js';
import { mailSendAt } from '../rules/mail-pacing.js';
import { type ConsumeResult, consumeResult, tokenExpiresAt, tokenLive } from '../rules/token-expiry.js';
import { MailRecords } from './mail-records.js';
import { type Delivery, ModelIsp, NEVER_NS } from './model-isp.js';
import type { ResolvedModelOptions } from './model-options.js';

/** Messages an inbox keeps (oldest dropped first), as the former in-memory outbox did. */
export const MAILBOX_KEEP = 20;

/** A delivered message as the mailbox API shows it (`deliveredAt`: ms since the model's t0). */
export interface ModelDeliveredMail {
  readonly token: string;
  readonly deliveredAt: number;
}

const HEX32 = /^[0-9a-f]{32}$/;

/** Outbox, ISP delivery, mailboxes and tokens of the model. */
export class ModelMail {
  readonly #o: ResolvedModelOptions;
  readonly #mails = new MailRecords();
  /** Oldest mail not yet sent at the last gauge reading (mails are sent in issue order). */
  #firstUnsent = 1;
  /** Oldest mail not yet forgotten by `forgetUnreadMailAfterS` (issue order). */
  #forgetAt = 1;
  #lastSendNs = Number.NEGATIVE_INFINITY;
  #sentBefore = 0;
  readonly #isp: ModelIsp | undefined;
  readonly #nameWidth: number;
  readonly #delivery: Delivery = { arrivalNs: 0, attempts: 1 };

  constructor(o: ResolvedModelOptions) {
    this.#o = o;
    this.#isp = o.ispLimits === undefined ? undefined : new ModelIsp(o.config, o.ispLimits);
    this.#nameWidth = accountNameWidth(o.config.accounts);
  }

  /**
   * Schedules, at `nowNs`, the mail of a reset of account `index` finishing at `issuedNs` (calls
   * come in non-decreasing `issuedNs`: admin ends are FIFO); returns its arrival time.
   */
  schedule(index: number, issuedNs: number, nowNs: number): number {
    this.#drainSent(nowNs);
    this.#forgetStale(nowNs);
    const sentNs = mailSendAt(this.#lastSendNs, issuedNs, this.#o.mailIntervalNs);
    this.#lastSendNs = sentNs;
    const domain = this.#o.domainOf(index);
    let arrivalNs: number;
    if (this.#isp) {
      const d = this.#isp.deliver(index, accountName(index, this.#nameWidth), domain, sentNs, this.#delivery);
      arrivalNs = d.arrivalNs;
      // Every retry takes a send slot too: charged here, so fresh mail leaves that much later.
      this.#lastSendNs += (d.attempts - 1) * this.#o.mailIntervalNs;
    } else arrivalNs = Math.max(sentNs, this.#o.mailDelivery.arrivalNs(domain, sentNs));
    this.#mails.add(
      index,
      issuedNs,
      sentNs,
      arrivalNs,
      tokenExpiresAt(issuedNs, this.#o.config.tokenTtlS, 1e9),
    );
    return arrivalNs;
  }

  /**
   * Forgets mails readable (or given up) longer than `forgetUnreadMailAfterS` whose tokens
   * expired, in issue order; their columns are freed once they are sent too (the outbox gauge
   * still counts them).
   */
  #forgetStale(nowNs: number): void {
    const keepNs = this.#o.forgetUnreadMailAfterNs;
    if (!Number.isFinite(keepNs)) return;
    const m = this.#mails;
    for (; this.#forgetAt <= m.last; this.#forgetAt++) {
      const seq = this.#forgetAt;
      const arrivalNs = m.arrivalNs(seq);
      const readableNs = arrivalNs === NEVER_NS ? m.issuedNs(seq) : arrivalNs;
      if (Math.max(readableNs + keepNs, m.expiresNs(seq)) >= nowNs) break;
      m.unlink(seq);
    }
    while (m.oldest < Math.min(this.#forgetAt, this.#firstUnsent)) m.dropOldest();
  }

  /** Messages in `index`'s inbox at `nowNs`, oldest first, at most MAILBOX_KEEP (the server's view). */
  mailbox(index: number, nowNs: number): ModelDeliveredMail[] {
    const m = this.#mails;
    const inbox: { seq: number; arrivalNs: number }[] = [];
    for (let seq = m.newestOf(index); seq !== 0; seq = m.older(seq)) {
      const arrivalNs = m.arrivalNs(seq);
      if (arrivalNs <= nowNs) inbox.push({ seq, arrivalNs });
    }
    // A throttle may reorder deliveries across mails of one account: the inbox is in arrival order.
    inbox.sort((a, b) => a.arrivalNs - b.arrivalNs || a.seq - b.seq);
    return inbox.slice(-MAILBOX_KEEP).map((r) => ({ token: tokenOf(r.seq), deliveredAt: r.arrivalNs / 1e6 }));
  }

  /**
   * The token of the newest mail in `index`'s inbox at `nowNs` ('' = none): what a client reading
   * `mailbox(index, nowNs)` takes (its last message), without building the listing.
   */
  newestToken(index: number, nowNs: number): string {
    const m = this.#mails;
    let best = 0;
    let bestNs = Number.NEGATIVE_INFINITY;
    for (let seq = m.newestOf(index); seq !== 0; seq = m.older(seq)) {
      const arrivalNs = m.arrivalNs(seq);
      if (arrivalNs > nowNs) continue;
      if (best === 0 || arrivalNs > bestNs || (arrivalNs === bestNs && seq > best)) {
        best = seq;
        bestNs = arrivalNs;
      }
    }
    return best === 0 ? '' : tokenOf(best);
  }

  /** The server's consume answer for `token` presented for account `index` at `nowNs`. */
  consume(index: number, token: string, nowNs: number): ConsumeResult {
    const m = this.#mails;
    if (m.newestOf(index) === 0 || !HEX32.test(token)) return 'unknown';
    const want = Number.parseInt(token, 16);
    let hit = 0;
    for (let seq = m.newestOf(index); seq !== 0; seq = m.older(seq)) {
      if (seq === want && m.issuedNs(seq) <= nowNs && !m.consumed(seq)) {
        hit = seq;
        break;
      }
    }
    if (hit === 0) return 'unknown';
    const hitIssuedNs = m.issuedNs(hit);
    const hitExpiresNs = m.expiresNs(hit);
    // The server drops a token that had expired when a newer one was issued for the account.
    for (let seq = m.newestOf(index); seq !== 0; seq = m.older(seq)) {
      const issuedNs = m.issuedNs(seq);
      if (issuedNs > hitIssuedNs && issuedNs <= nowNs && !tokenLive(hitExpiresNs, issuedNs)) return 'unknown';
    }
    if (this.#o.forgetConsumedMail) m.unlink(hit);
    else m.markConsumed(hit);
    return consumeResult(true, hitExpiresNs, nowNs);
  }

  /**
   * When the first mail of account `index` reaches its inbox (it may be in the past), or
   * Infinity when no mail is on its way: a mailbox poll at t is non-empty exactly when t >= this.
   */
  firstArrivalNs(index: number): number {
    const m = this.#mails;
    let first = Number.POSITIVE_INFINITY;
    for (let seq = m.newestOf(index); seq !== 0; seq = m.older(seq)) {
      const arrivalNs = m.arrivalNs(seq);
      if (arrivalNs < first) first = arrivalNs;
    }
    return first;
  }

  /** Outbox gauges at `nowNs` (non-decreasing calls): mails ready but unsent, mails sent so far. */
  gauges(nowNs: number): { readonly depth: number; readonly delivered: number } {
    this.#drainSent(nowNs);
    // Issue times are non-decreasing along the unsent mails: the ready ones are a prefix, found
    // by bisection (a saturated outbox holds ~10^5 mails, and the gauges are read every interval).
    const m = this.#mails;
    let lo = this.#firstUnsent;
    let hi = m.last + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (m.issuedNs(mid) <= nowNs) lo = mid + 1;
      else hi = mid;
    }
    return { depth: lo - this.#firstUnsent, delivered: this.#sentBefore };
  }

  /** Counts mails sent by `nowNs` (mails leave in issue order: the sent ones are a prefix). */
  #drainSent(nowNs: number): void {
    const m = this.#mails;
    while (this.#firstUnsent <= m.last && m.sentNs(this.#firstUnsent) <= nowNs) {
      this.#firstUnsent++;
      this.#sentBefore++;
    }
  }
}

/** The token string of mail `seq`: 32 lower-case hex digits, like the server's 16 random bytes. */
function tokenOf(seq: number): string {
  return seq.toString(16).padStart(32, '0');
}
