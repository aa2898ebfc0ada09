import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportK6Script, readHttpTargetDoc } from '../../harness/k6/k6-script.js';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { importK6 } from '../../reports/import/import-k6.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import type { HttpTargetDoc } from '../../targets/http/http-target-doc.js';
import { tempDir, writeLines } from './k6-import-helpers.js';
import { k6Time } from './k6-ndjson-fixture.js';
import { type FakeK6Record, runFlows } from './k6-script-runner.js';

// A loopback backend whose truth is set here: the mail of an account shows on its 3rd mailbox
// read (2 "no mail yet" answers first); accounts in FAIL_LOGIN_NEW get a 500 on login-new; the
// sink also keeps a stale message (year 2001) that must never be taken for the new one.
const MAIL_ON_READ = 3;
const POLL_S = 0.2;
const reads = new Map<string, number>();
const FAIL_LOGIN_NEW = new Set<string>();
let server: Server;
let origin = '';

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (c: Buffer) => {
      s += c.toString();
    });
    req.on('end', () => resolve(s));
  });
}

function json(res: ServerResponse, status: number, doc: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(doc));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', origin);
  const doc = req.method === 'POST' ? (JSON.parse(await body(req)) as Record<string, string>) : {};
  if (url.pathname === '/v1/login') {
    if (doc['password']?.startsWith('Np-')) {
      return FAIL_LOGIN_NEW.has(doc['account'] ?? '')
        ? json(res, 500, {})
        : json(res, 200, { sessionToken: 's' });
    }
    return json(res, 403, { error: 'PASSWORD_RESET_REQUIRED' });
  }
  if (url.pathname === '/v1/password-reset') return json(res, 202, { requestId: `r-${doc['account']}` });
  if (url.pathname === '/v1/password-reset/confirm') return json(res, doc['token'] === 'tok' ? 200 : 400, {});
  if (url.pathname === '/api/v1/search') {
    const q = url.searchParams.get('query') ?? '';
    const n = (reads.get(q) ?? 0) + 1;
    reads.set(q, n);
    const stale = { ID: 'old', Created: '2001-01-01T00:00:00Z', Token: 'stale', To: [{ Address: 'x' }] };
    if (n < MAIL_ON_READ) return json(res, 200, { total: 1, messages_count: 1, messages: [stale] });
    const fresh = { ID: `m${n}`, Created: new Date().toISOString(), Token: 'tok', To: [{ Address: q }] };
    return json(res, 200, { total: 2, messages_count: 2, messages: [fresh, stale] });
  }
  json(res, 404, {});
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

let profileFile = '';

/** Exports a one-flow profile against this server with the mailbox read from the sink's API. */
async function exportAgainstSink(): Promise<string> {
  const dir = await tempDir();
  const profile = join(dir, 'p.yaml');
  profileFile = profile;
  await writeFile(
    profile,
    [
      'name: node-run',
      'population: { accounts: 1000, seed: 7, mustResetShare: 1 }',
      'client: { maxInFlight: 100, requestTimeout: 5s }',
      'defaults: { think: 100ms, retry: { maxAttempts: 1 } }',
      'flows:',
      '  forced-reset:',
      '    accounts: must-reset',
      '    steps:',
      '      - { step: login, name: login-forced, expect: [403], think: 0s }',
      '      - reset-request',
      `      - { step: await-mail, pollEvery: ${POLL_S * 1000}ms, timeout: 5s, think: 0s }`,
      '      - reset-confirm',
      '      - login-new',
      'phases:',
      '  - { name: flat, constant: 5, duration: 4s }',
      'gates:',
      '  - "* error-rate < 5%"',
      '  - "await-mail p99 < 2s"',
    ].join('\n'),
  );
  const target = join(dir, 't.yaml');
  const ref = await import('node:fs/promises').then((f) =>
    f.readFile('targets/examples/reference.http.yaml', 'utf8'),
  );
  await writeFile(target, ref.replace('http://127.0.0.1:8080', origin));
  const doc = readHttpTargetDoc(target);
  // The mail sink form of the target file (`mailbox: { sink: { url } }`).
  const sinkDoc = { ...doc, mailbox: { sink: { url: origin } } } as unknown as HttpTargetDoc;
  return exportK6Script(await loadProfile(profile), sinkDoc, target).code;
}

const samplesOf = (r: FakeK6Record, metric: string) => r.samples.filter((s) => s.metric === metric);

describe('the exported script under plain Node (k6 modules faked, a real loopback server)', () => {
  let rec: FakeK6Record;
  beforeAll(async () => {
    const code = await exportAgainstSink();
    FAIL_LOGIN_NEW.clear();
    rec = await runFlows(
      code,
      [0, 1].map((iteration) => ({ fn: 'flow_forced_reset', iteration })),
      { STAMPEDE_REGION: 'eu', STAMPEDE_ACCOUNT_OFFSET: '0' },
      Date.now() - 60_000,
    );
  }, 60_000);

  it('builds the requests of the target file: method, URL, headers and JSON body per session', () => {
    const logins = rec.calls.filter((c) => c.tags['step'] === 'login-forced');
    expect(logins.length).toBe(2);
    for (const c of logins) {
      expect(c.method).toBe('POST');
      expect(c.url).toBe(`${origin}/v1/login`);
      expect(c.headers['x-stampede-region']).toBe('eu');
      const b = JSON.parse(c.body ?? '{}') as Record<string, string>;
      expect(b['account']).toMatch(/^user-\d{8}$/);
      expect(b['password']).toBe(`pw-1-${Number(b['account']!.slice(5))}`);
    }
    // Two sessions, two accounts.
    expect(new Set(logins.map((c) => c.body)).size).toBe(2);
    const search = rec.calls.filter((c) => c.tags['step'] === 'await-mail');
    expect(search[0]!.url).toMatch(/\/api\/v1\/search\?query=to%3A%22user-\d{8}%40[a-z.]+%22&limit=1$/);
  });

  it('measures the mail wait once per session, step start -> mail found, polls apart', () => {
    const waits = samplesOf(rec, 'stampede_await_mail');
    // Truth: 2 "no mail yet" reads, each followed by a 200 ms sleep; requests take no virtual time.
    expect(waits.map((w) => w.value)).toEqual([
      (MAIL_ON_READ - 1) * POLL_S * 1000,
      (MAIL_ON_READ - 1) * POLL_S * 1000,
    ]);
    expect(samplesOf(rec, 'stampede_mail_polls').length).toBe(2 * (MAIL_ON_READ - 1));
    const polls = rec.calls.filter((c) => c.tags['step'] === 'await-mail');
    expect(polls.length).toBe(2 * MAIL_ON_READ);
    for (const p of polls) expect(p.tags['poll']).toBe('true');
    // The stale message (2001) was never taken: reset-confirm got the fresh token and succeeded.
    const finals = samplesOf(rec, 'stampede_step').filter((s) => s.tags['step'] === 'reset-confirm');
    expect(finals.map((s) => s.tags['outcome'])).toEqual(['ok', 'ok']);
    // Only the poll that found the mail is an await-mail attempt for the gates.
    const attempts = samplesOf(rec, 'stampede_attempts').filter((s) => s.tags['step'] === 'await-mail');
    expect(attempts.length).toBe(2);
  });

  it('a VU that wakes late has the user wait that long: a step starts at completion + think', async () => {
    const LATE_MS = 30;
    FAIL_LOGIN_NEW.clear();
    reads.clear();
    const late = await runFlows(
      await exportAgainstSink(),
      [{ fn: 'flow_forced_reset', iteration: 5 }],
      { STAMPEDE_REGION: 'eu', STAMPEDE_ACCOUNT_OFFSET: '0' },
      Date.now() - 60_000,
      LATE_MS,
    );
    // Truth: await-mail (think 0 s) is due when reset-request completed; the VU's sleep(0) wakes
    // 30 ms late, then 2 "no mail yet" polls each sleep 200 ms + 30 ms; requests take no time.
    const waits = samplesOf(late, 'stampede_await_mail').map((w) => w.value);
    expect(waits).toEqual([LATE_MS + (MAIL_ON_READ - 1) * (POLL_S * 1000 + LATE_MS)]);
    // reset-confirm (think 100 ms) is due 100 ms after the mail; its user wait is the late 30 ms.
    const confirm = samplesOf(late, 'stampede_step').filter((s) => s.tags['step'] === 'reset-confirm');
    expect(confirm.map((s) => s.value)).toEqual([LATE_MS]);
  });

  it('tags every request with a name that is the same for every session (one series per step)', () => {
    const byStep = new Map<string, Set<string>>();
    for (const c of rec.calls) {
      const set = byStep.get(c.tags['step']!) ?? new Set();
      set.add(c.tags['name']!);
      byStep.set(c.tags['step']!, set);
    }
    expect([...byStep.keys()].sort()).toEqual([
      'await-mail',
      'login-forced',
      'login-new',
      'reset-confirm',
      'reset-request',
    ]);
    for (const [step, names] of byStep) {
      expect(names.size, step).toBe(1);
      expect([...names][0], step).not.toMatch(/user-\d/);
    }
    expect(samplesOf(rec, 'stampede_sessions').map((s) => s.tags['phase'])).toEqual([
      'start',
      'succeeded',
      'start',
      'succeeded',
    ]);
  });

  it("imports the script's own output with the native definitions (mail wait, polls apart)", async () => {
    const dir = await tempDir();
    const file = join(dir, 'out.json');
    const scen = { flow: 'forced-reset', scenario: 'forced-reset--global', region: 'eu' };
    const lines = [...rec.samples]
      .sort((a, b) => a.time - b.time)
      .map((x) =>
        JSON.stringify({
          metric: x.metric,
          type: 'Point',
          data: { time: k6Time(x.time, 0), value: x.value, tags: { ...scen, ...x.tags } },
        }),
      );
    await writeLines(file, lines);
    await importK6(file, join(dir, 'run'), { profile: await loadProfile(profileFile) });
    const run = await readRunDir(join(dir, 'run'));
    expect(run.summary.arrivals).toBe(2);
    expect(run.summary.completed).toBe(2);
    const mail = run.summary.steps['await-mail']!;
    // One attempt per session (6 polls were sent), latency = the mail wait: 2 × 200 ms.
    expect(mail.count).toBe(2);
    expect(mail.ok).toBe(2);
    expect(mail.offered).toBe(2);
    expect(Math.abs(mail.latencyMs.p50 - 400)).toBeLessThanOrEqual(0.4);
    for (const st of ['login-forced', 'reset-request', 'reset-confirm', 'login-new'])
      expect(run.summary.steps[st]!.count, st).toBe(2);
    expect(run.summary.gates?.map((g) => g.expr)).toEqual(['* error-rate < 5%', 'await-mail p99 < 2s']);
  });

  it('checks fail on a status the step does not expect', async () => {
    const code = await exportAgainstSink();
    reads.clear();
    // Account of iteration 0 is the same in both runs: make its login-new fail.
    const first = rec.calls.find((c) => c.tags['step'] === 'login-new')!;
    FAIL_LOGIN_NEW.add((JSON.parse(first.body ?? '{}') as Record<string, string>)['account']!);
    const bad = await runFlows(
      code,
      [{ fn: 'flow_forced_reset', iteration: 0 }],
      { STAMPEDE_REGION: 'eu' },
      Date.now() - 60_000,
    );
    const checks = bad.checks.filter((c) => c.name === 'login-new status 200');
    expect(checks).toEqual([{ name: 'login-new status 200', pass: false }]);
    expect(bad.checks.filter((c) => c.name === 'login-forced status 403')).toEqual([
      { name: 'login-forced status 403', pass: true },
    ]);
    const fin = samplesOf(bad, 'stampede_step').find((s) => s.tags['step'] === 'login-new');
    expect(fin?.tags['outcome']).toBe('5xx');
    expect(samplesOf(bad, 'stampede_failed').filter((s) => s.value === 1).length).toBe(1);
    expect(samplesOf(bad, 'stampede_sessions').map((s) => s.tags['phase'])).toEqual(['start']);
  }, 60_000);
});
