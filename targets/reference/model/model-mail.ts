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
import { RingQueue } from '../ring-queue.js';
import { mailSendAt } from '../rules/mail-pacing.js';
import { type ConsumeResult, consumeResult, tokenExpiresAt, tokenLive } from '../rules/token-expiry.js';
import { type Delivery, ModelIsp, NEVER_NS } from './model-isp.js';
import type { ResolvedModelOptions } from './model-options.js';

interface MailRecord {
  readonly seq: number;
  readonly index: number;
  /** Token issue time: the reset's computed end. */
  readonly issuedNs: number;
  readonly sentNs: number;
  readonly arrivalNs: number;
  readonly expiresNs: number;
  consumed: boolean;
}

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
  readonly #byAccount = new Map<number, MailRecord[]>();
  /** Mails not yet sent at the last gauge reading, in send order (for the outbox gauges). */
  readonly #unsent = new RingQueue<MailRecord>();
  #lastSendNs = Number.NEGATIVE_INFINITY;
  #seq = 0;
  #sentBefore = 0;
  readonly #isp: ModelIsp | undefined;
  readonly #nameWidth: number;
  readonly #delivery: Delivery = { arrivalNs: 0, attempts: 1 };
  /** Every mail still kept, in issue order, for `forgetUnreadMailAfterS`. */
  readonly #kept = new RingQueue<MailRecord>();

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
    const r: MailRecord = {
      seq: ++this.#seq,
      index,
      issuedNs,
      sentNs,
      arrivalNs,
      expiresNs: tokenExpiresAt(issuedNs, this.#o.config.tokenTtlS, 1e9),
      consumed: false,
    };
    let list = this.#byAccount.get(index);
    if (!list) {
      list = [];
      this.#byAccount.set(index, list);
    }
    list.push(r);
    this.#unsent.push(r);
    if (Number.isFinite(this.#o.forgetUnreadMailAfterNs)) this.#kept.push(r);
    return arrivalNs;
  }

  /** Drops mails readable (or given up) longer than `forgetUnreadMailAfterS` whose tokens expired. */
  #forgetStale(nowNs: number): void {
    const keepNs = this.#o.forgetUnreadMailAfterNs;
    for (;;) {
      const r = this.#kept.at(0);
      if (!r) return;
      const readableNs = r.arrivalNs === NEVER_NS ? r.issuedNs : r.arrivalNs;
      if (Math.max(readableNs + keepNs, r.expiresNs) >= nowNs) return;
      this.#kept.shift();
      const list = this.#byAccount.get(r.index);
      const at = list ? list.indexOf(r) : -1;
      if (list && at >= 0) {
        list.splice(at, 1);
        if (list.length === 0) this.#byAccount.delete(r.index);
      }
    }
  }

  /** Messages in `index`'s inbox at `nowNs`, oldest first, at most MAILBOX_KEEP (the server's view). */
  mailbox(index: number, nowNs: number): ModelDeliveredMail[] {
    const list = this.#byAccount.get(index);
    if (!list) return [];
    const inbox = list.filter((r) => r.arrivalNs <= nowNs);
    // A throttle may reorder deliveries across mails of one account: the inbox is in arrival order.
    inbox.sort((a, b) => a.arrivalNs - b.arrivalNs || a.seq - b.seq);
    return inbox.slice(-MAILBOX_KEEP).map((r) => ({ token: tokenOf(r.seq), deliveredAt: r.arrivalNs / 1e6 }));
  }

  /**
   * The token of the newest mail in `index`'s inbox at `nowNs` ('' = none): what a client reading
   * `mailbox(index, nowNs)` takes (its last message), without building the listing.
   */
  newestToken(index: number, nowNs: number): string {
    const list = this.#byAccount.get(index);
    if (!list) return '';
    let best: MailRecord | undefined;
    for (const r of list) {
      if (r.arrivalNs > nowNs) continue;
      if (!best || r.arrivalNs > best.arrivalNs || (r.arrivalNs === best.arrivalNs && r.seq > best.seq))
        best = r;
    }
    return best ? tokenOf(best.seq) : '';
  }

  /** The server's consume answer for `token` presented for account `index` at `nowNs`. */
  consume(index: number, token: string, nowNs: number): ConsumeResult {
    const list = this.#byAccount.get(index);
    if (!list || !HEX32.test(token)) return 'unknown';
    const seq = Number.parseInt(token, 16);
    const at = list.findIndex((r) => r.seq === seq && r.issuedNs <= nowNs && !r.consumed);
    const hit = list[at];
    if (!hit) return 'unknown';
    // The server drops a token that had expired when a newer one was issued for the account.
    if (
      list.some(
        (r) => r.issuedNs > hit.issuedNs && r.issuedNs <= nowNs && !tokenLive(hit.expiresNs, r.issuedNs),
      )
    ) {
      return 'unknown';
    }
    hit.consumed = true;
    if (this.#o.forgetConsumedMail) {
      list.splice(at, 1);
      if (list.length === 0) this.#byAccount.delete(index);
    }
    return consumeResult(true, hit.expiresNs, nowNs);
  }

  /**
   * When the first mail of account `index` reaches its inbox (it may be in the past), or
   * Infinity when no mail is on its way: a mailbox poll at t is non-empty exactly when t >= this.
   */
  firstArrivalNs(index: number): number {
    const list = this.#byAccount.get(index);
    if (!list) return Number.POSITIVE_INFINITY;
    let first = Number.POSITIVE_INFINITY;
    for (const r of list) if (r.arrivalNs < first) first = r.arrivalNs;
    return first;
  }

  /** Outbox gauges at `nowNs` (non-decreasing calls): mails ready but unsent, mails sent so far. */
  gauges(nowNs: number): { readonly depth: number; readonly delivered: number } {
    this.#drainSent(nowNs);
    // Issue times are non-decreasing along the queue: the ready ones are a prefix, found by
    // bisection (a saturated outbox holds ~10^5 mails, and the gauges are read every interval).
    let lo = 0;
    let hi = this.#unsent.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#unsent.at(mid)?.issuedNs ?? Number.POSITIVE_INFINITY) <= nowNs) lo = mid + 1;
      else hi = mid;
    }
    return { depth: lo, delivered: this.#sentBefore };
  }

  /** Counts mails sent by `nowNs` out of the unsent queue (keeps it bounded by the outbox backlog). */
  #drainSent(nowNs: number): void {
    for (;;) {
      const head = this.#unsent.at(0);
      if (!head || head.sentNs > nowNs) return;
      this.#unsent.shift();
      this.#sentBefore++;
    }
  }
}

/** The token string of mail `seq`: 32 lower-case hex digits, like the server's 16 random bytes. */
function tokenOf(seq: number): string {
  return seq.toString(16).padStart(32, '0');
}
