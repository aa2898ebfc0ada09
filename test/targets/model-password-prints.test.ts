/**
 * The model's table of reset passwords (targets/reference/model/password-prints.ts) and the
 * account book's verdicts over it (model-accounts.ts): held against a Map given the same writes,
 * through several doublings, with keys that collide on their home slot, indexes past 2^32, and
 * the account book's login checks before and after a reset.
 */
import { describe, expect, it } from 'vitest';
import { initialPasswordRule } from '../../targets/reference/accounts.js';
import { ModelAccounts } from '../../targets/reference/model/model-accounts.js';
import { PasswordPrints } from '../../targets/reference/model/password-prints.js';
import { REFERENCE_DEFAULTS } from '../../targets/reference/reference-config.js';

/** A small deterministic generator (xorshift32), so a failure replays. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

describe('password prints', () => {
  it('answers as a Map given the same writes, through its doublings', () => {
    const t = new PasswordPrints();
    const ref = new Map<number, number>();
    const next = xorshift(0x5eed);
    // 20,000 writes into 30,000 indexes: a third of them rewrite an account already held.
    for (let n = 0; n < 20_000; n++) {
      const index = next() % 30_000;
      const print = next() >>> 0 || 1;
      expect(t.set(index, print)).toBe(!ref.has(index));
      ref.set(index, print);
    }
    expect(t.size).toBe(ref.size);
    // Doubling past 0.7 full from 1,024 slots: the smallest power of two with size <= 0.7 x slots.
    const slots = 2 ** Math.ceil(Math.log2(ref.size / 0.7));
    expect(t.capacity).toBe(slots);
    for (let index = 0; index < 30_000; index++) expect(t.get(index)).toBe(ref.get(index) ?? 0);
  });

  it('keeps strided keys and indexes past 2^32', () => {
    const t = new PasswordPrints();
    // Multiples of 1,024 (what a table indexed by the low bits would pile into one slot), then
    // keys above 2^32 (the reference config allows 10^12 accounts), three of them equal in their
    // low 32 bits.
    const indexes = Array.from({ length: 2000 }, (_, k) => k * 1024);
    indexes.push(2 ** 32, 2 ** 32 + 5, 2 * 2 ** 32 + 5, 7 * 2 ** 32 + 5, 999_999_999_999);
    for (const [k, index] of indexes.entries()) t.set(index, k + 1);
    for (const [k, index] of indexes.entries()) expect(t.get(index)).toBe(k + 1);
    expect(t.get(5)).toBe(0);
    expect(t.get(3 * 2 ** 32 + 5)).toBe(0);
    expect(t.size).toBe(indexes.length);
  });
});

describe('model accounts over the table', () => {
  it('refuses the old password once a reset is confirmed, and counts each account once', () => {
    const config = { ...REFERENCE_DEFAULTS, accounts: 1000, mustResetShare: 0.5, seed: 7 };
    const a = new ModelAccounts(config);
    const initial = initialPasswordRule(7);
    // mustResetShare 0.5 of 1,000: accounts 0..499 must reset, 500..999 log in as they are.
    expect(a.check(10, initial(10))).toBe('must-reset');
    expect(a.check(600, initial(600))).toBe('ok');
    expect(a.check(10, 'guess')).toBe('wrong-password');
    expect(a.check(-1, initial(10))).toBe('unknown-account');
    a.setPassword(10, 'new-10');
    a.setPassword(10, 'newer-10');
    a.setPassword(600, 'new-600');
    expect(a.touchedCount).toBe(2);
    expect(a.check(10, 'newer-10')).toBe('ok');
    expect(a.check(10, 'new-10')).toBe('wrong-password');
    expect(a.check(10, initial(10))).toBe('wrong-password');
    expect(a.check(600, initial(600))).toBe('wrong-password');
    expect(a.check(11, initial(11))).toBe('must-reset');
  });
});
