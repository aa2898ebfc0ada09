/**
 * An optional ability of a transport that models the backend: it knows when an account's mail
 * will be in its inbox, so the driver can answer a run of await-mail polls analytically (count
 * the polls that would have come back empty, send only the one that finds the mail) instead of
 * simulating each. For a 30-minute mail wait polled every 5 s that is 1 event instead of 360.
 */
import type { Transport } from '../../../harness/transports/transport.js';

/** A transport that can say when a mail arrives. */
export interface MailOracle {
  /**
   * Virtual time (ns from t0) at which the first mail of `account` (its name, as the target
   * sends it) is in its inbox: a mailbox poll the server takes up at t >= this finds it; it may
   * be in the past. Infinity when no mail is on its way yet (the reset was not accepted, or not
   * requested): keep polling then, the answer can change with the next reset request.
   */
  mailArrivalNs(account: string): number;
}

/** Whether `t` can answer mail arrivals (detect once, outside the hot path). */
export function isMailOracle(t: Transport): t is Transport & MailOracle {
  return typeof (t as Partial<MailOracle>).mailArrivalNs === 'function';
}
