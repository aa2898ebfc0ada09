/**
 * Password hashing for the reference service: PBKDF2-SHA256, run synchronously on the server's
 * own thread on purpose, so `hashCost` sets the login capacity of one core the way a real auth
 * service's KDF does. Cost 0 turns hashing off for throughput tests of the rest of the path.
 */
import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { hashIterations } from './rules/login-cost.js';

export { ITERATIONS_PER_COST } from './rules/login-cost.js';

const KEY_LEN = 32;

/** A stored password: salt and derived key (or the SHA-256 of the password when cost is 0). */
export interface PasswordRecord {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** Hashes and checks passwords at a fixed cost. */
export class PasswordHasher {
  readonly #iterations: number;

  /** `cost` 0 = no KDF (a plain SHA-256), n = n × ITERATIONS_PER_COST PBKDF2 rounds. */
  constructor(cost: number) {
    this.#iterations = hashIterations(cost);
  }

  /** Derives the key of `password` with `salt`; this is where the CPU goes. */
  derive(password: string, salt: Buffer): Buffer {
    if (this.#iterations === 0) return createHash('sha256').update(salt).update(password).digest();
    return pbkdf2Sync(password, salt, this.#iterations, KEY_LEN, 'sha256');
  }

  /** A new record for `password` with a random salt. */
  hash(password: string): PasswordRecord {
    const salt = randomBytes(16);
    return { salt, hash: this.derive(password, salt) };
  }

  /** Checks `password` against a stored record in constant time. */
  verify(password: string, record: PasswordRecord): boolean {
    return timingSafeEqual(this.derive(password, record.salt), record.hash);
  }

  /**
   * Checks `password` against an untouched account's initial password. The stored hash of an
   * untouched account would be KDF(initial): computing it per request would double the cost and
   * storing it would cost memory per account, so the check spends one KDF on the presented
   * password (the CPU a real check spends) and compares the plain values in constant time. At
   * cost 0 nothing is hashed at all (the salt is not even derived).
   */
  verifyInitial(password: string, expected: string, salt: () => Buffer): boolean {
    if (this.#iterations > 0) this.derive(password, salt());
    return constantTimeEqual(password, expected);
  }
}

/** Constant-time string equality; unequal lengths compare against the value itself so timing does not leak. */
export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** Deterministic salt of an untouched account (what its stored record would hold). */
export function initialSalt(index: number, seed: number): Buffer {
  return createHash('sha256').update(`salt:${seed}:${index}`).digest().subarray(0, 16);
}
