/**
 * The await-mail step against the sink's (Mailpit-shaped) API, shared by every target that reads
 * mail from the sink: the request for an address's newest message, and the reading of its answer
 * (no message yet: pending; a message: its `Token`).
 */
import { accountDomainPicker } from '../../harness/arrivals/account-domain.js';
import type { MailSpec, RequestSpec, SessionState, StepVerdict } from '../target.js';

const PENDING: StepVerdict = { verdict: 'pending' };

/** Builds await-mail requests for sessions, against the sink in `mail`. */
export class SinkReader {
  readonly #origin: string;
  readonly #domainOf: (index: number) => string;

  constructor(mail: MailSpec) {
    this.#origin = mail.origin;
    this.#domainOf = accountDomainPicker(mail.domains, mail.seed);
  }

  /** The address the backend mails account `index` (named `account`) at. */
  address(account: string, index: number): string {
    return `${account}@${this.#domainOf(index)}`;
  }

  /** `GET /api/v1/search?query=to:"<addr>"&limit=1` on the sink's origin. */
  request(s: SessionState, address = this.address(s.account, s.accountIndex)): RequestSpec {
    const query = encodeURIComponent(`to:"${address}"`);
    return {
      origin: this.#origin,
      method: 'GET',
      path: `/api/v1/search?query=${query}&limit=1`,
      headers: {},
    };
  }
}

/** The newest message's token; `pending` while there is none. Never throws. */
export function readSinkAnswer(body: string | undefined, capture = 'token'): StepVerdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return { verdict: 'invalid', reason: 'mail sink answer is not JSON' };
  }
  const messages = (parsed as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages)) return { verdict: 'invalid', reason: 'mail sink answer without messages' };
  const newest: unknown = messages[0];
  if (newest === undefined) return PENDING;
  const token = (newest as { Token?: unknown } | null)?.Token;
  if (typeof token !== 'string' || token === '') return { verdict: 'invalid', reason: 'mail without token' };
  return { verdict: 'ok', captures: { [capture]: token } };
}
