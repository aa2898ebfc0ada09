/**
 * http1 transport, held writes: in a turn of the loop that reads many answers (a flood), the
 * requests sent from inside the HOLD_FROM_ANSWER-th answer on are held and written together once
 * the turn's reads are done, one socket write per connection; those sent inside the first answers
 * of a turn are written at once (a surge of ordinary rates reads one or two a turn). `onWritten`
 * comes at the write; a held request cancelled before it never reaches the server and costs its
 * connection nothing; the held requests of one connection go out in the order they were sent.
 *
 * The server answers the first HOLD_FROM_ANSWER requests of its one connection together, in one
 * write, so the client reads them in one turn; later requests it answers at once.
 */
import { once } from 'node:events';
import { createServer, type Server, Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createHttp1Transport,
  HOLD_FROM_ANSWER,
  type Http1Parser,
} from '../../harness/transports/http1/http1-transport.js';
import type { Transport } from '../../harness/transports/transport.js';
import { Outcome } from '../../harness/vocabulary/outcome.js';
import type { RequestSpec } from '../../targets/target.js';
import { ChainedExchange, RecordingExchange, testNow } from './recording-exchange.js';

const get = (path: string): RequestSpec => ({ method: 'GET', path, headers: {} });
const N = HOLD_FROM_ANSWER;

interface BatchServer {
  readonly server: Server;
  readonly origin: string;
  readonly port: number;
  /** Request paths in the order the server read them. */
  readonly paths: string[];
  connections(): number;
}

/** Answers the first N requests in one write, then each request at once; the body is its path. */
async function batchServer(): Promise<BatchServer> {
  const paths: string[] = [];
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.on('error', () => undefined);
    let text = '';
    let pending = '';
    let heads = 0;
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      for (let end = text.indexOf('\r\n\r\n'); end >= 0; end = text.indexOf('\r\n\r\n')) {
        const path = text.slice(0, end).split(' ')[1] ?? '';
        text = text.slice(end + 4);
        paths.push(path);
        heads++;
        pending += `HTTP/1.1 200 OK\r\ncontent-length: ${path.length}\r\n\r\n${path}`;
      }
      if (heads >= N && pending !== '') {
        socket.write(pending);
        pending = '';
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { server, origin: `http://127.0.0.1:${port}`, port, paths, connections: () => connections };
}

describe.each<Http1Parser>(['llhttp-wasm', 'llhttp', 'http-parser-js'])(
  'http1 (%s): held writes',
  (parser) => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      vi.restoreAllMocks();
      for (const c of cleanups.splice(0).reverse()) await c();
    });
    const setup = async () => {
      const s = await batchServer();
      cleanups.push(() => new Promise<void>((r) => s.server.close(() => r())));
      const t: Transport = createHttp1Transport(s.origin, {
        now: testNow,
        connections: 1,
        pipelining: N + 4,
        parser,
      });
      cleanups.push(() => t.close());
      await t.warm();
      // N requests at once, pipelined on the one connection: their answers arrive in one write.
      const batch = Array.from({ length: N }, () => new ChainedExchange());
      const sendBatch = (): void => {
        for (const [i, ex] of batch.entries()) t.send(get(`/r${i + 1}`), true, ex);
      };
      return { ...s, t, batch, sendBatch };
    };

    it('writes at once inside the first answer of a turn, holds from the HOLD_FROM_ANSWER-th', async () => {
      const { t, paths, batch, sendBatch, port } = await setup();
      const spy = vi.spyOn(Socket.prototype as unknown as { _writeGeneric: () => void }, '_writeGeneric');
      const clientWrites = (): number =>
        spy.mock.contexts.filter((s) => (s as unknown as Socket).remotePort === port).length;
      const early = new RecordingExchange();
      const late = ['/b', '/c', '/d'].map(() => new RecordingExchange());
      let earlyWrittenInside = -1;
      let lateWrittenInside = -1;
      let writesBeforeFlush = -1;
      batch[0]!.afterAnswer = () => {
        t.send(get('/early'), true, early);
        earlyWrittenInside = early.writtenCalls;
      };
      batch[N - 1]!.afterAnswer = () => {
        late.forEach((ex, i) => {
          t.send(get(['/b', '/c', '/d'][i]!), true, ex);
        });
        lateWrittenInside = late.reduce((n, ex) => n + ex.writtenCalls, 0);
        writesBeforeFlush = clientWrites();
      };
      sendBatch();
      const ends = await Promise.all(late.map((ex) => ex.done));
      await early.done;
      expect(earlyWrittenInside).toBe(1); // the turn's first answer: written inside its callback
      expect(lateWrittenInside).toBe(0); // the N-th answer of the turn: held
      expect(ends.map((e) => e.body)).toEqual(['/b', '/c', '/d']);
      // The three held requests left in one socket write, with one written time, after the answer.
      expect(clientWrites()).toBe(writesBeforeFlush + 1);
      for (const ex of late) {
        expect(ex.writtenCalls).toBe(1);
        expect(ex.writtenAtNs).toBe(late[0]!.writtenAtNs);
        expect(ex.writtenAtNs).toBeGreaterThanOrEqual(batch[N - 1]!.ending!.atNs);
      }
      expect(paths.slice(N)).toEqual(['/early', '/b', '/c', '/d']);
    });

    it('a held request cancelled before its write never reaches the server; the connection stays', async () => {
      const { t, paths, batch, sendBatch, connections } = await setup();
      const x = new RecordingExchange();
      batch[N - 1]!.afterAnswer = () => {
        t.send(get('/x'), false, x);
        t.cancel(x, Outcome.timeout);
      };
      sendBatch();
      const ex = await x.done;
      expect(ex.kind).toBe('failure');
      expect(ex.outcome).toBe(Outcome.timeout);
      expect(x.writtenCalls).toBe(0);
      const y = new RecordingExchange();
      t.send(get('/y'), true, y);
      expect((await y.done).body).toBe('/y');
      expect(paths.slice(N)).toEqual(['/y']);
      expect(connections()).toBe(1);
      expect(x.finalCalls).toBe(1);
    });
  },
);
