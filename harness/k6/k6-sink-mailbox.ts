/**
 * The await-mail step of a k6 export when the target file's mailbox is stampede's mail sink: a
 * GET of the sink's Mailpit-shaped search for the account's address, the token from the newest
 * message's `Token`. k6 runs on other machines, so it reads a sink that is already running:
 * `mailbox.sink.url`, else `http://127.0.0.1:8025` (`stampede mail-sink --api-port 8025`).
 */
import type { RequestDoc, SinkMailboxDoc } from '../../targets/http/http-target-doc.js';
import { DEFAULT_ADDRESS } from '../../targets/http/sink-mailbox.js';
import { DEFAULT_MAIL_DOMAIN } from '../arrivals/account-domain.js';
import { StampedeError } from '../errors.js';
import type { Profile } from '../profile/profile.js';

/** Where a k6 script reads a sink the file does not locate. */
export const K6_DEFAULT_SINK = 'http://127.0.0.1:8025';

/** The request (relative to `base`) and the token's JSON pointer of a sink mailbox in k6. */
export function k6SinkMailbox(
  mailbox: SinkMailboxDoc,
  file: string,
): { readonly req: RequestDoc; readonly base: string; readonly tokenPointer: string } {
  const base = mailbox.sink.url ? new URL(mailbox.sink.url).origin : K6_DEFAULT_SINK;
  // {{domain}} is the session's `mailDomain` capture, set from the account index at its start
  // by the script's `mailDomain` (k6MailDomainSource), the same pick the reference backend makes.
  const address = (mailbox.sink.address ?? DEFAULT_ADDRESS).replaceAll('{{domain}}', '{{mailDomain}}');
  if (address.includes('{{index}}')) {
    throw new StampedeError(
      'E_TARGET_FILE',
      `${file}: mailbox.sink.address uses {{index}}: not exported to k6 yet`,
    );
  }
  // Literal parts are written encoded; the builder encodes each placeholder's value.
  const encoded = address
    .split(/(\{\{[^}]+\}\})/)
    .map((part) => (part.startsWith('{{') ? part : encodeURIComponent(part)))
    .join('');
  const path = `/api/v1/search?query=to%3A%22${encoded}%22&limit=1`;
  return { req: { method: 'GET', path }, base, tokenPointer: '/messages/0/Token' };
}

/**
 * TypeScript source of `mailDomain(i)` for the generated script: `accountDomainPicker` of
 * harness/arrivals/account-domain.ts over the profile's domains and seed, written out (the
 * script cannot import stampede). Kept equal to it by test/k6/k6-mail-domain-parity.test.ts.
 */
export function k6MailDomainSource(profile: Profile): string {
  const domains = profile.population.domains;
  const seed = profile.population.seed >>> 0;
  if (domains.length <= 1) {
    return `const mailDomain = (_i: number): string => ${JSON.stringify(domains[0]?.name ?? DEFAULT_MAIL_DOMAIN)};`;
  }
  let sum = 0;
  const cum = domains.map((d) => {
    sum += d.share;
    return sum;
  });
  const names = JSON.stringify(domains.map((d) => d.name));
  return [
    'const mix32 = (x: number): number => {',
    '  let z = (x + 0x9e3779b9) | 0;',
    '  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);',
    '  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);',
    '  return (z ^ (z >>> 16)) >>> 0;',
    '};',
    `const MAIL_DOMAINS: string[] = ${names};`,
    `const MAIL_CUM: number[] = ${JSON.stringify(cum)};`,
    'const mailDomain = (i: number): string => {',
    `  let h = mix32(${seed} ^ 0x9e3779b9);`,
    '  h = mix32(h ^ (i >>> 0));',
    '  h = mix32(h ^ Math.imul(Math.floor(i / 4294967296) >>> 0, 0x85ebca6b));',
    `  const u = (h / 4294967296) * ${sum};`,
    "  for (let k = 0; k < MAIL_DOMAINS.length - 1; k++) if (u < (MAIL_CUM[k] ?? 0)) return MAIL_DOMAINS[k] ?? '';",
    "  return MAIL_DOMAINS[MAIL_DOMAINS.length - 1] ?? '';",
    '};',
  ].join('\n');
}
