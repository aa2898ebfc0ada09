/**
 * The http1 transport's held writes (requests sent from inside an answer, written once the turn's
 * reads are done) go out as one socket write per connection: 4 requests sent from inside one
 * answer on a connection pipelining 4 are one write, and share one written time, before their
 * answers. Socket writes are counted by a spy on net.Socket's write below the stream (the one
 * the transport calls), the client's sockets only (the node:http peer runs in this process).
 */
import { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttp1Transport, type Http1Parser } from '../../harness/transports/http1/http1-transport.js';
import type { Transport } from '../../harness/transports/transport.js';
import { type NodePeer, startNodePeer } from '../support/node-peer.js';
import { ChainedExchange, RecordingExchange, testNow } from './recording-exchange.js';

const GET = { method: 'GET' as const, path: '/ok', headers: {} };

describe.each<Http1Parser>(['llhttp', 'http-parser-js'])('http1 (%s) held writes', (parser) => {
  let peer: NodePeer | null = null;
  let t: Transport | null = null;
  afterEach(async () => {
    vi.restoreAllMocks();
    await t?.close();
    await peer?.stop();
  });

  it('writes the 4 requests sent inside one answer in one socket write', async () => {
    peer = await startNodePeer();
    const port = Number(new URL(peer.origin).port);
    const tr = createHttp1Transport(peer.origin, { now: testNow, connections: 1, pipelining: 4, parser });
    t = tr;
    await tr.warm();
    const spy = vi.spyOn(Socket.prototype as unknown as { _writeGeneric: () => void }, '_writeGeneric');
    const clientWrites = (): number =>
      spy.mock.contexts.filter((s) => (s as unknown as Socket).remotePort === port).length;
    const first = new ChainedExchange();
    const exs = [0, 1, 2, 3].map(() => new RecordingExchange());
    first.afterAnswer = () => {
      for (const ex of exs) tr.send(GET, true, ex);
    };
    tr.send(GET, true, first);
    const endings = await Promise.all(exs.map((e) => e.done));
    expect(endings.map((e) => [e.status, e.body])).toEqual(Array(4).fill([200, 'ok']));
    // The first request (sent outside any answer: written at once), then the 4 held ones.
    expect(clientWrites()).toBe(2);
    for (const [i, ex] of exs.entries()) {
      expect(ex.writtenCalls).toBe(1);
      expect(ex.writtenAtNs).toBe(exs[0]!.writtenAtNs);
      expect(ex.writtenAtNs).toBeGreaterThanOrEqual(first.ending!.atNs);
      expect(ex.writtenAtNs).toBeLessThanOrEqual(endings[i]!.atNs);
    }
  });
});
