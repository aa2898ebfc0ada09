/**
 * What the reference backend knows about resets per account, for the mail figures: how many
 * times each account asked (users asking again), when it first asked, whether and when it
 * confirmed, and how many confirms came with a token that had expired. Only accounts that asked
 * get an entry, so an untouched population costs nothing.
 */
import type { Histogram } from 'hdr-histogram-js';
import { aggregateHistogram, clampUs, encodeHistogram } from '../../reports/recorder/histogram-factory.js';

interface Entry {
  requests: number;
  readonly firstAtMs: number;
  confirmed: boolean;
}

/** The ledger's figures (the backend part of MailStats, without the sender's counters). */
export interface LedgerFigures {
  readonly resetRequests: number;
  readonly accountsRequesting: number;
  readonly duplicateRequests: number;
  readonly maxRequestsPerAccount: number;
  readonly expiredConfirms: number;
  readonly completed: number;
  /** First request to confirm per account, encoded HDR histogram of µs. */
  readonly completion: string;
}

/** Per-account reset accounting. */
export class ResetLedger {
  readonly #byAccount = new Map<number, Entry>();
  readonly #completion: Histogram = aggregateHistogram();
  readonly #now: () => number;
  #requests = 0;
  #maxPerAccount = 0;
  #expired = 0;
  #completed = 0;

  /** `now` in ms (epoch or monotonic: only differences are used). */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** An accepted reset request of account `index`; returns its time (ms). */
  requested(index: number): number {
    const t = this.#now();
    this.#requests++;
    const e = this.#byAccount.get(index);
    if (e) {
      e.requests++;
      if (e.requests > this.#maxPerAccount) this.#maxPerAccount = e.requests;
    } else {
      this.#byAccount.set(index, { requests: 1, firstAtMs: t, confirmed: false });
      if (this.#maxPerAccount < 1) this.#maxPerAccount = 1;
    }
    return t;
  }

  /** A confirmed reset of account `index`: the first confirm records its completion time. */
  confirmed(index: number): void {
    const e = this.#byAccount.get(index);
    if (!e || e.confirmed) return;
    e.confirmed = true;
    this.#completed++;
    this.#completion.recordValue(clampUs((this.#now() - e.firstAtMs) * 1000));
  }

  /** A confirm with a token that had expired before use. */
  expired(): void {
    this.#expired++;
  }

  /** The figures so far. */
  figures(): LedgerFigures {
    return {
      resetRequests: this.#requests,
      accountsRequesting: this.#byAccount.size,
      duplicateRequests: this.#requests - this.#byAccount.size,
      maxRequestsPerAccount: this.#maxPerAccount,
      expiredConfirms: this.#expired,
      completed: this.#completed,
      completion: encodeHistogram(this.#completion),
    };
  }
}
