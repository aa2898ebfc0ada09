/**
 * Test helper (not a test): sends one step of a session through a Target over real HTTP with
 * undici, the way the driver will, and applies the verdict to the session.
 */
import { request } from 'undici';
import type { StepKind } from '../../harness/profile/profile.js';
import type { SessionState, StepVerdict, Target } from '../../targets/target.js';

/** What one step did. */
export interface StepResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** Undefined when the status was not among `expect` (the driver classifies those by status). */
  readonly verdict: StepVerdict | undefined;
}

/** A fresh session for account `index` of `target`. */
export function newSession(
  target: Target,
  index: number,
  region = 'eu',
  newPassword = `new-${index}`,
): SessionState {
  const c = target.credentials(index);
  return { accountIndex: index, account: c.account, password: c.password, newPassword, region, captures: {} };
}

/** Sends `kind` for `session`; interprets only if the status is in `expect`, merging ok captures. */
export async function driveStep(
  target: Target,
  kind: StepKind,
  session: SessionState,
  expect: readonly number[],
): Promise<StepResult> {
  const spec = target.buildRequest(kind, session);
  const res = await request(`${spec.origin ?? target.origin()}${spec.path}`, {
    method: spec.method,
    headers: spec.headers,
    body: spec.body ?? null,
  });
  const body = await res.body.text();
  let verdict: StepVerdict | undefined;
  if (expect.includes(res.statusCode)) {
    const view = {
      status: res.statusCode,
      headers: res.headers,
      body: target.needsBody(kind) ? body : undefined,
    };
    verdict = target.interpret(kind, view, session);
    if (verdict.verdict === 'ok' && verdict.captures) Object.assign(session.captures, verdict.captures);
  }
  return { status: res.statusCode, headers: res.headers, body, verdict };
}

/** Polls await-mail until the verdict is not pending (bounded by `timeoutMs`). */
export async function awaitMail(
  target: Target,
  session: SessionState,
  timeoutMs = 10_000,
): Promise<StepResult> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const r = await driveStep(target, 'await-mail', session, [200]);
    if (r.verdict?.verdict !== 'pending' || performance.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
