/**
 * Single-use reset tokens. A finished reset issues a random token (crypto.randomBytes) valid for
 * `ttlS`; a confirm consumes it. Tokens are compared in constant time so a confirm's latency does
 * not tell an attacker how many leading characters were right.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type ConsumeResult, consumeResult, tokenExpiresAt, tokenLive } from './rules/token-expiry.js';

export type { ConsumeResult } from './rules/token-expiry.js';

interface Issued {
  readonly token: Buffer;
  readonly expiresAt: number;
}

/** Outstanding tokens per account; accounts without one cost nothing. */
export class ResetTokens {
  readonly #ttlS: number;
  readonly #byAccount = new Map<number, Issued[]>();
  readonly #now: () => number;

  /** `ttlS` lifetime of a token; `now` in epoch-free monotonic ms. */
  constructor(ttlS: number, now: () => number = () => performance.now()) {
    this.#ttlS = ttlS;
    this.#now = now;
  }

  /** Issues a new token for account `index`; several may be outstanding (repeated requests). */
  issue(index: number): string {
    const token = randomBytes(16);
    const list = this.#byAccount.get(index) ?? [];
    const now = this.#now();
    // Drop expired ones on the way so a retry storm cannot grow the list without bound.
    const live = list.filter((t) => tokenLive(t.expiresAt, now));
    live.push({ token, expiresAt: tokenExpiresAt(now, this.#ttlS, 1000) });
    this.#byAccount.set(index, live);
    return token.toString('hex');
  }

  /**
   * Consumes `token` for account `index`: `ok` once, then `unknown`. Every outstanding token is
   * compared (no early exit), each in constant time.
   */
  consume(index: number, token: string): ConsumeResult {
    const list = this.#byAccount.get(index);
    if (!list) return 'unknown';
    const presented = decodeToken(token);
    const now = this.#now();
    let match = -1;
    for (let i = 0; i < list.length; i++) {
      const issued = list[i];
      if (issued && timingSafeEqual(issued.token, presented) && match < 0) match = i;
    }
    if (match < 0) return 'unknown';
    const hit = list[match];
    list.splice(match, 1);
    if (list.length === 0) this.#byAccount.delete(index);
    return hit ? consumeResult(true, hit.expiresAt, now) : 'unknown';
  }

  /** Accounts holding at least one token. */
  get accounts(): number {
    return this.#byAccount.size;
  }
}

const TOKEN_BYTES = 16;
const HEX = /^[0-9a-f]{32}$/;

/** The presented token as 16 bytes; a malformed one becomes bytes that match nothing issued. */
function decodeToken(token: string): Buffer {
  if (HEX.test(token)) return Buffer.from(token, 'hex');
  // A fixed-length impostor keeps timingSafeEqual's equal-length requirement and its timing.
  return Buffer.alloc(TOKEN_BYTES, 0xff);
}
