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
  profile: Profile,
  file: string,
): { readonly req: RequestDoc; readonly base: string; readonly tokenPointer: string } {
  const base = mailbox.sink.url ? new URL(mailbox.sink.url).origin : K6_DEFAULT_SINK;
  let address = mailbox.sink.address ?? DEFAULT_ADDRESS;
  if (address.includes('{{domain}}')) {
    const domains = profile.population.domains;
    if (domains.length > 1) {
      throw new StampedeError(
        'E_TARGET_FILE',
        `${file}: mailbox.sink.address uses {{domain}} over ${domains.length} population.domains: not exported to k6 yet`,
      );
    }
    address = address.replaceAll('{{domain}}', domains[0]?.name ?? DEFAULT_MAIL_DOMAIN);
  }
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
