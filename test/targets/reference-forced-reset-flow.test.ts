/**
 * The whole forced-reset flow against the reference service started as a real child process:
 * login 403 -> reset 202 -> the mail over real SMTP to the target's mail sink (its own child
 * process) -> the token from the sink's API -> confirm 200 -> new password 200, old password
 * 401. Once through ReferenceTarget, once through the shipped http target file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadHttpTarget } from '../../targets/http/load-http-target.js';
import { ReferenceTarget } from '../../targets/reference/reference-target.js';
import type { Target } from '../../targets/target.js';
import { awaitMail, driveStep, newSession } from './drive-step.js';

const EXAMPLE = new URL('../../targets/examples/reference.http.yaml', import.meta.url);

let server: ReferenceTarget;

beforeAll(async () => {
  server = new ReferenceTarget();
  await server.start({
    population: { accounts: 1000, seed: 1, mustResetShare: 0.5 },
    capacity: { mailPerS: 200, resetServiceMs: 5 },
  });
});

afterAll(async () => {
  await server?.stop();
});

async function forcedResetFlow(target: Target, index: number): Promise<void> {
  const s = newSession(target, index);
  const oldPassword = s.password;

  const login = await driveStep(target, 'login', s, [403]);
  expect(login.status).toBe(403);
  expect(JSON.parse(login.body)).toEqual({ code: 'PASSWORD_RESET_REQUIRED' });
  expect(login.verdict).toEqual({ verdict: 'ok' });

  const reset = await driveStep(target, 'reset-request', s, [202]);
  expect(reset.status).toBe(202);
  expect(reset.verdict?.verdict).toBe('ok');

  const mail = await awaitMail(target, s);
  expect(mail.verdict?.verdict).toBe('ok');
  expect(s.captures['token']).toMatch(/^[0-9a-f]{32}$/);

  const confirm = await driveStep(target, 'reset-confirm', s, [200]);
  expect(confirm.status).toBe(200);
  expect(s.password).toBe(s.newPassword);

  const loginNew = await driveStep(target, 'login-new', s, [200]);
  expect(loginNew.status).toBe(200);
  expect(s.captures['sessionToken']).toMatch(/^[0-9a-f]{32}$/);

  const stale = newSession(target, index);
  expect(stale.password).toBe(oldPassword);
  const old = await driveStep(target, 'login', stale, [200, 403]);
  expect(old.status).toBe(401);
}

describe('reference target, forced-reset flow', () => {
  it('runs in its own process and reports its origin and spec', () => {
    expect(server.pid).toBeGreaterThan(0);
    expect(server.pid).not.toBe(process.pid);
    expect(server.origin()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const spec = server.spec();
    expect(spec).toMatchObject({ kind: 'reference', origin: server.origin(), seed: 1, accounts: 1000 });
    // await-mail reads the sink's API, which is another origin.
    expect(spec.kind === 'reference' && spec.mail?.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.buildRequest('await-mail', newSession(server, 7)).origin).toBe(
      spec.kind === 'reference' ? spec.mail?.origin : undefined,
    );
  });

  it('walks login 403, reset, mail, confirm, login-new 200, old password 401', async () => {
    await forcedResetFlow(server, 7);
  });

  it('lets accounts outside the must-reset share log in directly and refuses a wrong password', async () => {
    const s = newSession(server, 900);
    expect((await driveStep(server, 'login', s, [200])).status).toBe(200);
    expect(s.captures['sessionToken']).toBeDefined();
    s.password = 'wrong';
    expect((await driveStep(server, 'login', s, [200])).status).toBe(401);
  });

  it('walks the same flow through targets/examples/reference.http.yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stampede-http-'));
    const doc = parseDocument(readFileSync(EXAMPLE, 'utf8'));
    doc.set('baseUrl', server.origin());
    doc.setIn(['metrics', 'url'], server.metricsUrl());
    // The reference server relays to its target's sink: read that one instead of starting another.
    const spec = server.spec();
    doc.set('mailbox', { sink: { url: spec.kind === 'reference' ? spec.mail?.origin : '' } });
    const file = join(dir, 'reference.http.yaml');
    writeFileSync(file, doc.toString());
    const target = loadHttpTarget(file);
    expect(target.origin()).toBe(server.origin());
    expect(target.credentials(7)).toEqual(server.credentials(7));
    await forcedResetFlow(target, 8);
  });

  it('stops: the child exits and the port refuses connections', async () => {
    const t = new ReferenceTarget();
    await t.start({ population: { accounts: 10, seed: 2, mustResetShare: 0 }, capacity: { hashCost: 0 } });
    const s = newSession(t, 1);
    expect((await driveStep(t, 'login', s, [200])).status).toBe(200);
    await t.stop();
    await expect(driveStep(t, 'login', s, [200])).rejects.toThrow();
  });
});
