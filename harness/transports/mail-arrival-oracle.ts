/**
 * An optional ability of a transport that models the backend: it knows when an account's mail
 * will be in its inbox. The scheduler then answers a run of await-mail polls analytically: it
 * counts the polls that would have come back "no mail yet" and sends only the one that finds the
 * mail (or the last one the step's deadline allows). For a 30-minute mail wait polled every 5 s
 * that is one request instead of 360. A real transport has no such ability: real runs poll.
 *
 * The reference model (targets/reference/model/reference-model.ts) implements it; the interface
 * lives here, beside Transport, so the driver never imports a concrete target.
 */
import type { Transport } from './transport.js';

/** A transport that can say when a mail arrives. */
export interface MailArrivalOracle {
  /**
   * Time (ns from t0) from which a mailbox poll of `account` (its name, as the target sends it)
   * finds its first mail; may be in the past. Infinity when no mail is on its way (keep polling:
   * the answer can change).
   */
  mailArrivalNs(account: string): number;
}

/** Whether `t` can answer mail arrivals (detect once, outside the hot path). */
export function isMailArrivalOracle(t: Transport): t is Transport & MailArrivalOracle {
  return typeof (t as Partial<MailArrivalOracle>).mailArrivalNs === 'function';
}
