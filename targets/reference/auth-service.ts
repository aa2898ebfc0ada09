/**
 * The relaunched service's behaviour, free of HTTP: login with forced resets, reset requests
 * queued on the admin pool, confirmation mail through the throttled outbox, confirms with
 * single-use tokens. Each method returns the status and body the HTTP layer sends.
 */
import { randomUUID } from 'node:crypto';
import { AccountBook, initialPassword } from './accounts.js';
import { AdminPool } from './admin-pool.js';
import { MailOutbox } from './mail-outbox.js';
import { initialSalt, PasswordHasher } from './password-hash.js';
import type { ReferenceConfig } from './reference-config.js';
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
  readonly outbox: MailOutbox;
  readonly tokens: ResetTokens;
  readonly #hasher: PasswordHasher;
  #requestSeq = 0;

  constructor(config: ReferenceConfig) {
    this.config = config;
    this.accounts = new AccountBook(config);
    this.admin = new AdminPool({
      workers: config.adminWorkers,
      serviceMs: config.resetServiceMs,
      queueLimit: config.resetQueue,
    });
    this.outbox = new MailOutbox(config.mailPerS);
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
    const admission = this.admin.submit(() => {
      const token = this.tokens.issue(index);
      this.outbox.send(String(index), token);
    });
    if (!admission.accepted) {
      return { status: 503, body: { code: 'RESET_QUEUE_FULL' }, retryAfterS: admission.retryAfterS };
    }
    return { status: 202, body: { requestId } };
  }

  /** Delivered mails of the account (empty while pending); 404 for names that are not accounts. */
  mailbox(account: string): Reply {
    const index = this.accounts.indexOf(account);
    if (index < 0) return { status: 404, body: { code: 'UNKNOWN_ACCOUNT' } };
    return { status: 200, body: { messages: this.outbox.mailbox(String(index)) } };
  }

  /** 200 and the new password takes effect; 400 for an unknown, used or expired token. */
  confirm(account: string, token: string, newPassword: string): Reply {
    const index = this.accounts.indexOf(account);
    if (index < 0) return { status: 400, body: { code: 'TOKEN_INVALID' } };
    if (newPassword.length === 0) return { status: 400, body: { code: 'PASSWORD_EMPTY' } };
    const result = this.tokens.consume(index, token);
    if (result === 'expired') return { status: 400, body: { code: 'TOKEN_EXPIRED' } };
    if (result !== 'ok') return { status: 400, body: { code: 'TOKEN_INVALID' } };
    this.accounts.setPassword(index, this.#hasher.hash(newPassword));
    return { status: 200, body: { ok: true } };
  }

  /** Stops timers; queued resets and undelivered mail are dropped. */
  close(): void {
    this.admin.close();
    this.outbox.close();
  }
}
