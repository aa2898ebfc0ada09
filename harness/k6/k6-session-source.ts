/**
 * The fixed part of every exported k6 script, second half: sending a step with its retries,
 * waiting for the mail, running a session, and recording what stampede import and the
 * translated gates read. Definitions are the native driver's (docs/measurement.md), as far as a
 * k6 VU can see them:
 * - every attempt is an `http_req_duration` point tagged `step`, `retry` and `name` (the URL
 *   template: one time series per step, never per session); a check per step fails on any
 *   status the step does not expect;
 * - await-mail: the mailbox requests are polls, tagged `poll: "true"` (their own series); the
 *   step's latency is ONE value per session, `stampede_await_mail` = step start -> mail found
 *   (the user's wait for the mail, as the native await-mail latency); "no mail yet" answers are
 *   counted in `stampede_mail_polls`, never as requests;
 * - `stampede_step`: one value per step and session, first attempt's start -> final outcome
 *   (user wait), tagged with the final outcome class (and `poll: "true"` for await-mail, whose
 *   start is its one offered attempt besides retries);
 * - `stampede_sessions`: `phase: start` when a session starts (its arrival), `phase: succeeded`
 *   when every step succeeded, so sessions cut short by an aborted run are still counted;
 * - `stampede_outcomes`: classes no request shows (mail-timeout, invalid);
 * - `stampede_attempts` / `stampede_failed` / `stampede_rate_<class>`: stampede's requests by class,
 *   only when a gate needs them (count(), rps, error-rate, rate()).
 *
 * Kept free of backticks and `${` so it can live in a plain template literal here.
 */

/** The session runtime, placed after K6_RUNTIME_SOURCE and the gate constants. */
export const K6_SESSION_SOURCE = `
const mOutcomes = new Counter('stampede_outcomes');
const mAwaitMail = new Trend('stampede_await_mail', true);
const mPolls = new Counter('stampede_mail_polls');
const mStep = new Trend('stampede_step', true);
const mSessions = new Counter('stampede_sessions');
const mAttempts = new Counter('stampede_attempts');
const mFailed = new Rate('stampede_failed');
const mRates: Record<string, Rate> = {};
for (const c of RATE_CLASSES) mRates[c] = new Rate('stampede_rate_' + c.replace('-', '_'));

/** One request as stampede counts it (an attempt; for await-mail the poll that ended the wait). */
function counted(step: StepSpec, outcome: Outcome): void {
  if (RECORD_ATTEMPTS) mAttempts.add(1, { step: step.name, outcome });
  if (RECORD_FAILED) mFailed.add(outcome !== 'ok', { step: step.name });
  for (const c of RATE_CLASSES) mRates[c]?.add(outcome === c, { step: step.name });
}

function flag(step: StepSpec, outcome: Outcome, poll: boolean): void {
  const tags: Record<string, string> = { step: step.name, outcome };
  if (poll) tags['poll'] = 'true';
  mOutcomes.add(1, tags);
  counted(step, outcome);
}

/** The step's final outcome: its user wait, and whether the session goes on. */
function final(step: StepSpec, startedMs: number, outcome: Outcome): boolean {
  const tags: Record<string, string> = { step: step.name, outcome };
  if (step.kind === 'await-mail') tags['poll'] = 'true';
  mStep.add(Date.now() - startedMs, tags);
  return outcome === 'ok';
}

/** Sends one step's request with the retry policy; the last response and its outcome. */
function send(s: Session, step: StepSpec, poll: boolean): { res: Res; outcome: Outcome } {
  let attempt = 1;
  for (;;) {
    const r = step.build(s);
    const tags: Record<string, string> = { step: step.name, retry: attempt > 1 ? 'true' : 'false', name: step.nameTag };
    if (poll) tags['poll'] = 'true';
    const res = http.request(r.method, r.url, r.body, {
      headers: r.headers,
      tags,
      timeout: REQUEST_TIMEOUT,
      responseCallback: http.expectedStatuses(...step.expect),
    });
    const outcome = outcomeOf(res, step.expect);
    check(res, { [step.name + ' status ' + step.expect.join('|')]: () => outcome === 'ok' });
    if (outcome === 'ok') return { res, outcome };
    // A failed attempt is a request of the step, polls included; an ok one is counted by the caller.
    counted(step, outcome);
    if (attempt >= step.retry.maxAttempts || step.retry.on.indexOf(outcome) < 0) return { res, outcome };
    attempt++;
    sleep(retryDelayS(step.retry, attempt, res));
  }
}

/** The reset token of the sink's newest message, unless it predates this session's reset request. */
function sinkToken(res: Res, afterMs: number): string | undefined {
  const m = pointer(bodyJson(res), ['messages', '0']);
  if (m === null || typeof m !== 'object') return undefined;
  const msg = m as Record<string, unknown>;
  const created = Date.parse(String(msg['Created'] ?? ''));
  // A second of slack for the clocks of the sink and of this k6 instance.
  if (isFinite(created) && created < afterMs - 1000) return undefined;
  return asText(msg['Token']);
}

/**
 * Runs one step (polling for await-mail); false ends the session, as in the driver. started:
 * the step's intended start (previous completion + think), so a late wake-up counts in its wait.
 */
function runStep(s: Session, step: StepSpec, started: number): boolean {
  const poll = step.kind === 'await-mail';
  if (step.kind === 'reset-request') s.mailAfterMs = started;
  for (;;) {
    const { res, outcome } = send(s, step, poll);
    if (outcome !== 'ok') return final(step, started, outcome);
    if (step.success !== null) {
      const v = pointer(bodyJson(res), step.success.json);
      const pass = step.success.hasEquals ? v === step.success.equals : v !== undefined && v !== null;
      if (!pass) {
        flag(step, 'invalid', poll);
        return final(step, started, 'invalid');
      }
    }
    let pending = false;
    for (const [name, c] of step.captures) {
      const v = c.sink === true ? sinkToken(res, s.mailAfterMs) : readCapture(res, c);
      if (v === undefined) {
        if (c.optional === true) continue;
        if (poll) {
          pending = true;
          break;
        }
        flag(step, 'invalid', false);
        return final(step, started, 'invalid');
      }
      s.captures[name] = v;
    }
    if (!pending) {
      counted(step, 'ok');
      if (poll) mAwaitMail.add(Date.now() - started, { step: step.name });
      if (step.kind === 'reset-confirm') s.password = s.newPassword;
      return final(step, started, 'ok');
    }
    mPolls.add(1, { step: step.name });
    // No mail yet: poll again unless the deadline would pass first.
    if ((Date.now() - started) / 1000 + step.pollEveryS > step.timeoutS) {
      flag(step, 'mail-timeout', true);
      return final(step, started, 'mail-timeout');
    }
    sleep(step.pollEveryS);
  }
}

/** One session of a flow: the first step at arrival, think time before each later one. */
function runFlow(pool: Pool, steps: StepSpec[], account: (i: number) => string, password: (i: number) => string): void {
  mSessions.add(1, { phase: 'start' });
  const i = accountIndex(pool);
  const seq = Number(__ENV.STAMPEDE_ACCOUNT_OFFSET ?? '0') + exec.scenario.iterationInTest;
  const s: Session = {
    account: account(i),
    password: password(i),
    newPassword: 'Np-' + SEED + '-' + seq,
    region: __ENV.STAMPEDE_REGION ?? '',
    // The account's mail domain, as the backend picks it (mailDomain is emitted with the flows).
    captures: { mailDomain: mailDomain(i) },
    mailAfterMs: 0,
  };
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k];
    if (step === undefined) return;
    // The step is due at the previous completion + think time (the driver's intended time); a VU
    // that wakes late from the sleep has the user wait that long.
    let due = Date.now();
    if (k > 0) {
      const t = thinkS(step.think);
      due += t * 1000;
      sleep(t);
    }
    if (!runStep(s, step, due)) return;
  }
  mSessions.add(1, { phase: 'succeeded' });
}
`;
