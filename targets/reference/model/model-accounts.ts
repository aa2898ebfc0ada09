/**
 * The model's account book: the same population rules as the server's (`accounts.ts`: names,
 * initial passwords, who must reset), with the passwords set by confirmed resets kept as 32-bit
 * fingerprints in one hash table (`password-prints.ts`) instead of a Map of records: a JS Map holds
 * at most 2^24 entries, and a full relaunch day confirms ~10^7 resets: 12 bytes a slot here, the
 * table 0.35-0.7 full.
 *
 * Passwords are checked by their fingerprint (`passwordPrint`), the initial ones too: a request in
 * the model's queue holds a login's password as 4 bytes, not a string (a take-down herd queues
 * ~6.6 M logins). The price: a wrong password whose fingerprint collides with the right one
 * (odds 2^-32) is accepted.
 */
import { initialPasswordRule, mustResetCount, parseAccount } from '../accounts.js';
import type { ReferenceConfig } from '../reference-config.js';
import { PasswordPrints, passwordPrint } from './password-prints.js';

/** The outcome of a password check, before the HTTP status is chosen. */
export type LoginCheck = 'unknown-account' | 'wrong-password' | 'must-reset' | 'ok';

/** Who exists, who must reset, and the passwords confirmed resets have set. */
export class ModelAccounts {
  readonly #accounts: number;
  readonly #initialPassword: (index: number) => string;
  readonly #mustReset: number;
  /** Fingerprints of the reset accounts. */
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
    return this.checkPrint(index, passwordPrint(password));
  }

  /** `check` for a password given as its fingerprint (`passwordPrint`). */
  checkPrint(index: number, print: number): LoginCheck {
    if (index < 0) return 'unknown-account';
    const held = this.#prints.get(index);
    if (held !== 0) return print === held ? 'ok' : 'wrong-password';
    if (print !== passwordPrint(this.#initialPassword(index))) return 'wrong-password';
    // Only someone holding the password learns that a reset is due.
    return index < this.#mustReset ? 'must-reset' : 'ok';
  }

  /** Records a confirmed reset: from now on only `password` logs in, and no reset is due. */
  setPassword(index: number, password: string): void {
    this.#prints.set(index, passwordPrint(password));
  }

  /** Accounts with a confirmed reset (the server's `touchedCount`). */
  get touchedCount(): number {
    return this.#prints.size;
  }
}
