/**
 * The model's account book: the same population rules as the server's (`accounts.ts`: names,
 * initial passwords, who must reset), with the passwords set by confirmed resets kept as 32-bit
 * fingerprints in one hash table (`password-prints.ts`) instead of a Map of records: a JS Map holds
 * at most 2^24 entries, and a full relaunch day confirms ~10^7 resets, 12-24 bytes each here.
 *
 * The price: a wrong password whose FNV-1a fingerprint collides with the right one (odds 2^-32)
 * is accepted. No flow sends wrong passwords to a reset account on purpose.
 */
import { initialPasswordRule, mustResetCount, parseAccount } from '../accounts.js';
import type { ReferenceConfig } from '../reference-config.js';
import { PasswordPrints } from './password-prints.js';

/** The outcome of a password check, before the HTTP status is chosen. */
export type LoginCheck = 'unknown-account' | 'wrong-password' | 'must-reset' | 'ok';

/** Who exists, who must reset, and the passwords confirmed resets have set. */
export class ModelAccounts {
  readonly #accounts: number;
  readonly #initialPassword: (index: number) => string;
  readonly #mustReset: number;
  /** Fingerprints of the reset accounts (a fingerprint of 0 is stored as 1: 0 = none). */
  readonly #prints = new PasswordPrints();

  constructor(config: ReferenceConfig) {
    this.#accounts = config.accounts;
    this.#initialPassword = initialPasswordRule(config.seed);
    this.#mustReset = mustResetCount(config);
  }

  /** Index of `name`, or -1 when it names no account here (the server's rule). */
  indexOf(name: string): number {
    return parseAccount(name, this.#accounts);
  }

  /** The server's login decision for account `index` (-1: unknown) presenting `password`. */
  check(index: number, password: string): LoginCheck {
    if (index < 0) return 'unknown-account';
    const print = this.#prints.get(index);
    if (print !== 0) return fingerprint(password) === print ? 'ok' : 'wrong-password';
    if (password !== this.#initialPassword(index)) return 'wrong-password';
    // Only someone holding the password learns that a reset is due.
    return index < this.#mustReset ? 'must-reset' : 'ok';
  }

  /** Records a confirmed reset: from now on only `password` logs in, and no reset is due. */
  setPassword(index: number, password: string): void {
    this.#prints.set(index, fingerprint(password));
  }

  /** Accounts with a confirmed reset (the server's `touchedCount`). */
  get touchedCount(): number {
    return this.#prints.size;
  }
}

/** FNV-1a over the UTF-16 code units, never 0 (0 marks an untouched account). */
function fingerprint(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h === 0 ? 1 : h;
}
