/**
 * The llhttp-wasm reader's sockets read straight into an instance's memory, through one view, so
 * an instance's memory must not grow under open sockets (a grown memory detaches the view: the
 * next read fails, ENOBUFS under vitest's workers). An
 * instance holds PARSERS_PER_INSTANCE parsers at most, in room made at start, and the next
 * parsers go to a new instance: a connection opened first keeps reading after thousands more.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttp1Transport } from '../../harness/transports/http1/http1-transport.js';
import {
  instanceWithRoom,
  LLHTTP_WASM,
  PARSERS_PER_INSTANCE,
} from '../../harness/transports/http1/llhttp-wasm.js';
import type { Transport } from '../../harness/transports/transport.js';
import { RecordingExchange, testNow } from './recording-exchange.js';

describe('http1 (llhttp-wasm): more parsers than one instance holds', () => {
  let server: Server | null = null;
  let t: Transport | null = null;
  afterEach(async () => {
    await t?.close();
    server?.close();
  });

  it('never grows an instance under an open connection, and that connection keeps reading', async () => {
    const first = LLHTTP_WASM;
    expect(first).not.toBeNull();
    if (first === null) return;
    let connections = 0;
    let n = 0;
    server = createServer((req, res) => {
      n++;
      res.setHeader('retry-after', String(n));
      res.end(`answer ${n} to ${req.url}`);
    });
    server.on('connection', () => connections++);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    t = createHttp1Transport(`http://127.0.0.1:${port}`, {
      now: testNow,
      connections: 1,
      pipelining: 1,
      parser: 'llhttp-wasm',
    });
    const ask = async (path: string) => {
      const ex = new RecordingExchange();
      t!.send({ method: 'GET', path, headers: {} }, true, ex);
      return ex.done;
    };
    const a = await ask('/before');
    expect([a.status, a.body, a.headers['retry-after']]).toEqual([200, 'answer 1 to /before', '1']);

    // Two instances' worth of parsers: the first fills up, then a second instance is started.
    const before = first.bytes.buffer.byteLength;
    const taken = Array.from({ length: 2 * PARSERS_PER_INSTANCE }, () => {
      const w = instanceWithRoom();
      return { w, p: w.alloc() };
    });
    expect(first.full).toBe(true);
    expect(new Set(taken.map((x) => x.w)).size).toBeGreaterThanOrEqual(2);
    expect(() => first.alloc()).toThrow(RangeError);
    // The room made at start held them all: the first instance's memory did not grow.
    expect(first.bytes.buffer.byteLength).toBe(before);

    for (let i = 2; i <= 4; i++) {
      const e = await ask(`/after-${i}`);
      expect([e.kind, e.status, e.body, e.headers['retry-after']]).toEqual([
        'response',
        200,
        `answer ${i} to /after-${i}`,
        String(i),
      ]);
    }
    expect(connections).toBe(1);
    for (const { w, p } of taken) w.free(p);
    expect(first.full).toBe(false);
  });
});
