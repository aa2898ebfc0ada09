/**
 * The sink's per-domain recorder: counts of every SMTP verdict, time-to-inbox in an HDR histogram,
 * and which recipients are still waiting for a mail that was refused. It records; `snapshot()`
 * turns the state into the `MailStats` JSON.
 */
import type { Histogram } from 'hdr-histogram-js';
import { aggregateHistogram, clampUs, encodeHistogram } from '../../reports/recorder/histogram-factory.js';
import type { DomainMailStats, MailStats, MsPercentiles } from './mail-stats.js';
import type { RcptVerdict } from './throttle-rules.js';

interface DomainCounters {
  accepted: number;
  delivered: number;
  rateLimited: number;
  connectionLimited: number;
  greylisted: number;
  rejected: number;
  lost: number;
  noToken: number;
  noRequestedAt: number;
  readonly timeToInbox: Histogram;
}

/** Percentiles (ms) of a µs histogram; all zero when it is empty. */
export function msPercentiles(h: Histogram): MsPercentiles {
  const count = h.totalCount;
  if (count === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const ms = (us: number): number => Math.round(us) / 1000;
  return {
    count,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
  };
}

/** Counts and histograms per recipient domain. */
export class SinkStats {
  readonly #domains = new Map<string, DomainCounters>();
  /** Recipients (lower-cased) refused and not delivered since, with their domain. */
  readonly #refused = new Map<string, string>();

  /** Records the verdict of one RCPT. */
  rcpt(domain: string, recipient: string, verdict: RcptVerdict): void {
    const d = this.#domain(domain);
    switch (verdict) {
      case 'accept':
        d.accepted++;
        return;
      case 'rate-limit':
        d.rateLimited++;
        break;
      case 'connection-limit':
        d.connectionLimited++;
        break;
      case 'greylist':
        d.greylisted++;
        break;
      case 'reject':
        d.rejected++;
        break;
    }
    const key = recipient.toLowerCase();
    if (!this.#refused.has(key)) {
      this.#refused.set(key, domain);
      d.lost++;
    }
  }

  /**
   * Records one message stored for `recipient`. `timeToInboxMs` is undefined when the mail
   * carried no usable request time; `hasToken` says whether the token pattern matched.
   */
  delivered(domain: string, recipient: string, timeToInboxMs: number | undefined, hasToken: boolean): void {
    const d = this.#domain(domain);
    d.delivered++;
    if (!hasToken) d.noToken++;
    if (timeToInboxMs === undefined) d.noRequestedAt++;
    // Clock skew between processes can make a fast delivery look negative: it is ~0, recorded as 1 µs.
    else d.timeToInbox.recordValue(clampUs(timeToInboxMs * 1000));
    const key = recipient.toLowerCase();
    if (this.#refused.delete(key)) d.lost--;
  }

  /** Forgets everything (the API's DELETE /api/v1/messages does not call this: stats are the run's). */
  reset(): void {
    this.#domains.clear();
    this.#refused.clear();
  }

  /** The figures so far as JSON. */
  snapshot(): MailStats {
    const domains: Record<string, DomainMailStats> = {};
    for (const [name, d] of [...this.#domains].sort(([a], [b]) => a.localeCompare(b))) {
      domains[name] = {
        accepted: d.accepted,
        delivered: d.delivered,
        rateLimited: d.rateLimited,
        connectionLimited: d.connectionLimited,
        greylisted: d.greylisted,
        rejected: d.rejected,
        lost: d.lost,
        noToken: d.noToken,
        noRequestedAt: d.noRequestedAt,
        timeToInbox: encodeHistogram(d.timeToInbox),
        timeToInboxMs: msPercentiles(d.timeToInbox),
      };
    }
    return { version: 1, domains };
  }

  #domain(name: string): DomainCounters {
    let d = this.#domains.get(name);
    if (!d) {
      d = {
        accepted: 0,
        delivered: 0,
        rateLimited: 0,
        connectionLimited: 0,
        greylisted: 0,
        rejected: 0,
        lost: 0,
        noToken: 0,
        noRequestedAt: 0,
        timeToInbox: aggregateHistogram(),
      };
      this.#domains.set(name, d);
    }
    return d;
  }
}
