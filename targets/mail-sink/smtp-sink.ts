/**
 * The sink's SMTP side (the `smtp-server` package): each RCPT is decided by the pure throttle
 * rules of its domain (refusals are SMTP replies: an Error with `responseCode` makes the client
 * see 421/451/550), each accepted message is parsed with `mailparser`, its token extracted, and
 * one copy stored per accepted recipient, with its time-to-inbox recorded.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { REQUESTED_AT_HEADER } from './mail-stats.js';
import type { MailAddress, MessageStore } from './message-store.js';
import type { SinkStats } from './sink-stats.js';
import {
  type Bucket,
  type DomainLimits,
  decideRecipient,
  domainOf,
  fullBucket,
  REFUSAL_REPLIES,
  UNLIMITED,
} from './throttle-rules.js';
import { snippetOf, type TokenExtractor } from './token-extract.js';

/** What the SMTP side needs. */
export interface SmtpSinkParts {
  readonly domains: Readonly<Record<string, DomainLimits>>;
  readonly store: MessageStore;
  readonly stats: SinkStats;
  readonly extract: TokenExtractor;
  /** Epoch ms (injectable for tests of the wiring; the rules themselves are pure). */
  readonly now?: () => number;
}

/** A listening SMTP sink. */
export interface SmtpSink {
  readonly port: number;
  close(): Promise<void>;
}

/** Greylist memory bound: beyond it the oldest pairs are forgotten (they would be greylisted again). */
const GREYLIST_KEEP = 1_000_000;
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Starts the SMTP side on `host:port` (0 = any) and resolves once it listens. */
export async function listenSmtpSink(parts: SmtpSinkParts, host: string, port: number): Promise<SmtpSink> {
  const now = parts.now ?? Date.now;
  const buckets = new Map<string, Bucket>();
  const firstSeen = new Map<string, number>();
  // Accepted recipients per domain on each open connection (session id -> domain -> count).
  const perConnection = new Map<string, Map<string, number>>();
  const limitsOf = (domain: string): DomainLimits => parts.domains[domain] ?? UNLIMITED;

  const onRcptTo = (
    address: { address: string },
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): void => {
    const recipient = address.address;
    const domain = domainOf(recipient);
    const limits = limitsOf(domain);
    const t = now();
    const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const pair = `${sender.toLowerCase()}\u0000${recipient.toLowerCase()}`;
    let counts = perConnection.get(session.id);
    if (!counts) {
      counts = new Map();
      perConnection.set(session.id, counts);
    }
    const decision = decideRecipient(limits, {
      nowMs: t,
      recipient,
      acceptedOnConnection: counts.get(domain) ?? 0,
      firstSeenMs: firstSeen.get(pair),
      bucket: buckets.get(domain) ?? fullBucket(limits, t),
    });
    buckets.set(domain, decision.bucket);
    if (decision.firstSeenMs !== undefined && !firstSeen.has(pair)) {
      firstSeen.set(pair, decision.firstSeenMs);
      if (firstSeen.size > GREYLIST_KEEP) {
        const oldest = firstSeen.keys().next();
        if (!oldest.done) firstSeen.delete(oldest.value);
      }
    }
    parts.stats.rcpt(domain, recipient, decision.verdict);
    if (decision.verdict === 'accept') {
      counts.set(domain, (counts.get(domain) ?? 0) + 1);
      callback();
      return;
    }
    const reply = REFUSAL_REPLIES[decision.verdict];
    callback(Object.assign(new Error(reply.message), { responseCode: reply.code }));
  };

  const onData = (
    stream: NodeJS.ReadableStream,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): void => {
    simpleParser(stream as never)
      .then((mail) => {
        const t = now();
        const text = mail.text ?? '';
        const html = typeof mail.html === 'string' ? mail.html : '';
        const token = parts.extract(text, html);
        const requested = Number(headerText(mail.headers.get(REQUESTED_AT_HEADER)));
        const tti = requested > 0 && Number.isFinite(requested) ? t - requested : undefined;
        const from = firstAddress(mail.from) ?? {
          Name: '',
          Address: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        };
        const to = allAddresses(mail.to);
        const created = new Date(t).toISOString();
        const date = mail.date ? mail.date.toISOString() : created;
        for (const rcpt of session.envelope.rcptTo) {
          const recipient = rcpt.address.toLowerCase();
          parts.store.add({
            ID: parts.store.nextId(),
            MessageID: mail.messageId ?? '',
            From: from,
            To: to.length > 0 ? to : [{ Name: '', Address: rcpt.address }],
            Subject: mail.subject ?? '',
            Created: created,
            Date: date,
            Snippet: snippetOf(text),
            Token: token,
            Text: text,
            HTML: html,
            recipient,
          });
          parts.stats.delivered(domainOf(recipient), recipient, tti, token !== '');
        }
        callback();
      })
      .catch((err: unknown) => {
        callback(
          Object.assign(new Error(`5.6.0 message not parsable: ${String(err)}`), { responseCode: 554 }),
        );
      });
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    banner: 'stampede mail sink',
    size: MAX_MESSAGE_BYTES,
    // Idle pooled senders would otherwise hold a stop() for the 30 s default.
    closeTimeout: 500,
    onRcptTo,
    onData,
    onClose: (session: SMTPServerSession) => {
      perConnection.delete(session.id);
    },
  });
  // A client that misbehaves is the client's problem: the sink keeps serving the others.
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.server.address() as AddressInfo).port;
  return {
    port: bound,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A header value as text (mailparser gives strings, dates or structured values). */
function headerText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return '';
}

interface ParsedAddressObject {
  readonly value: readonly { readonly name?: string; readonly address?: string }[];
}

function allAddresses(v: ParsedAddressObject | readonly ParsedAddressObject[] | undefined): MailAddress[] {
  if (!v) return [];
  const list: readonly ParsedAddressObject[] = Array.isArray(v) ? v : [v as ParsedAddressObject];
  return list.flatMap((o) => o.value.map((a) => ({ Name: a.name ?? '', Address: a.address ?? '' })));
}

function firstAddress(v: ParsedAddressObject | undefined): MailAddress | undefined {
  return allAddresses(v)[0];
}
