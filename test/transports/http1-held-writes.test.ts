/**
 * http1 transport: requests sent while a response is being read (a session's next request, sent
 * from inside its answer's callback) are held and reach the socket together once the loop's reads
 * of that turn are done. `onWritten` comes at that write, not at `send`; a held request cancelled
 * before its write never reaches the server and costs its connection nothing; several held on one
 * pipelined connection go out in the order they were sent.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttp1Transport } from '../../harness/transports/http1/http1-transport.js';
import type { Transport } from '../../harness/transports/transport.js';
import { Outcome } from '../../harness/vocabulary/outcome.js';
import type { RequestSpec } from '../../targets/target.js';
import { ChainedExchange, RecordingExchange, testNow } from './recording-exchange.js';

const get = (path: string): RequestSpec => ({ method: 'GET', path, headers: {} });

/** Answers every request at once with its own path as the body; logs the paths and connections. */
async function echoServer(): Promise<{
  server: Server;
  origin: string;
  paths: string[];
  connections: () => number;
}> {
  const paths: string[] = [];
  let connections = 0;
  const server = createServer((socket: Socket) => {
    connections++;
    socket.on('error', () => undefined);
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      for (let end = text.indexOf('\r\n\r\n'); end >= 0; end = text.indexOf('\r\n\r\n')) {
        const path = text.slice(0, end).split(' ')[1] ?? '';
        text = text.slice(end + 4);
        paths.push(path);
        socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${path.length}\r\n\r\n${path}`);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { server, origin: `http://127.0.0.1:${port}`, paths, connections: () => connections };
}

describe('http1 transport: writes held during a read', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const setup = async (pipelining: number) => {
    const s = await echoServer();
    cleanups.push(() => new Promise<void>((r) => s.server.close(() => r())));
    const t: Transport = createHttp1Transport(s.origin, { now: testNow, connections: 1, pipelining });
    cleanups.push(() => t.close());
    await t.warm();
    return { ...s, t };
  };

  it('a request sent inside an answer is written after the callback returns, then answered', async () => {
    const { t, paths } = await setup(1);
    const a = new ChainedExchange();
    const b = new RecordingExchange();
    let writtenInsideCallback = -1;
    a.afterAnswer = () => {
      t.send(get('/b'), true, b);
      writtenInsideCallback = b.writtenCalls;
    };
    t.send(get('/a'), true, a);
    const eb = await b.done;
    expect(writtenInsideCallback).toBe(0); // held: not on the socket while the read is handled
    expect(b.writtenCalls).toBe(1);
    expect(b.writtenAtNs).toBeGreaterThanOrEqual(a.ending!.atNs);
    expect(eb.kind).toBe('response');
    expect(eb.body).toBe('/b');
    expect(paths).toEqual(['/a', '/b']);
  });

  it('a held request cancelled before its write never reaches the server; the connection stays', async () => {
    const { t, paths, connections } = await setup(1);
    const a = new ChainedExchange();
    const b = new RecordingExchange();
    a.afterAnswer = () => {
      t.send(get('/b'), false, b);
      t.cancel(b, Outcome.timeout);
    };
    t.send(get('/a'), false, a);
    const eb = await b.done;
    expect(eb.kind).toBe('failure');
    expect(eb.outcome).toBe(Outcome.timeout);
    expect(b.writtenCalls).toBe(0);
    expect(b.finalCalls).toBe(1);
    const c = new RecordingExchange();
    t.send(get('/c'), true, c);
    const ec = await c.done;
    expect(ec.body).toBe('/c');
    // Only /a and /c were sent, on the one connection opened by warm().
    expect(paths).toEqual(['/a', '/c']);
    expect(connections()).toBe(1);
    expect(b.finalCalls).toBe(1);
  });

  it('requests held on one pipelined connection go out in the order they were sent', async () => {
    const { t, paths } = await setup(3);
    const a = new ChainedExchange();
    const next = ['/b', '/c', '/d'].map(() => new RecordingExchange());
    a.afterAnswer = () => {
      next.forEach((ex, i) => {
        t.send(get(['/b', '/c', '/d'][i]!), true, ex);
      });
    };
    t.send(get('/a'), true, a);
    const ends = await Promise.all(next.map((ex) => ex.done));
    expect(ends.map((e) => e.body)).toEqual(['/b', '/c', '/d']);
    expect(paths).toEqual(['/a', '/b', '/c', '/d']);
    for (const ex of next) expect(ex.writtenCalls).toBe(1);
  });
});
