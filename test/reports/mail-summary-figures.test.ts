/**
 * The mail figures from recorder to report, against values computed by hand: the sink's
 * per-domain recorder and the backend's ledger on a controlled clock feed `mailSummary`, whose
 * percentiles, counts and completion shares are checked exactly (to HDR's 3 significant digits),
 * then the mail section of each report format and the mail gates read them.
 */
import { describe, expect, it } from 'vitest';
import { evaluateMailGate, isMailGate, parseMailGate } from '../../reports/gates/mail-gate.js';
import { mailSectionHtml, mailSectionMarkdown, mailSectionText } from '../../reports/render/mail-section.js';
import { mailSummary } from '../../reports/run-dir/mail-summary.js';
import { SinkStats } from '../../targets/mail-sink/sink-stats.js';
import { ResetLedger } from '../../targets/reference/reset-ledger.js';

function figures() {
  const sink = new SinkStats();
  // gmail.test: 100 mails with time-to-inbox 1 s, 2 s, ..., 100 s.
  for (let k = 1; k <= 100; k++) {
    sink.rcpt('gmail.test', `g${k}@gmail.test`, 'accept');
    sink.delivered('gmail.test', `g${k}@gmail.test`, k * 1000, true);
  }
  // yahoo.test: 3 refused twice each by the rate limit then delivered at 5 s; 2 refused and never
  // delivered; 1 greylisted then delivered at 30 s; 1 hard reject.
  for (let k = 0; k < 3; k++) {
    sink.rcpt('yahoo.test', `y${k}@yahoo.test`, 'rate-limit');
    sink.rcpt('yahoo.test', `y${k}@yahoo.test`, 'rate-limit');
    sink.rcpt('yahoo.test', `y${k}@yahoo.test`, 'accept');
    sink.delivered('yahoo.test', `y${k}@yahoo.test`, 5000, true);
  }
  sink.rcpt('yahoo.test', 'lost1@yahoo.test', 'rate-limit');
  sink.rcpt('yahoo.test', 'lost2@yahoo.test', 'connection-limit');
  sink.rcpt('yahoo.test', 'grey@yahoo.test', 'greylist');
  sink.rcpt('yahoo.test', 'grey@yahoo.test', 'accept');
  sink.delivered('yahoo.test', 'grey@yahoo.test', 30_000, false);
  sink.rcpt('yahoo.test', 'nope@yahoo.test', 'reject');

  let now = 0;
  const ledger = new ResetLedger(() => now);
  // 10 accounts ask at t=0; account 0 asks twice more; accounts 0..5 confirm at 30 s, 2 min,
  // 4 min, 6 min, 20 min, 40 min; one confirm came with an expired link.
  for (let i = 0; i < 10; i++) ledger.requested(i);
  ledger.requested(0);
  ledger.requested(0);
  [30e3, 120e3, 240e3, 360e3, 1200e3, 2400e3].forEach((t, i) => {
    now = t;
    ledger.confirmed(i);
  });
  ledger.expired();
  const backend = {
    ...ledger.figures(),
    mailsQueued: 12,
    mailsSent: 10,
    mailDeferrals: 8,
    mailsGaveUp: 1,
    mailsUnsent: 1,
  };
  return { ...sink.snapshot(), backend };
}

describe('mail summary', () => {
  it('has the hand-computed percentiles, counts and completion shares', () => {
    const m = mailSummary(figures());
    const g = m.domains['gmail.test']!;
    // 100 values 1..100 s: p50 = 50 s, p90 = 90 s, p99 = 99 s, max 100 s (HDR: 3 digits, so within 0.1 %).
    expect(g.timeToInboxMs.count).toBe(100);
    expect(g.timeToInboxMs.p50).toBeCloseTo(50_000, -2);
    expect(g.timeToInboxMs.p90).toBeCloseTo(90_000, -2);
    expect(g.timeToInboxMs.p99).toBeCloseTo(99_000, -2);
    expect(Math.abs(g.timeToInboxMs.max - 100_000)).toBeLessThanOrEqual(100);
    const y = m.domains['yahoo.test']!;
    // deferred = 6 + 1 rate-limited + 1 connection-limited = 8; lost = lost1 + lost2 + nope = 3.
    expect(y).toMatchObject({
      accepted: 4,
      delivered: 4,
      deferred: 8,
      rateLimited: 7,
      connectionLimited: 1,
      greylisted: 1,
      rejected: 1,
      lost: 3,
      noToken: 1,
    });
    // yahoo: 5, 5, 5, 30 s: p50 = 5 s, max = 30 s.
    expect(y.timeToInboxMs.p50).toBeCloseTo(5000, -1);
    expect(Math.abs(y.timeToInboxMs.max - 30_000)).toBeLessThanOrEqual(30);
    // all: 104 values; the 99th percentile rank ceil(0.99 * 104) = 103 is gmail's 99 s (sorted:
    // 1..4 s, 5, 5, 5, 5..100 s with the 30 s in between): 1..100 plus 5, 5, 5, 30 -> 103rd = 99 s.
    expect(m.all.timeToInboxMs.count).toBe(104);
    expect(m.all.timeToInboxMs.p99).toBeCloseTo(99_000, -2);
    // lost = 3 at the sink + 1 never sent by the backend.
    expect(m.lost).toBe(4);
    const b = m.backend!;
    expect(b).toMatchObject({
      resetRequests: 12,
      accountsRequesting: 10,
      duplicateRequests: 2,
      maxRequestsPerAccount: 3,
      expiredLinks: 1,
      completed: 6,
    });
    // Completed within 1m: 1 of 10; 5m: 3; 10m: 4; 30m: 5 (the 40 min one is beyond).
    expect(b.completedWithin).toEqual({ '1m': 0.1, '5m': 0.3, '10m': 0.4, '30m': 0.5 });
  });

  it('renders a mail section in text, Markdown and HTML', () => {
    const m = mailSummary(figures());
    const text = mailSectionText(m).join('\n');
    expect(text).toMatch(/gmail\.test\s+50s\s+90s\s+99s\s+100s\s+100\s+0\s+0\s+0\s+0\n/);
    // yahoo: p90 of (5, 5, 5, 30 s) is the 4th value, 30 s.
    expect(text).toMatch(/yahoo\.test\s+5s\s+30s\s+30s\s+30s\s+4\s+8\s+1\s+1\s+3\n/);
    expect(text).toContain('mail never delivered: 4');
    expect(text).toContain('links expired before use: 1');
    expect(text).toContain('within 1m 10%, 5m 30%, 10m 40%, 30m 50%');
    const md = mailSectionMarkdown(m).join('\n');
    expect(md).toContain('| yahoo.test | 5s | 30s | 30s | 30s | 4 | 8 | 1 | 1 | 3 |');
    const html = mailSectionHtml({ ...m, domains: { '<b>.test': m.all } });
    expect(html).toContain('&lt;b&gt;.test');
    expect(html).not.toContain('<b>.test');
  });
});

describe('mail gates', () => {
  it('parse, pass, fail and say no data', () => {
    const m = mailSummary(figures());
    expect(isMailGate('mail lost == 0')).toBe(true);
    expect(isMailGate('mailer p99 < 1s')).toBe(false);
    const tti = evaluateMailGate(parseMailGate('mail time-to-inbox p99 < 10m'), m);
    expect(tti).toMatchObject({ pass: true, unit: 'ms', threshold: 600_000 });
    const lost = evaluateMailGate(parseMailGate('mail lost == 0'), m);
    expect(lost).toMatchObject({ pass: false, actual: 4 });
    expect(lost.message).toBe('mail lost 4, not == 0');
    expect(evaluateMailGate(parseMailGate('mail yahoo.test deferred <= 8'), m).pass).toBe(true);
    expect(evaluateMailGate(parseMailGate('mail completed-within 10m >= 95%'), m)).toMatchObject({
      pass: false,
      actual: 40,
    });
    expect(evaluateMailGate(parseMailGate('mail aol.test lost == 0'), m).message).toBe(
      'no data: no mail to aol.test',
    );
    expect(evaluateMailGate(parseMailGate('mail lost == 0'), null).pass).toBe(false);
  });

  it('refuse bad mail gates with one line naming the word', () => {
    expect(() => parseMailGate('mail time-to-inbox p95 < 1m')).toThrow(
      /"p95": expected p50, p90, p99 or max/,
    );
    expect(() => parseMailGate('mail time-to-inbox p99 < 10')).toThrow(/"10": expected a duration/);
    expect(() => parseMailGate('mail gmail.test expired-links == 0')).toThrow(/takes no domain/);
    expect(() => parseMailGate('mail sent > 3', 'profiles/x.yaml gates[1]')).toThrow(
      /^profiles\/x\.yaml gates\[1\] "mail sent > 3": "sent"/,
    );
  });
});
