/**
 * How confirmation mail leaves and arrives, for the model (and, once the SMTP outbox lands, for
 * the real server's outbox too). Two stages:
 * 1. The backend's outbox sends at most `perS` a second with no saved-up burst (fixed pacing):
 *    the k-th mail leaves at max(its ready time, the previous send + 1/perS). This is the rule
 *    `mail-outbox.ts` implements with its slot clock.
 * 2. Each recipient domain then delivers it to the inbox after its own throttle (ISP deferrals,
 *    greylisting, rate limits): a pluggable `MailDeliveryRule`; the default delivers on send.
 * Times are ns from t0 (the model's unit).
 */

/** When the outbox sends a mail that became ready at `readyNs`, given the previous send (-Infinity: none). */
export function mailSendAt(previousSendNs: number, readyNs: number, intervalNs: number): number {
  return Math.max(readyNs, previousSendNs + intervalNs);
}

/**
 * A recipient domain's throttle: when a mail sent at `sentNs` to `domain` reaches the inbox.
 * Called once per mail in send order (non-decreasing `sentNs`), so an implementation may keep
 * per-domain state (a token bucket, a greylist of first-time senders). Must return >= `sentNs`.
 */
export interface MailDeliveryRule {
  /** Short name for reports (`none`, `isp-defaults`). */
  readonly name: string;
  arrivalNs(domain: string, sentNs: number): number;
}

/** No ISP throttle: a mail is in the inbox the moment it is sent. */
export const NO_ISP_THROTTLE: MailDeliveryRule = {
  name: 'none',
  arrivalNs: (_domain, sentNs) => sentNs,
};

/**
 * A per-domain fixed-pacing throttle (`perS` deliveries a second per domain, no burst), the
 * simplest ISP rate limit: a deliverable example of the plug-in point and a check in the tests.
 */
export function perDomainPacing(perS: Readonly<Record<string, number>>): MailDeliveryRule {
  const last = new Map<string, number>();
  return {
    name: 'per-domain-pacing',
    arrivalNs(domain, sentNs) {
      const rate = perS[domain];
      if (rate === undefined) return sentNs;
      const at = mailSendAt(last.get(domain) ?? Number.NEGATIVE_INFINITY, sentNs, 1e9 / rate);
      last.set(domain, at);
      return at;
    },
  };
}
