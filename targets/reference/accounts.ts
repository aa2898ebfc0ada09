/**
 * The reference service's account book. Accounts are synthesized from their index (name, initial
 * password, whether they must reset), and only accounts that something has happened to (a reset
 * confirmed) get a record, so a population of 77 M accounts costs nothing until it is touched.
 */
import type { PasswordRecord } from './password-hash.js';

/** Population parameters the account rules derive from. */
export interface AccountRules {
  readonly accounts: number;
  readonly seed: number;
  readonly mustResetShare: number;
}

/** Digits an account number is zero-padded to: max(8, digits of accounts - 1). */
export function accountNameWidth(accounts: number): number {
  return Math.max(8, String(Math.max(0, accounts - 1)).length);
}

/** `user-00012345`: the canonical name of account `index`. */
export function accountName(index: number, width = 8): string {
  return `user-${String(index).padStart(width, '0')}`;
}

/** Initial password of account `index` under `seed`; simple on purpose, so an http target file can template it. */
export function initialPassword(index: number, seed: number): string {
  return `pw-${seed}-${index}`;
}

/**
 * `initialPassword(·, seed)` with its prefix built once: each password is then one concatenation
 * (a 32-byte string node on a cached prefix) instead of three, for a model building one per login.
 */
export function initialPasswordRule(seed: number): (index: number) => string {
  const prefix = `pw-${seed}-`;
  return (index) => prefix + index;
}

/** Number of accounts that must reset: indexes below it are flagged. */
export function mustResetCount(rules: AccountRules): number {
  return Math.floor(rules.accounts * rules.mustResetShare);
}

const NAME = /^user-(\d{1,12})$/;

/**
 * The index of an account name, or -1 when it names no account of this population. Any zero
 * padding is accepted: clients rebuilt without the population size may pad to 8 digits only.
 */
export function parseAccount(name: string, accounts: number): number {
  const m = NAME.exec(name);
  if (!m) return -1;
  const index = Number(m[1]);
  return index < accounts ? index : -1;
}

/** State of an account that has confirmed a reset; untouched accounts have none. */
export interface TouchedAccount {
  readonly password: PasswordRecord;
}

/** The sparse store of touched accounts plus the rules for every other one. */
export class AccountBook {
  readonly rules: AccountRules;
  readonly #mustReset: number;
  readonly #touched = new Map<number, TouchedAccount>();

  constructor(rules: AccountRules) {
    this.rules = rules;
    this.#mustReset = mustResetCount(rules);
  }

  /** Index of `name`, or -1 if it is not an account here. */
  indexOf(name: string): number {
    return parseAccount(name, this.rules.accounts);
  }

  /** The record of a touched account, undefined while it still has its initial password. */
  touched(index: number): TouchedAccount | undefined {
    return this.#touched.get(index);
  }

  /** Whether the account must reset before it may log in (and has not done so yet). */
  mustReset(index: number): boolean {
    return index < this.#mustReset && !this.#touched.has(index);
  }

  /** Records a confirmed reset: from now on only `password` logs in. */
  setPassword(index: number, password: PasswordRecord): void {
    this.#touched.set(index, { password });
  }

  /** Accounts with a record (for metrics and memory checks). */
  get touchedCount(): number {
    return this.#touched.size;
  }
}
