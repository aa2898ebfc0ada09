/**
 * The reference service's capacity limits over real loopback HTTP: the admin queue fills and then
 * answers 503 + Retry-After, mail leaves at the throttled rate, maintenance answers 503 for its
 * duration (per region when scoped). Bounds are orders of magnitude, never tight timings.
 */
import { createRequire } from 'node:module';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { REFERENCE_DEFAULTS, type ReferenceConfig } from '../../targets/reference/reference-config.js';
import { listenReferenceWithSink, type ReferenceWithSink } from './reference-with-sink.js';

interface Sample {
  readonly name: string;
  readonly value: string;
  readonly labels?: Record<string, string>;
}
interface Family {
  readonly name: string;
  readonly type: string;
  readonly metrics: readonly Sample[];
}
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (
  text: string,
) => Family[];

const servers: ReferenceWithSink[] = [];

async function start(over: Partial<ReferenceConfig>): Promise<ReferenceWithSink> {
  const s = await listenReferenceWithSink({
    ...REFERENCE_DEFAULTS,
    hashCost: 0,
    accounts: 10_000,
    mustResetShare: 1,
    ...over,
  });
  servers.push(s);
  return s;
}

// Each test has servers of its own, so the tests run side by side and the servers close at the end.
afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

async function metric(base: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await request(`${base}/metrics`);
  const families = parsePrometheus(await res.body.text());
  const fam = families.find((f) => f.name === name);
  const m = fam?.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
  return m ? Number(m.value) : 0;
}

const account = (i: number): string => `user-${String(i).padStart(8, '0')}`;

describe.concurrent('reference capacity', () => {
  it('queues resets on 2 admin workers, then answers 503 with Retry-After when the queue is full', async () => {
    const s = await start({ adminWorkers: 2, resetServiceMs: 5_000, resetQueue: 10 });
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) => post(s.url, '/v1/password-reset', { account: account(i) })),
    );
    const accepted = replies.filter((r) => r.status === 202);
    const rejected = replies.filter((r) => r.status === 503);
    // 2 on workers + 10 waiting; the other 18 are turned away.
    expect(accepted).toHaveLength(12);
    expect(rejected).toHaveLength(18);
    for (const r of rejected) expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // 5 s per reset: no reset finishes before the scrape.
    expect(await metric(s.url, 'stampede_ref_admin_queue_depth')).toBe(10);
    expect(await metric(s.url, 'stampede_ref_admin_busy_workers')).toBe(2);
    expect(
      await metric(s.url, 'stampede_ref_rejected_total', {
        endpoint: 'password-reset',
        reason: 'queue_full',
      }),
    ).toBe(18);
    expect(
      await metric(s.url, 'stampede_ref_requests_total', { endpoint: 'password-reset', status: '503' }),
    ).toBe(18);
  });

  it('sends mail over SMTP no faster than mailPerS (10 mails at 5/s take >= ~1.8 s)', async () => {
    const s = await start({ adminWorkers: 50, resetServiceMs: 1, mailPerS: 5 });
    const t0 = performance.now();
    for (let i = 0; i < 10; i++)
      expect((await post(s.url, '/v1/password-reset', { account: account(i) })).status).toBe(202);
    let sawBacklog = false;
    let delivered = 0;
    while (delivered < 10 && performance.now() - t0 < 20_000) {
      const depth = await metric(s.url, 'stampede_ref_mail_outbox_depth');
      if (depth > 0) sawBacklog = true;
      delivered = await metric(s.url, 'stampede_ref_mail_delivered_total');
      await new Promise((r) => setTimeout(r, 50));
    }
    const elapsed = performance.now() - t0;
    expect(delivered).toBe(10);
    expect(sawBacklog).toBe(true);
    // Fixed pacing: the 10th mail leaves 9 intervals (1.8 s) after the first; allow timer slack below.
    expect(elapsed).toBeGreaterThan(1700);
    // Each inbox at the sink shows its one delivered message.
    const query = encodeURIComponent(`to:"${account(9)}@example.test"`);
    const box = await request(`${s.sink.apiOrigin}/api/v1/search?query=${query}&limit=10`);
    const messages = (JSON.parse(await box.body.text()) as { messages: unknown[] }).messages;
    expect(messages).toHaveLength(1);
  });

  it('leaves the inbox empty while the reset waits for an admin worker', async () => {
    const s = await start({ adminWorkers: 1, resetServiceMs: 10_000 });
    expect((await post(s.url, '/v1/password-reset', { account: account(3) })).status).toBe(202);
    const query = encodeURIComponent(`to:"${account(3)}@example.test"`);
    const box = await request(`${s.sink.apiOrigin}/api/v1/search?query=${query}&limit=1`);
    expect(JSON.parse(await box.body.text())).toMatchObject({ messages_count: 0, messages: [] });
    expect(await metric(s.url, 'stampede_ref_admin_busy_workers')).toBe(1);
  });

  it('answers 503 + Retry-After during maintenance, then recovers; /metrics and /admin stay up', async () => {
    const s = await start({});
    const t0 = performance.now();
    expect((await post(s.url, '/admin/maintenance', { durationS: 1 })).status).toBe(202);
    const down = await post(s.url, '/v1/login', { account: account(1), password: 'pw-1-1' });
    expect(down.status).toBe(503);
    expect(Number(down.headers['retry-after'])).toBe(1);
    expect(await metric(s.url, 'stampede_ref_maintenance')).toBe(1);
    let status = 503;
    while (status === 503 && performance.now() - t0 < 5_000) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await post(s.url, '/v1/login', { account: account(1), password: 'pw-1-1' })).status;
    }
    // The window opened after t0, so it cannot have closed before t0 + 1 s.
    expect(performance.now() - t0).toBeGreaterThan(990);
    expect(status).toBe(403);
    expect(await metric(s.url, 'stampede_ref_maintenance')).toBe(0);
    expect(
      await metric(s.url, 'stampede_ref_rejected_total', { endpoint: 'login', reason: 'maintenance' }),
    ).toBeGreaterThan(0);
  });

  it('scopes maintenance to the named regions', async () => {
    const s = await start({ mustResetShare: 0 });
    expect((await post(s.url, '/admin/maintenance', { durationS: 60, regions: ['eu'] })).status).toBe(202);
    const body = { account: account(1), password: 'pw-1-1' };
    const eu = await post(s.url, '/v1/login', body, { 'x-stampede-region': 'eu' });
    expect(eu.status).toBe(503);
    expect(Number(eu.headers['retry-after'])).toBeGreaterThan(50);
    expect((await post(s.url, '/v1/login', body, { 'x-stampede-region': 'us' })).status).toBe(200);
    expect((await post(s.url, '/v1/login', body)).status).toBe(200);
  });

  it('rejects malformed requests with 400 and unknown paths with 404', async () => {
    const s = await start({});
    expect((await post(s.url, '/v1/login', { account: 3 })).status).toBe(400);
    expect((await post(s.url, '/admin/maintenance', { durationS: 'soon' })).status).toBe(400);
    expect((await post(s.url, '/v2/nothing', {})).status).toBe(404);
  });
});
