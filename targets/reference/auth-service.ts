/**
 * The relaunched service's behaviour, free of HTTP: login with forced resets, reset requests
 * queued on the admin pool, confirmation mail sent over SMTP (paced, retried), confirms with
 * single-use tokens. Each method returns the status and body the HTTP layer sends.
 */
import { randomUUID } from 'node:crypto';
import { accountDomainPicker } from '../../harness/arrivals/account-domain.js';
import type { BackendMailStats } from '../mail-sink/mail-stats.js';
import { AccountBook, initialPassword } from './accounts.js';
import { AdminPool } from './admin-pool.js';
import { MailSender, type OutgoingMail } from './mail-sender.js';
import { initialSalt, PasswordHasher } from './password-hash.js';
import type { ReferenceConfig, ReferenceMailRoute } from './reference-config.js';
import { ResetLedger } from './reset-ledger.js';
import { ResetTokens } from './reset-tokens.js';

/** What the HTTP layer answers. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly retryAfterS?: number;
}

const UNKNOWN_SALT = Buffer.alloc(16, 7);

/** The service's parts wired together. */
export class AuthService {
  readonly config: ReferenceConfig;
  readonly accounts: AccountBook;
  readonly admin: AdminPool;
  readonly mail: MailSender;
  readonly tokens: ResetTokens;
  readonly ledger = new ResetLedger();
  readonly #hasher: PasswordHasher;
  readonly #domainOf: (index: number) => string;
  #requestSeq = 0;

  constructor(config: ReferenceConfig, route: ReferenceMailRoute) {
    this.config = config;
    this.accounts = new AccountBook(config);
    this.admin = new AdminPool({
      workers: config.adminWorkers,
      serviceMs: config.resetServiceMs,
      queueLimit: config.resetQueue,
    });
    this.mail = new MailSender({
      host: route.host,
      port: route.port,
      perS: config.mailPerS,
      connections: config.mailConnections,
      attempts: config.mailAttempts,
      retryBaseS: config.mailRetryBaseS,
      retryMaxS: config.mailRetryMaxS,
    });
    this.#domainOf = accountDomainPicker(route.domains, config.seed);
    this.tokens = new ResetTokens(config.tokenTtlS);
    this.#hasher = new PasswordHasher(config.hashCost);
  }

  /** 200 with a session token, 401 for a wrong password, 403 when a reset is due first. */
  login(account: string, password: string): Reply {
    const index = this.accounts.indexOf(account);
    if (index < 0) {
      // Same KDF work as a real account, so response time does not reveal which names exist.
      this.#hasher.derive(password, UNKNOWN_SALT);
      return { status: 401, body: { code: 'INVALID_CREDENTIALS' } };
    }
    const touched = this.accounts.touched(index);
    const ok = touched
      ? this.#hasher.verify(password, touched.password)
      : this.#hasher.verifyInitial(password, initialPassword(index, this.config.seed), () =>
          initialSalt(index, this.config.seed),
        );
    if (!ok) return { status: 401, body: { code: 'INVALID_CREDENTIALS' } };
    // Only someone holding the password learns that a reset is due.
    if (this.accounts.mustReset(index)) return { status: 403, body: { code: 'PASSWORD_RESET_REQUIRED' } };
    // randomUUID draws from a cached entropy pool: far cheaper per login than randomBytes.
    return { status: 200, body: { sessionToken: randomUUID().replaceAll('-', '') } };
  }

  /** 202 once queued on the admin pool; 503 with Retry-After when its queue is full. */
  requestReset(account: string): Reply {
    const requestId = `r${++this.#requestSeq}`;
    const index = this.accounts.indexOf(account);
    // Unknown accounts get the same answer, so the endpoint cannot enumerate accounts.
    if (index < 0) return { status: 202, body: { requestId } };
    // Time-to-inbox runs from this answer (the 202), so the time is taken at admission.
    const requestedAt = Date.now();
    const admission = this.admin.submit(() => {
      const token = this.tokens.issue(index);
      this.mail.send(resetMail(account, this.#domainOf(index), token, requestedAt));
    });
    if (!admission.accepted) {
      return { status: 503, body: { code: 'RESET_QUEUE_FULL' }, retryAfterS: admission.retryAfterS };
    }
    this.ledger.requested(index);
    return { status: 202, body: { requestId } };
  }

  /** The backend's part of the mail figures: the ledger plus the sender's counters. */
  mailStats(): BackendMailStats {
    const c = this.mail.counts();
    return {
      ...this.ledger.figures(),
      mailsQueued: c.queued,
      mailsSent: c.sent,
      mailDeferrals: c.deferrals,
      mailsGaveUp: c.gaveUp,
      mailsUnsent: c.unsent,
    };
  }

  /** 200 and the new password takes effect; 410 for an expired token; 400 for an unknown or used one. */
  confirm(account: string, token: string, newPassword: string): Reply {
    const index = this.accounts.indexOf(account);
    if (index < 0) return { status: 400, body: { code: 'TOKEN_INVALID' } };
    if (newPassword.length === 0) return { status: 400, body: { code: 'PASSWORD_EMPTY' } };
    const result = this.tokens.consume(index, token);
    // Its own status, so a report can count links that expired before the user got to them.
    if (result === 'expired') {
      this.ledger.expired();
      return { status: 410, body: { code: 'TOKEN_EXPIRED' } };
    }
    if (result !== 'ok') return { status: 400, body: { code: 'TOKEN_INVALID' } };
    this.accounts.setPassword(index, this.#hasher.hash(newPassword));
    this.ledger.confirmed(index);
    return { status: 200, body: { ok: true } };
  }

  /** Stops timers; queued resets and unsent mail are dropped (and stay counted as unsent). */
  close(): void {
    this.admin.close();
    this.mail.close();
  }
}

/** Sender of the reset mail. */
export const RESET_MAIL_FROM = 'no-reply@reference.test';

/**
 * The reset mail of `account` at `domain`: a link carrying `token=<32 hex>` (what the sink's
 * default pattern finds) and the time of the reset request's 202 in `X-Stampede-Requested-At`.
 */
export function resetMail(
  account: string,
  domain: string,
  token: string,
  requestedAtMs: number,
): OutgoingMail {
  const link = `https://reference.test/reset?account=${encodeURIComponent(account)}&token=${token}`;
  return {
    from: RESET_MAIL_FROM,
    to: `${account}@${domain}`,
    subject: 'Reset your password',
    text: `Someone (hopefully you) asked to reset the password of ${account}.\n\nReset it here: ${link}\n\nThe link expires soon.\n`,
    headers: { 'X-Stampede-Requested-At': String(requestedAtMs) },
  };
}
