/**
 * Transport conformance, queueing and cancellation: requests beyond the pool wait in the client and
 * are written (`onWritten`) only when a connection takes them, so service time excludes client
 * queueing; `cancel` works on a queued request (never written) and on one on the wire (its socket
 * goes, the others on it fail as `reset`); pipelining keeps `depth` requests on one socket and a
 * failure takes all of them, each reported once. The transport's own logic, so it runs on undici
 * and the http1 transport with its default parser (LOGIC_FACTORIES).
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Transport } from '../../harness/transports/transport.js';
import { Outcome } from '../../harness/vocabulary/outcome.js';
import type { RequestSpec } from '../../targets/target.js';
import { type NodePeer, startNodePeer } from '../support/node-peer.js';
import { RecordingExchange, testNow } from './recording-exchange.js';
import { type FactoryOptions, LOGIC_FACTORIES } from './transport-factories.js';

const get = (path: string): RequestSpec => ({ method: 'GET', path, headers: {} });
const MS = 1e6;

/**
 * A raw server that holds answers until `batch` request heads have arrived on its first socket (so
 * only a pipelining client gets any answer), then answers each `r<n>` in order, or resets the
 * socket. Later connections (a transport re-sending what a failed socket lost) are answered at once.
 */
async function batchServer(
  batch: number,
  then: 'answer' | 'reset',
  holdMs = 0,
): Promise<{ server: Server; origin: string }> {
  let connections = 0;
  const server = createServer((socket: Socket) => {
    socket.on('error', () => undefined);
    const first = ++connections === 1;
    let text = '';
    let heads = 0;
    let answered = 0;
    const answer = (): void => {
      while (answered < heads) {
        const body = `r${++answered}`;
        socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
      }
    };
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      for (let end = text.indexOf('\r\n\r\n'); end >= 0; end = text.indexOf('\r\n\r\n')) {
        text = text.slice(end + 4);
        heads++;
      }
      if (!first) return answer();
      if (heads < batch) return;
      if (then === 'reset') socket.resetAndDestroy();
      else if (holdMs > 0 && answered === 0) setTimeout(answer, holdMs);
      else answer();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  return { server, origin: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` };
}

describe.each(LOGIC_FACTORIES)('transport $name queueing', (factory) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const transport = (origin: string, o: Partial<FactoryOptions> = {}): Transport => {
    const t = factory.create(origin, { now: testNow, connections: 1, pipelining: 1, ...o });
    cleanups.push(() => t.close());
    return t;
  };
  const nodePeer = async (): Promise<NodePeer> => {
    const p = await startNodePeer();
    cleanups.push(() => p.stop());
    return p;
  };
  const send = (t: Transport, req: RequestSpec): RecordingExchange => {
    const ex = new RecordingExchange();
    ex.sentAtNs = testNow();
    t.send(req, true, ex);
    return ex;
  };

  it('writes requests beyond the pool only when a connection takes them', async () => {
    const peer = await nodePeer();
    const t = transport(peer.origin, { connections: 2 });
    await t.warm();
    const exs = Array.from({ length: 6 }, (_, i) => send(t, get(`/delay/400?${i}`)));
    // Well before the first answer (400 ms): two connections, one request each: 2 written, 4 waiting.
    await new Promise((r) => setTimeout(r, 150));
    expect(exs.map((e) => e.writtenCalls)).toEqual([1, 1, 0, 0, 0, 0]);
    const ends = await Promise.all(exs.map((e) => e.done));
    expect(ends.map((e) => e.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(exs.every((e) => e.writtenCalls === 1 && e.finalCalls === 1)).toBe(true);
    expect(peer.connections()).toBe(2);
  });

  it('service time excludes client queueing: 1 connection, a server answering in D, 5 at once', async () => {
    const D = 150;
    const peer = await nodePeer();
    const t = transport(peer.origin);
    await t.warm();
    // How long this process's loop could not run: an answer is read that late at most.
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const exs = Array.from({ length: 5 }, (_, i) => send(t, get(`/delay/${D}?k=${i + 1}`)));
    await Promise.all(exs.map((e) => e.done));
    lag.disable();
    const lagMs = lag.max / 1e6;
    for (let k = 1; k <= 5; k++) {
      const ex = exs[k - 1]!;
      const end = ex.ending!.atNs;
      // Written only once the (k-1)-th answer is in: the k-th waited (k-1)*D in the client.
      if (k > 1) expect(ex.writtenAtNs).toBeGreaterThanOrEqual(exs[k - 2]!.ending!.atNs);
      // written -> response ~= D: the server holds each answer D ms (timers fire no earlier; a loaded
      // machine adds delay, never the D of a queued predecessor, hence the < 1.8 D bound, plus the
      // loop's own worst delay: a starved loop reads late, 375 ms seen under two CPU hogs).
      const serviceMs = (end - ex.writtenAtNs) / MS;
      expect(serviceMs).toBeGreaterThanOrEqual(D - 2);
      expect(serviceMs, `loop delay max ${lagMs.toFixed(1)} ms`).toBeLessThan(1.8 * D + lagMs);
      // send -> response ~= k * D: k answers of D ms each, one after the other on one connection.
      expect((end - ex.sentAtNs) / MS).toBeGreaterThanOrEqual(k * D - 2 * k);
    }
  });

  it('a request cancelled while queued is never written: the server sees N-1', async () => {
    const peer = await nodePeer();
    const t = transport(peer.origin);
    await t.warm();
    const a = send(t, get('/delay/100?a'));
    const b = send(t, get('/delay/100?b'));
    const c = send(t, get('/delay/100?c'));
    t.cancel(b, Outcome.cancelled);
    expect((await b.done).outcome).toBe(Outcome.cancelled);
    expect((await a.done).status).toBe(200);
    expect((await c.done).status).toBe(200);
    expect([
      peer.requests('/delay/100?a'),
      peer.requests('/delay/100?b'),
      peer.requests('/delay/100?c'),
    ]).toEqual([1, 0, 1]);
    t.cancel(b, Outcome.timeout); // nothing in flight: a no-op
    await new Promise((r) => setTimeout(r, 50));
    expect([b.finalCalls, b.writtenCalls]).toEqual([1, 0]);
  });

  it('a request cancelled on the wire ends as given; its connection is replaced', async () => {
    const peer = await nodePeer();
    const t = transport(peer.origin);
    const slow = send(t, get('/delay/5000'));
    await new Promise((r) => setTimeout(r, 100));
    expect(slow.writtenCalls).toBe(1);
    t.cancel(slow, Outcome.timeout);
    expect((await slow.done).outcome).toBe(Outcome.timeout);
    const next = send(t, get('/ok'));
    expect((await next.done).body).toBe('ok');
    expect(peer.connections()).toBe(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(slow.finalCalls).toBe(1);
  });

  it('pipelines depth 4 on one connection; a 5th waits for the first answer', async () => {
    const { server, origin } = await batchServer(4, 'answer', 300);
    cleanups.push(async () => {
      server.close();
    });
    const t = transport(origin, { pipelining: 4 });
    await t.warm();
    const exs = Array.from({ length: 5 }, (_, i) => send(t, get(`/p${i}`)));
    // The server holds its answers 300 ms after the 4th head: by then 4 are written, the 5th waits.
    await new Promise((r) => setTimeout(r, 100));
    expect(exs.map((e) => e.writtenCalls)).toEqual([1, 1, 1, 1, 0]);
    const ends = await Promise.all(exs.map((e) => e.done));
    // The server answers only after 4 heads on one socket, in order.
    expect(ends.map((e) => e.body)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(exs[4]!.writtenAtNs).toBeGreaterThanOrEqual(exs[0]!.ending!.atNs);
  });

  it('a pipelined socket that resets: its requests each end once (all reset, or the rest re-sent)', async () => {
    const { server, origin } = await batchServer(4, 'reset');
    cleanups.push(async () => {
      server.close();
    });
    const t = transport(origin, { pipelining: 4 });
    await t.warm();
    const exs = Array.from({ length: 4 }, (_, i) => send(t, get(`/p${i}`)));
    const ends = await Promise.all(exs.map((e) => e.done));
    expect(ends[0]!.outcome).toBe(Outcome.reset);
    for (const e of ends.slice(1)) {
      if (factory.failsPipelinedTogether) expect(e.outcome).toBe(Outcome.reset);
      else expect(e.outcome === Outcome.reset || e.status === 200).toBe(true);
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(exs.map((e) => e.finalCalls)).toEqual([1, 1, 1, 1]);
  });

  it('cancelling one of 4 pipelined requests: it ends as given, the other 3 once each', async () => {
    const { server, origin } = await batchServer(99, 'answer');
    cleanups.push(async () => {
      server.close();
    });
    const t = transport(origin, { pipelining: 4 });
    await t.warm();
    const exs = Array.from({ length: 4 }, (_, i) => send(t, get(`/p${i}`)));
    t.cancel(exs[1]!, Outcome.timeout);
    const ends = await Promise.all(exs.map((e) => e.done));
    expect(ends[1]!.outcome).toBe(Outcome.timeout);
    for (const e of [ends[0]!, ends[2]!, ends[3]!]) {
      if (factory.failsPipelinedTogether) expect(e.outcome).toBe(Outcome.reset);
      else expect(e.outcome === Outcome.reset || e.status === 200).toBe(true);
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(exs.map((e) => e.finalCalls)).toEqual([1, 1, 1, 1]);
  });

  it('close() ends what is queued and on the wire as cancelled', async () => {
    const peer = await nodePeer();
    const t = factory.create(peer.origin, { now: testNow, connections: 1, pipelining: 1 });
    await t.warm();
    const exs = [send(t, get('/delay/5000')), send(t, get('/delay/5000'))];
    await t.close();
    const ends = await Promise.all(exs.map((e) => e.done));
    expect(ends.map((e) => e.outcome)).toEqual([Outcome.cancelled, Outcome.cancelled]);
    // A send after close is not the contract's: it must still end once, as a failure, never hang.
    const late = send(t, get('/ok'));
    expect((await late.done).kind).toBe('failure');
    await new Promise((r) => setTimeout(r, 20));
    expect(late.finalCalls).toBe(1);
  });
});
