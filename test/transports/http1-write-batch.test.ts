/**
 * The http1 transport writes at the end of the event-loop turn (write-batch.ts): nothing is written
 * inside `send`, the requests one connection was given in a turn go out in one socket write, and
 * each gets exactly one `onWritten`, at that write, before its answer. Socket writes are counted
 * by a spy on net.Socket's write below the stream (the one the transport calls), the client's
 * sockets only (the node:http peer runs in this process).
 */
import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttp1Transport, type Http1Parser } from '../../harness/transports/http1/http1-transport.js';
import type { Transport } from '../../harness/transports/transport.js';
import { type NodePeer, startNodePeer } from '../support/node-peer.js';
import { RecordingExchange, testNow } from './recording-exchange.js';

const GET = { method: 'GET' as const, path: '/ok', headers: {} };

describe.each<Http1Parser>(['llhttp', 'http-parser-js'])('http1 (%s) write batching', (parser) => {
  let peer: NodePeer | null = null;
  let t: Transport | null = null;
  afterEach(async () => {
    vi.restoreAllMocks();
    await t?.close();
    await peer?.stop();
  });

  it('writes the 4 requests a connection got in one turn in one write, after send returned', async () => {
    peer = await startNodePeer();
    const port = Number(new URL(peer.origin).port);
    t = createHttp1Transport(peer.origin, { now: testNow, connections: 1, pipelining: 4, parser });
    await t.warm();
    const spy = vi.spyOn(Socket.prototype as unknown as { _writeGeneric: () => void }, '_writeGeneric');
    const clientWrites = (): number =>
      spy.mock.contexts.filter((s) => (s as unknown as Socket).remotePort === port).length;
    const exs = [0, 1, 2, 3].map(() => new RecordingExchange());
    for (const ex of exs) t.send(GET, true, ex);
    expect(exs.map((e) => e.writtenCalls)).toEqual([0, 0, 0, 0]);
    const endings = await Promise.all(exs.map((e) => e.done));
    expect(endings.map((e) => [e.status, e.body])).toEqual(Array(4).fill([200, 'ok']));
    expect(clientWrites()).toBe(1);
    for (const [i, ex] of exs.entries()) {
      expect(ex.writtenCalls).toBe(1);
      // One write, so one written time for the four, and each before its own answer.
      expect(ex.writtenAtNs).toBe(exs[0]!.writtenAtNs);
      expect(ex.writtenAtNs).toBeLessThanOrEqual(endings[i]!.atNs);
    }
    // The next turn's request is a write of its own.
    const next = new RecordingExchange();
    t.send(GET, false, next);
    expect((await next.done).status).toBe(200);
    expect(clientWrites()).toBe(2);
  });
});
