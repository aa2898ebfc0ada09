/**
 * The reference backend's outgoing mail: a paced queue in front of a pooled nodemailer SMTP
 * transport, with its own retry queue, because nodemailer does not retry: a 4xx answer
 * (421 rate limit, 451 greylisting) or a dropped connection puts the mail back for a later
 * attempt with exponential backoff; a 5xx answer or the last attempt gives it up.
 *
 * Pacing: every attempt (first or retry) takes a send slot; slots come `perS` a second with no
 * saved-up burst (an idle sender restarts its slot clock at now), and at most `connections`
 * attempts are in flight. Retries that are due go before first attempts, as an MTA's deferred
 * queue does.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { RetryQueue } from './mail-retry-queue.js';

/** How the sender reaches its relay and how it behaves. */
export interface MailSenderOptions {
  readonly host: string;
  readonly port: number;
  /** Attempts per second at most. */
  readonly perS: number;
  /** Pooled SMTP connections (and attempts in flight). */
  readonly connections: number;
  /** Attempts per mail including the first; 1 = no retries. */
  readonly attempts: number;
  /** Backoff before retry n (n >= 1): min(retryMaxS, retryBaseS * 2^(n-1)) seconds. */
  readonly retryBaseS: number;
  readonly retryMaxS: number;
  /** Monotonic ms clock (injectable for tests). */
  readonly now?: () => number;
}

/** One mail to send. */
export interface OutgoingMail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** What happened to one mail in the end (for tests and accounting). */
export type MailFate = 'sent' | 'gave-up';

interface Pending {
  readonly mail: OutgoingMail;
  attempts: number;
  /** When it became ready for its next attempt (queued, or its retry came due). */
  readyAt: number;
}

/** Counters of the sender. */
export interface MailSenderCounts {
  readonly queued: number;
  readonly sent: number;
  readonly deferrals: number;
  readonly gaveUp: number;
  /** Mails never attempted yet. */
  readonly unsent: number;
  /** Mails waiting for a retry. */
  readonly retrying: number;
}

/** The paced, retrying SMTP sender. */
export class MailSender {
  readonly #o: MailSenderOptions;
  readonly #now: () => number;
  readonly #transport: Transporter;
  readonly #intervalMs: number;
  #fresh: (Pending | undefined)[] = [];
  #head = 0;
  readonly #retries = new RetryQueue<Pending>();
  #inFlight = 0;
  #nextAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #queued = 0;
  #sent = 0;
  #deferrals = 0;
  #gaveUp = 0;
  /** Called once per mail with its fate (tests, ledgers). */
  onFate: ((mail: OutgoingMail, fate: MailFate) => void) | undefined;

  constructor(options: MailSenderOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => performance.now());
    this.#intervalMs = 1000 / options.perS;
    this.#transport = nodemailer.createTransport({
      host: options.host,
      port: options.port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: options.connections,
      // Reconnecting every 100 messages (the default) would hide a per-connection limit.
      maxMessages: Number.POSITIVE_INFINITY,
      // The pool re-sends a message whose connection closed under it (a 421 closes it) up to 5
      // times by default, behind our back: this sender owns every retry, so it counts them all.
      maxRequeues: 0,
      connectionTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  /** Queues a mail for its first attempt. */
  send(mail: OutgoingMail): void {
    if (this.#closed) return;
    this.#fresh.push({ mail, attempts: 0, readyAt: this.#now() });
    this.#queued++;
    this.#pump();
  }

  /** The counters now. */
  counts(): MailSenderCounts {
    return {
      queued: this.#queued,
      sent: this.#sent,
      deferrals: this.#deferrals,
      gaveUp: this.#gaveUp,
      unsent: this.#fresh.length - this.#head,
      retrying: this.#retries.size,
    };
  }

  /** Mails not yet sent or given up (waiting, retrying or in flight). */
  get depth(): number {
    return this.#fresh.length - this.#head + this.#retries.size + this.#inFlight;
  }

  /** Stops sending and closes the pool; waiting mail stays counted as unsent/retrying. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#transport.close();
  }

  #pump(): void {
    if (this.#closed) return;
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const now = this.#now();
    while (this.#inFlight < this.#o.connections && this.#nextAt <= now) {
      const next = this.#retries.popDue(now) ?? this.#takeFresh();
      if (!next) break;
      // A slot is owed only from when the mail was ready: no burst saved up while nothing waited,
      // but a late wake-up still catches up on the slots it missed, so the long-run rate is perS.
      const slot = Math.max(this.#nextAt, next.readyAt);
      this.#nextAt = slot + this.#intervalMs;
      this.#attempt(next);
    }
    if (this.#head > 1024 && this.#head * 2 > this.#fresh.length) {
      this.#fresh = this.#fresh.slice(this.#head);
      this.#head = 0;
    }
    this.#arm(now);
  }

  /** Sleeps until the next slot with work, or the next retry due; in-flight completions also wake it. */
  #arm(now: number): void {
    if (this.#inFlight >= this.#o.connections) return;
    const freshWaiting = this.#fresh.length > this.#head;
    const retryDue = this.#retries.peekDue();
    let wakeAt: number | undefined;
    if (freshWaiting) wakeAt = this.#nextAt;
    if (retryDue !== undefined) {
      const at = Math.max(retryDue, this.#nextAt);
      wakeAt = wakeAt === undefined ? at : Math.min(wakeAt, at);
    }
    if (wakeAt === undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#pump();
      },
      Math.max(1, wakeAt - now),
    );
  }

  #takeFresh(): Pending | undefined {
    if (this.#head >= this.#fresh.length) return undefined;
    const p = this.#fresh[this.#head];
    this.#fresh[this.#head] = undefined;
    this.#head++;
    return p;
  }

  #attempt(p: Pending): void {
    p.attempts++;
    this.#inFlight++;
    const m = p.mail;
    this.#transport
      .sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text, headers: { ...m.headers } })
      .then(
        () => {
          this.#sent++;
          this.onFate?.(m, 'sent');
        },
        (err: unknown) => this.#failed(p, err),
      )
      .finally(() => {
        this.#inFlight--;
        this.#pump();
      });
  }

  #failed(p: Pending, err: unknown): void {
    const code = (err as { responseCode?: unknown }).responseCode;
    // No SMTP code: the connection failed or was closed under us (a 421 closes it): transient.
    const permanent = typeof code === 'number' && code >= 500;
    if (!permanent) this.#deferrals++;
    if (permanent || p.attempts >= this.#o.attempts || this.#closed) {
      this.#gaveUp++;
      this.onFate?.(p.mail, 'gave-up');
      return;
    }
    const backoffS = Math.min(this.#o.retryMaxS, this.#o.retryBaseS * 2 ** (p.attempts - 1));
    p.readyAt = this.#now() + backoffS * 1000;
    this.#retries.push(p.readyAt, p);
  }
}
