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
