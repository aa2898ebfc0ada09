/**
 * Transport conformance, response heads that arrive the hard way: more header lines than a parser
 * hands over at once (llhttp passes them in groups of 32) and a head split across socket reads in
 * the middle of a name and of a value. A raw TCP server writes the bytes, so the split is exactly
 * where the test puts it. Expected values are the ones the server wrote.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Transport } from '../../harness/transports/transport.js';
import { RecordingExchange, testNow } from './recording-exchange.js';
import { TRANSPORT_FACTORIES } from './transport-factories.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** 40 `x-n-<i>: v<i>` lines, then `retry-after: 7` (the 41st, past the first group of 32). */
const MANY = `${Array.from({ length: 40 }, (_, i) => `x-n-${i}: v${i}\r\n`).join('')}Retry-After: 7\r\n`;
const HEAD = `HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n${MANY}\r\n`;

/** A server that answers each request with HEAD + `ok`, written in `pieces` with a pause between. */
async function rawServer(pieces: (text: string) => string[]): Promise<{ server: Server; origin: string }> {
  const server = createServer((s: Socket) => {
    s.on('data', async () => {
      for (const p of pieces(`${HEAD}ok`)) {
        s.write(p);
        await sleep(30);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { server, origin: `http://127.0.0.1:${port}` };
}

describe.each(TRANSPORT_FACTORIES)('transport $name, split and long response heads', (factory) => {
  let server: Server | null = null;
  let t: Transport | null = null;
  afterEach(async () => {
    await t?.close();
    server?.close();
    t = null;
    server = null;
  });

  async function twice(pieces: (text: string) => string[]): Promise<void> {
    const s = await rawServer(pieces);
    server = s.server;
    t = factory.create(s.origin, { now: testNow, connections: 1, pipelining: 1 });
    // Twice on one connection: the second head must not inherit lines of the first.
    for (let i = 0; i < 2; i++) {
      const ex = new RecordingExchange();
      t.send({ method: 'GET', path: '/', headers: {} }, i === 0, ex);
      const e = await ex.done;
      // Both selected on every response (the transport's default selection).
      expect([e.kind, e.status, e.headers['retry-after'], e.headers['content-type']]).toEqual([
        'response',
        200,
        '7',
        'text/plain',
      ]);
      if (i === 0) {
        // Body wanted: every header is kept, the 40 numbered ones included, each once.
        expect(e.body).toBe('ok');
        expect(e.headers['x-n-0']).toBe('v0');
        expect(e.headers['x-n-39']).toBe('v39');
        expect(Object.keys(e.headers).filter((k) => k.startsWith('x-n-'))).toHaveLength(40);
      } else {
        expect(e.body).toBeUndefined();
        expect(e.headers['x-n-0']).toBeUndefined();
      }
    }
  }

  it('reads 41 header lines in one read', async () => {
    await twice((text) => [text]);
  });

  it('reads a head split inside a name, inside a value and before the blank line', async () => {
    await twice((text) => {
      const a = text.indexOf('x-n-2') + 3; // inside the name `x-n-20`
      const b = text.indexOf('v35') + 1; // inside the value `v35`
      const c = text.indexOf('\r\n\r\n') + 2; // between the last line and the blank one
      return [text.slice(0, a), text.slice(a, b), text.slice(b, c), text.slice(c)];
    });
  });

  it('reads a selected name and a selected value split across reads', async () => {
    await twice((text) => {
      const a = text.indexOf('text/plain') + 4; // inside the value `text/plain`
      const b = text.indexOf('Retry-After') + 5; // inside the name `Retry-After`
      return [text.slice(0, a), text.slice(a, b), text.slice(b)];
    });
  });
});
