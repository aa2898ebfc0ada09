/**
 * The k6 script's `mailDomain(i)` is the same pick as stampede's `accountDomainPicker`: the
 * emitted TypeScript is transpiled, evaluated, and compared account by account, so a k6 run polls
 * the inbox the backend actually mailed.
 */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { accountDomainPicker } from '../../harness/arrivals/account-domain.js';
import { k6MailDomainSource } from '../../harness/k6/k6-sink-mailbox.js';
import type { MailDomain, Profile } from '../../harness/profile/profile.js';

const d = (name: string, share: number): MailDomain => ({
  name,
  share,
  perS: 0,
  burst: 1,
  perConnection: 0,
  greylistS: 0,
  rejectShare: 0,
});

function emitted(domains: MailDomain[], seed: number): (i: number) => string {
  const profile = { population: { accounts: 1, seed, mustResetShare: 1, domains } } as unknown as Profile;
  const js = ts.transpileModule(`${k6MailDomainSource(profile)}\nreturn mailDomain;`, {
    compilerOptions: { target: ts.ScriptTarget.ES2022 },
  }).outputText;
  return new Function(js)() as (i: number) => string;
}

describe('k6 mailDomain', () => {
  it('picks the same domain as accountDomainPicker for every account', () => {
    const domains = [
      d('gmail.test', 0.4),
      d('yahoo.test', 0.25),
      d('hotmail.test', 0.2),
      d('other.test', 0.15),
    ];
    for (const seed of [1, 20110420, 4_000_000_000]) {
      const k6 = emitted(domains, seed);
      const ours = accountDomainPicker(domains, seed);
      const indexes = [...Array.from({ length: 20_000 }, (_, i) => i), 2 ** 32 + 5, 76_999_999];
      for (const i of indexes) if (k6(i) !== ours(i)) expect(`${seed}/${i}: ${k6(i)}`).toBe(ours(i));
    }
    expect(emitted([], 1)(3)).toBe('example.test');
    expect(emitted([d('only.test', 1)], 1)(3)).toBe('only.test');
  });
});
