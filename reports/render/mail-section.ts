/**
 * The mail section of every report format, from summary.json's `mail` (see
 * `reports/run-dir/mail-summary.ts`): one row per recipient domain plus "all" (time-to-inbox
 * p50/p90/p99/max, delivered, deferred, greylisted, rejected, lost), then the backend's lines
 * (mails never delivered, links expired before use, users asking again, resets completed within
 * N minutes). Self-contained (its own escaping and table), so each renderer adds it with one line.
 */
import type { MailDomainSummary, MailSummary } from '../run-dir/mail-summary.js';

const HEAD = [
  'domain',
  'tti p50',
  'tti p90',
  'tti p99',
  'tti max',
  'delivered',
  'deferred',
  'greylisted',
  'rejected',
  'lost',
];

/** A duration in ms as a report shows it: `850ms`, `12.3s`, `4.2m`. */
export function fmtMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 120_000) return `${Number((ms / 1000).toPrecision(3))}s`;
  return `${Number((ms / 60_000).toPrecision(3))}m`;
}

function pct(share: number): string {
  return `${Number((share * 100).toPrecision(3))}%`;
}

function rowOf(name: string, d: MailDomainSummary): string[] {
  const t = d.timeToInboxMs;
  const tti = (v: number): string => (t.count === 0 ? '-' : fmtMs(v));
  return [
    name,
    tti(t.p50),
    tti(t.p90),
    tti(t.p99),
    tti(t.max),
    String(d.delivered),
    String(d.deferred),
    String(d.greylisted),
    String(d.rejected),
    String(d.lost),
  ];
}

function rows(m: MailSummary): string[][] {
  const out = Object.entries(m.domains).map(([name, d]) => rowOf(name, d));
  if (out.length > 1) out.push(rowOf('all', m.all));
  return out;
}

/** The sentences under the table (backend figures when the target knows them). */
export function mailSentences(m: MailSummary): string[] {
  const lines = [`mail never delivered: ${m.lost}`];
  const b = m.backend;
  if (!b) return lines;
  lines.push(
    `reset requests ${b.resetRequests} from ${b.accountsRequesting} accounts: ${b.duplicateRequests} asked again (most by one account: ${b.maxRequestsPerAccount})`,
    `mail sent ${b.mailsSent} of ${b.mailsQueued} (${b.mailDeferrals} deferrals retried, ${b.mailsGaveUp} given up, ${b.mailsUnsent} never sent)`,
    `links expired before use: ${b.expiredLinks}`,
    `resets completed: ${b.completed}; within ${Object.entries(b.completedWithin)
      .map(([w, s]) => `${w} ${pct(s)}`)
      .join(', ')} of requesting accounts`,
  );
  return lines;
}

/** Plain-text lines (terminal report). */
export function mailSectionText(m: MailSummary): string[] {
  const body = rows(m);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [
    'mail (time-to-inbox = reset request answered -> sink accepted the mail)',
    line(HEAD),
    ...body.map(line),
    ...mailSentences(m),
  ];
}

/** Markdown lines (PR comment, CI job summary). */
export function mailSectionMarkdown(m: MailSummary): string[] {
  const esc = (s: string): string => s.replace(/([\\`*_[\]|<>#])/g, '\\$1');
  const body = rows(m);
  return [
    '### mail',
    '',
    `| ${HEAD.join(' | ')} |`,
    `| ${HEAD.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...body.map((r) => `| ${r.map(esc).join(' | ')} |`),
    '',
    ...mailSentences(m).map((s) => `- ${esc(s)}`),
  ];
}

/** An HTML fragment (`<section>`), every string escaped. */
export function mailSectionHtml(m: MailSummary): string {
  const esc = (s: string): string =>
    s.replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
    );
  const head = `<tr>${HEAD.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = rows(m)
    .map(
      (r) =>
        `<tr>${r.map((c, i) => (i === 0 ? `<td>${esc(c)}</td>` : `<td class="num">${esc(c)}</td>`)).join('')}</tr>`,
    )
    .join('');
  const list = mailSentences(m)
    .map((s) => `<li>${esc(s)}</li>`)
    .join('');
  return `<section class="mail"><h2>Mail</h2><table><thead>${head}</thead><tbody>${body}</tbody></table><ul>${list}</ul></section>`;
}
