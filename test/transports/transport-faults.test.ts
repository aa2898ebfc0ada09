/**
 * Transport conformance, hostile servers: every mode of test/support/fault-server.ts against every
 * transport of transport-factories.ts. The expected class of each mode follows from what the
 * server does (written next to each case); a deadline is the driver's `cancel(ex, timeout)`.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Transport } from '../../harness/transports/transport.js';
import { Outcome } from '../../harness/vocabulary/outcome.js';
import type { RequestSpec } from '../../targets/target.js';
import { type FaultMode, type FaultServer, spawnFaultServer } from '../support/spawn-fault-server.js';
import { type Ending, RecordingExchange, testNow } from './recording-exchange.js';
import { TRANSPORT_FACTORIES } from './transport-factories.js';

const GET: RequestSpec = { method: 'GET', path: '/', headers: {} };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.each(TRANSPORT_FACTORIES)('transport $name against hostile servers', (factory) => {
  let server: FaultServer | null = null;
  let t: Transport | null = null;
  afterEach(async () => {
    await t?.close();
    await server?.stop();
    t = null;
    server = null;
  });

  async function against(mode: FaultMode, arg = 0): Promise<Transport> {
    server = await spawnFaultServer(mode, arg);
    t = factory.create(server.origin, { now: testNow, connections: 1, pipelining: 1 });
    return t;
  }

  function send(tr: Transport, wantBody = true): RecordingExchange {
    const ex = new RecordingExchange();
    tr.send(GET, wantBody, ex);
    return ex;
  }

  /** Sends, lets the server misbehave for `ms`, then cancels as the driver does at a deadline. */
  async function cancelledAtDeadline(tr: Transport, ms: number): Promise<Ending> {
    const ex = send(tr);
    await sleep(ms);
    // Nothing may have come back before the deadline: the response never completed.
    expect(ex.ending).toBeNull();
    tr.cancel(ex, Outcome.timeout);
    const e = await ex.done;
    await sleep(50);
    expect(ex.finalCalls).toBe(1);
    return e;
  }

  it('nothing listening: warm() resolves, the request fails as connect', async () => {
    // A port that was free a moment ago: bound, read and released.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const addr = probe.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    probe.close();
    await once(probe, 'close');
    t = factory.create(`http://127.0.0.1:${port}`, { now: testNow, connections: 2, pipelining: 1 });
    await t.warm();
    const e = await send(t).done;
    expect([e.kind, e.outcome]).toEqual(['failure', Outcome.connect]);
  });

  it('a server that accepts and closes at once costs one connect per request, not a loop', async () => {
    let accepted = 0;
    const slam = createServer((s) => {
      accepted++;
      s.destroy();
    }).listen(0, '127.0.0.1');
    await once(slam, 'listening');
    const addr = slam.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    try {
      t = factory.create(`http://127.0.0.1:${port}`, { now: testNow, connections: 4, pipelining: 1 });
      await t.warm();
      await sleep(300);
      // warm opened 4; none answered, so none is reopened without a request waiting for it.
      expect(accepted).toBeLessThanOrEqual(4);
      const e = await send(t).done;
      expect(e.kind).toBe('failure');
      expect([Outcome.reset, Outcome.connect]).toContain(e.outcome);
      await sleep(300);
      // The request may have been written to one fresh connection (closed: reset) or found none.
      expect(accepted).toBeLessThanOrEqual(4 + 2);
    } finally {
      slam.close();
    }
  });

  it('a body without length runs to the close (HTTP/1.0 style); the next request gets a new connection', async () => {
    let accepted = 0;
    const raw = createServer((s) => {
      accepted++;
      s.on('error', () => undefined);
      s.once('data', () => s.end('HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the close'));
    }).listen(0, '127.0.0.1');
    await once(raw, 'listening');
    const addr = raw.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    try {
      t = factory.create(`http://127.0.0.1:${port}`, { now: testNow, connections: 1, pipelining: 1 });
      const first = await send(t).done;
      expect([first.kind, first.status, first.body]).toEqual(['response', 200, 'until the close']);
      const second = await send(t).done;
      expect(second.body).toBe('until the close');
      expect(accepted).toBe(2);
    } finally {
      raw.close();
    }
  });

  it('reset: headers, part of the body, then RST -> reset', async () => {
    const e = await send(await against('reset')).done;
    expect([e.kind, e.outcome]).toEqual(['failure', Outcome.reset]);
  });

  it('hang: no answer -> timeout at the deadline, exactly once', async () => {
    const e = await cancelledAtDeadline(await against('hang'), 300);
    expect([e.kind, e.outcome]).toEqual(['failure', Outcome.timeout]);
  });

  it('stall-body: 10 of 1000 body bytes, then nothing -> timeout at the deadline', async () => {
    const e = await cancelledAtDeadline(await against('stall-body'), 300);
    expect([e.kind, e.outcome]).toEqual(['failure', Outcome.timeout]);
  });

  it('trickle: one byte every 100 ms -> timeout at the deadline', async () => {
    const e = await cancelledAtDeadline(await against('trickle'), 500);
    expect(e.outcome).toBe(Outcome.timeout);
  });

  it('garbage: bytes that are not HTTP -> invalid', async () => {
    const e = await send(await against('garbage')).done;
    expect([e.kind, e.outcome]).toEqual(['failure', Outcome.invalid]);
  });

  it('close-after 2: two answers, then the server is gone -> connect', async () => {
    const tr = await against('close-after', 2);
    expect((await send(tr).done).status).toBe(200);
    expect((await send(tr).done).status).toBe(200);
    // The server drops its connections 20 ms after the 2nd answer and accepts no new ones.
    await sleep(300);
    const e = await send(tr).done;
    expect([e.kind, e.outcome]).toEqual(['failure', Outcome.connect]);
  });

  it('huge 20 MB: the body is read to its end, kept only when wanted', async () => {
    const tr = await against('huge', 20);
    const dropped = await send(tr, false).done;
    expect([dropped.kind, dropped.status, dropped.body]).toEqual(['response', 200, undefined]);
    const kept = await send(tr, true).done;
    expect(kept.body?.length).toBe(20 * 1024 * 1024);
  });

  it('die-after 2: the process exits after its 2nd answer -> the next request fails as connect', async () => {
    const tr = await against('die-after', 2);
    expect((await send(tr).done).status).toBe(200);
    expect((await send(tr).done).status).toBe(200);
    for (let i = 0; i < 100 && server!.exitCode() === null; i++) await sleep(20);
    expect(server!.exitCode()).not.toBeNull();
    const e = await send(tr).done;
    expect([e.kind, e.outcome]).toEqual(['failure', Outcome.connect]);
  });
});
