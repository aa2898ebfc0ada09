/**
 * Test helper (not a test): a sink in this process on 127.0.0.1 (any ports), a reference-style
 * sender pointed at it, and a reader of the sink's Mailpit-shaped API.
 */
import { request } from 'undici';
import { listenSink, type RunningSink } from '../../targets/mail-sink/listen-sink.js';
import type { DomainMailStats, MailStats } from '../../targets/mail-sink/mail-stats.js';
import { type DomainLimitsInput, resolveDomainLimits } from '../../targets/mail-sink/sink-options.js';
import { MailSender, type MailSenderOptions } from '../../targets/reference/mail-sender.js';

/** A sink throttling `domains` (limits as a user writes them). */
export function sinkWith(domains: Record<string, DomainLimitsInput>): Promise<RunningSink> {
  const resolved = Object.fromEntries(
    Object.entries(domains).map(([name, d]) => [name, resolveDomainLimits(d, name)]),
  );
  return listenSink({ domains: resolved });
}

/** A sender to `sink` with `opts` over fast pacing and 4 connections. */
export function senderTo(sink: RunningSink, opts: Partial<MailSenderOptions>): MailSender {
  return new MailSender({
    host: '127.0.0.1',
    port: sink.smtpPort,
    perS: 1000,
    connections: 4,
    attempts: 1000,
    retryBaseS: 0.25,
    retryMaxS: 0.25,
    ...opts,
  });
}

/** A reset-like mail to `to`, requested now. */
export function resetMail(to: string, token: string) {
  return {
    from: 'no-reply@reference.test',
    to,
    subject: 'Reset your password',
    text: `Reset your password: http://127.0.0.1/reset?account=${encodeURIComponent(to)}&token=${token}\n`,
    headers: { 'X-Stampede-Requested-At': String(Date.now()) },
  };
}

/** GET a path of the sink's API as JSON. */
export async function apiGet<T>(sink: RunningSink, path: string): Promise<T> {
  const res = await request(`${sink.apiOrigin}${path}`);
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${path}: HTTP ${res.statusCode} ${text}`);
  return JSON.parse(text) as T;
}

/** Resolves once `cond()` holds (polled every 50 ms), rejects after `timeoutMs`. */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The sink's stats of one domain (all zero while the domain saw nothing). */
export function domainStats(stats: MailStats, domain: string): DomainMailStats {
  return stats.domains[domain] ?? EMPTY;
}

const EMPTY: DomainMailStats = {
  accepted: 0,
  delivered: 0,
  rateLimited: 0,
  connectionLimited: 0,
  greylisted: 0,
  rejected: 0,
  lost: 0,
  noToken: 0,
  noRequestedAt: 0,
  timeToInbox: '',
  timeToInboxMs: { count: 0, p50: 0, p90: 0, p99: 0, max: 0 },
};
