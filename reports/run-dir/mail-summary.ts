/**
 * summary.json's `mail` section from a run's `MailStats` (what the sink saw per recipient
 * domain, plus what the reference backend knows): time-to-inbox percentiles per domain and over
 * all domains (histograms added exactly, not percentiles averaged), every SMTP verdict count,
 * mail never delivered, links expired before use, users asking again, and the share of users who
 * completed their reset within 1, 5, 10 and 30 minutes. Definitions: docs/measurement.md, "Mail".
 */

import type { DomainMailStats, MailStats, MsPercentiles } from '../../targets/mail-sink/mail-stats.js';
import { msPercentiles } from '../../targets/mail-sink/sink-stats.js';
import { bucketsOf } from '../compare/histogram-buckets.js';
import { aggregateHistogram, decodeHistogram } from '../recorder/histogram-factory.js';

/** One domain's (or all domains') figures in summary.json. */
export interface MailDomainSummary {
  readonly timeToInboxMs: MsPercentiles;
  readonly accepted: number;
  readonly delivered: number;
  /** 421 answers: rateLimited + connectionLimited. */
  readonly deferred: number;
  readonly rateLimited: number;
  readonly connectionLimited: number;
  readonly greylisted: number;
  readonly rejected: number;
  readonly lost: number;
  readonly noToken: number;
}

/** What the backend adds (reference target only). */
export interface MailBackendSummary {
  readonly resetRequests: number;
  readonly accountsRequesting: number;
  readonly duplicateRequests: number;
  readonly maxRequestsPerAccount: number;
  readonly expiredLinks: number;
  readonly mailsQueued: number;
  readonly mailsSent: number;
  readonly mailDeferrals: number;
  readonly mailsGaveUp: number;
  readonly mailsUnsent: number;
  readonly completed: number;
  readonly completionMs: MsPercentiles;
  /** Share (0..1) of requesting accounts whose reset was confirmed within 1m, 5m, 10m, 30m of the first request. */
  readonly completedWithin: Readonly<Record<string, number>>;
}

/** summary.json `mail`. */
export interface MailSummary {
  readonly domains: Readonly<Record<string, MailDomainSummary>>;
  readonly all: MailDomainSummary;
  /** Mails never delivered: recipients refused and not delivered since, plus mails the backend never sent. */
  readonly lost: number;
  readonly backend: MailBackendSummary | null;
}

/** The windows of `completedWithin`, minutes. */
export const COMPLETION_WINDOWS_MIN = [1, 5, 10, 30] as const;

/** The `mail` section of a run's mail figures. */
export function mailSummary(stats: MailStats): MailSummary {
  const domains: Record<string, MailDomainSummary> = {};
  const all = aggregateHistogram();
  const sum = {
    accepted: 0,
    delivered: 0,
    rateLimited: 0,
    connectionLimited: 0,
    greylisted: 0,
    rejected: 0,
    lost: 0,
    noToken: 0,
  };
  for (const [name, d] of Object.entries(stats.domains)) {
    const h = histogramOf(d.timeToInbox);
    all.add(h);
    domains[name] = domainSummary(d, msPercentiles(h));
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += d[k];
  }
  const allSummary: MailDomainSummary = {
    timeToInboxMs: msPercentiles(all),
    ...sum,
    deferred: sum.rateLimited + sum.connectionLimited,
  };
  const b = stats.backend;
  const backend: MailBackendSummary | null = b
    ? (() => {
        const completion = histogramOf(b.completion);
        const completedWithin: Record<string, number> = {};
        for (const m of COMPLETION_WINDOWS_MIN) {
          completedWithin[`${m}m`] =
            b.accountsRequesting === 0 ? 0 : countAtOrBelow(completion, m * 60e6) / b.accountsRequesting;
        }
        return {
          resetRequests: b.resetRequests,
          accountsRequesting: b.accountsRequesting,
          duplicateRequests: b.duplicateRequests,
          maxRequestsPerAccount: b.maxRequestsPerAccount,
          expiredLinks: b.expiredConfirms,
          mailsQueued: b.mailsQueued,
          mailsSent: b.mailsSent,
          mailDeferrals: b.mailDeferrals,
          mailsGaveUp: b.mailsGaveUp,
          mailsUnsent: b.mailsUnsent,
          completed: b.completed,
          completionMs: msPercentiles(completion),
          completedWithin,
        };
      })()
    : null;
  return { domains, all: allSummary, lost: sum.lost + (b?.mailsUnsent ?? 0), backend };
}

function domainSummary(d: DomainMailStats, timeToInboxMs: MsPercentiles): MailDomainSummary {
  return {
    timeToInboxMs,
    accepted: d.accepted,
    delivered: d.delivered,
    deferred: d.rateLimited + d.connectionLimited,
    rateLimited: d.rateLimited,
    connectionLimited: d.connectionLimited,
    greylisted: d.greylisted,
    rejected: d.rejected,
    lost: d.lost,
    noToken: d.noToken,
  };
}

/** A decoded histogram ('' decodes to an empty one). */
function histogramOf(encoded: string) {
  return encoded === '' ? aggregateHistogram() : decodeHistogram(encoded);
}

/** Values recorded at or below `us` (bucket resolution: 3 significant digits). */
function countAtOrBelow(h: ReturnType<typeof aggregateHistogram>, us: number): number {
  let n = 0;
  for (const b of bucketsOf(h)) if (b.value <= us) n += b.count;
  return n;
}
