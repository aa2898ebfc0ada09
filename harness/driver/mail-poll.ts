/**
 * When an await-mail step polls the mailbox again: a pure function of the step's start, the time
 * the last poll was answered, the poll period and the step's deadline.
 */

/**
 * ns of the next poll after a "no mail yet" answered at `answeredNs`, or -1 when that poll would
 * come after the step's deadline (`timeoutS` from `stepStartNs`): the step ends as mail-timeout.
 */
export function nextPollNs(
  stepStartNs: number,
  answeredNs: number,
  pollEveryS: number,
  timeoutS: number,
): number {
  const next = answeredNs + pollEveryS * 1e9;
  return next - stepStartNs > timeoutS * 1e9 ? -1 : next;
}

/**
 * The poll worth sending after a "no mail yet" answered at `answeredNs`, when the mail is known to
 * be readable from `mailAtNs`: the first poll of the regular series (`answeredNs` + k x period,
 * k >= 1) at or after `mailAtNs`, or the last one the deadline allows if that comes first. The
 * polls before it would each have come back empty: `skipped` counts them (they are counted, not
 * sent). Assumes each skipped poll is answered the instant it is sent (a mailbox read costs no
 * CPU); a poll queued behind other work would have drifted later. -1 as `nextNs` when even the
 * first poll is past the deadline or no mail is on its way (the caller keeps the plain
 * `nextPollNs` answer then).
 */
export function usefulPollNs(
  stepStartNs: number,
  answeredNs: number,
  pollEveryS: number,
  timeoutS: number,
  mailAtNs: number,
): { nextNs: number; skipped: number } {
  const periodNs = pollEveryS * 1e9;
  if (!(periodNs > 0)) return { nextNs: -1, skipped: 0 };
  // Largest k with answered + k·P - start <= timeout: the last poll the deadline allows.
  const lastK = Math.floor((stepStartNs + timeoutS * 1e9 - answeredNs) / periodNs);
  if (lastK < 1) return { nextNs: -1, skipped: 0 };
  // No mail on its way: poll as usual, the answer can change.
  if (!Number.isFinite(mailAtNs)) return { nextNs: -1, skipped: 0 };
  const k = Math.min(Math.max(1, Math.ceil((mailAtNs - answeredNs) / periodNs)), lastK);
  return { nextNs: answeredNs + k * periodNs, skipped: k - 1 };
}
