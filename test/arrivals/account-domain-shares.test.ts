/**
 * Account -> mail domain: deterministic per (seed, index), and each domain's count over n
 * accounts is Binomial(n, share), so the shares hold within a few standard deviations.
 */
import { describe, expect, it } from 'vitest';
import { accountDomainPicker } from '../../harness/arrivals/account-domain.js';

const domains = [
  { name: 'gmail.test', share: 0.4 },
  { name: 'yahoo.test', share: 0.25 },
  { name: 'hotmail.test', share: 0.2 },
  { name: 'other.test', share: 0.15 },
];

describe('accountDomainPicker', () => {
  it('spreads accounts by share: |count - n p| < 5 sqrt(n p (1 - p))', () => {
    const n = 100_000;
    const pick = accountDomainPicker(domains, 20110420);
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) counts.set(pick(i), (counts.get(pick(i)) ?? 0) + 1);
    for (const { name, share } of domains) {
      // e.g. gmail: n p = 40,000, sd = sqrt(100000 * 0.4 * 0.6) = 154.9, so within 775.
      const sd = Math.sqrt(n * share * (1 - share));
      expect(Math.abs((counts.get(name) ?? 0) - n * share), name).toBeLessThan(5 * sd);
    }
  });

  it('is a pure function of (seed, index): same answer twice, another seed reshuffles', () => {
    const a = accountDomainPicker(domains, 1);
    const b = accountDomainPicker(domains, 1);
    const c = accountDomainPicker(domains, 2);
    let differ = 0;
    for (let i = 0; i < 1000; i++) {
      expect(a(i)).toBe(b(i));
      if (a(i) !== c(i)) differ++;
    }
    // Independent picks agree with probability sum(p^2) = 0.16 + 0.0625 + 0.04 + 0.0225 = 0.285,
    // so about 715 of 1000 differ (sd 14); far from 0.
    expect(differ).toBeGreaterThan(600);
    expect(accountDomainPicker([], 1)(5)).toBe('example.test');
  });
});
