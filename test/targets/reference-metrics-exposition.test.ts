/**
 * /metrics is valid Prometheus text (parsed by parse-prometheus-text-format) and its counters and
 * histogram move with traffic.
 */
import { createRequire } from 'node:module';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_DEFAULTS } from '../../targets/reference/reference-config.js';
import type { ReferenceServer } from '../../targets/reference/server.js';
import { listenReferenceWithSink } from './reference-with-sink.js';

interface Family {
  readonly name: string;
  readonly type: string;
  readonly metrics: readonly {
    readonly value?: string;
    readonly labels?: Record<string, string>;
    readonly buckets?: Record<string, string>;
    readonly count?: string;
  }[];
}
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (
  text: string,
) => Family[];

let s: ReferenceServer;
beforeAll(async () => {
  s = await listenReferenceWithSink({
    ...REFERENCE_DEFAULTS,
    hashCost: 0,
    accounts: 100,
    mustResetShare: 0.1,
  });
});
afterAll(async () => {
  await s?.close();
});

async function scrape(): Promise<Map<string, Family>> {
  const res = await request(`${s.url}/metrics`);
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  return new Map(parsePrometheus(await res.body.text()).map((f) => [f.name, f]));
}

async function login(account: string, password: string): Promise<number> {
  const res = await request(`${s.url}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account, password }),
  });
  await res.body.dump();
  return res.statusCode;
}

function count(f: Map<string, Family>, status: string): number {
  const m = f
    .get('stampede_ref_requests_total')
    ?.metrics.find((x) => x.labels?.['endpoint'] === 'login' && x.labels?.['status'] === status);
  return Number(m?.value ?? 0);
}

describe('reference /metrics', () => {
  it('parses, declares the gauges, and its counters and histogram move', async () => {
    const before = await scrape();
    for (const name of [
      'stampede_ref_admin_queue_depth',
      'stampede_ref_admin_busy_workers',
      'stampede_ref_mail_outbox_depth',
      'stampede_ref_requests_in_flight',
      'stampede_ref_maintenance',
    ]) {
      expect(before.get(name)?.type).toBe('GAUGE');
    }
    expect(count(before, '200')).toBe(0);

    expect(await login('user-00000050', 'pw-1-50')).toBe(200);
    expect(await login('user-00000051', 'pw-1-51')).toBe(200);
    expect(await login('user-00000001', 'pw-1-1')).toBe(403);
    expect(await login('user-00000050', 'nope')).toBe(401);

    const after = await scrape();
    expect(count(after, '200')).toBe(2);
    expect(count(after, '403')).toBe(1);
    expect(count(after, '401')).toBe(1);
    const hist = after.get('stampede_ref_login_duration_seconds');
    expect(hist?.type).toBe('HISTOGRAM');
    const loginHist = hist?.metrics[0];
    expect(Number(loginHist?.count)).toBe(4);
    expect(Number(loginHist?.buckets?.['+Inf'])).toBe(4);
    // Cumulative: counts never fall as the bound grows (object key order is not bucket order).
    const buckets = Object.entries(loginHist?.buckets ?? {})
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, v]) => Number(v));
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    // Two scrapes answered before this one completed; the all-requests family counts them too.
    expect(Number(after.get('stampede_ref_request_duration_seconds')?.metrics[0]?.count)).toBe(5);
    // The scrape that is being answered is itself in flight.
    expect(Number(after.get('stampede_ref_requests_in_flight')?.metrics[0]?.value)).toBe(1);
  });
});
