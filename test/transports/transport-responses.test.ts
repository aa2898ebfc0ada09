/**
 * Transport conformance, responses: statuses, the materialised headers, content-length and chunked
 * bodies, bodies discarded unread, keep-alive reuse and `connection: close`, on every transport of
 * transport-factories.ts against node:http and Debian's nginx. Every expected value is the route's
 * fixed answer (test/support/peer-routes.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transport } from '../../harness/transports/transport.js';
import { Outcome } from '../../harness/vocabulary/outcome.js';
import type { RequestSpec } from '../../targets/target.js';
import { type PeerServer, startNginxPeer } from '../support/nginx-peer.js';
import { startNodePeer } from '../support/node-peer.js';
import { BIG_BODY_BYTES, UTF8_BODY } from '../support/peer-routes.js';
import { type Ending, RecordingExchange, testNow } from './recording-exchange.js';
import { type FactoryOptions, TRANSPORT_FACTORIES } from './transport-factories.js';

const PEERS: readonly { name: string; start: () => Promise<PeerServer> }[] = [
  { name: 'node:http', start: startNodePeer },
  { name: 'nginx', start: startNginxPeer },
];

const get = (path: string): RequestSpec => ({ method: 'GET', path, headers: { accept: '*/*' } });

/** Sends `req` and waits for its one ending. */
async function roundTrip(t: Transport, req: RequestSpec, wantBody = true): Promise<Ending> {
  const ex = new RecordingExchange();
  ex.sentAtNs = testNow();
  t.send(req, wantBody, ex);
  const e = await ex.done;
  expect(ex.finalCalls).toBe(1);
  return e;
}

describe.each(TRANSPORT_FACTORIES)('transport $name', (factory) => {
  describe.each(PEERS)('against $name', (peerDef) => {
    let peer: PeerServer;
    const open: Transport[] = [];
    const transport = (o: Partial<FactoryOptions> = {}): Transport => {
      const t = factory.create(peer.origin, { now: testNow, connections: 1, pipelining: 1, ...o });
      open.push(t);
      return t;
    };
    beforeAll(async () => {
      peer = await peerDef.start();
    });
    afterAll(async () => {
      for (const t of open) await t.close();
      await peer?.stop();
    });

    it('reads statuses, bodies and the headers the session and targets read', async () => {
      const t = transport();
      const ok = await roundTrip(t, get('/ok'));
      expect([ok.kind, ok.status, ok.body]).toEqual(['response', 200, 'ok']);
      expect(String(ok.headers['content-type'])).toMatch(/^text\/plain/);
      const missing = await roundTrip(t, get('/status/404'));
      expect([missing.status, missing.body]).toEqual([404, 'nope']);
      const retry = await roundTrip(t, get('/retry'));
      expect([retry.status, retry.headers['retry-after'], retry.body]).toEqual([429, '7', 'slow down']);
      const moved = await roundTrip(t, get('/redirect'));
      expect([moved.status, moved.headers['location']]).toEqual([302, '/ok']);
      // The retry policy reads retry-after from answers whose body nobody reads.
      const unread = await roundTrip(t, get('/retry'), false);
      expect([unread.status, unread.headers['retry-after'], unread.body]).toEqual([429, '7', undefined]);
      // A response whose body is read may capture any header; repeated ones become a list.
      const cookies = await roundTrip(t, get('/cookies'), true);
      expect(cookies.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(cookies.headers['x-other']).toBe('v');
    });

    it('reads content-length bodies in pieces, UTF-8 and chunked bodies', async () => {
      const t = transport();
      const big = await roundTrip(t, get('/big'));
      expect(big.body).toBe('a'.repeat(BIG_BODY_BYTES));
      const utf8 = await roundTrip(t, get('/utf8'));
      expect(utf8.body).toBe(UTF8_BODY);
      const chunked = await roundTrip(t, get('/chunked'));
      expect([chunked.status, chunked.body]).toEqual([200, 'abcdef']);
    });

    it('discards a body unread when it is not wanted, and the connection stays in step', async () => {
      const t = transport();
      const first = await roundTrip(t, get('/conn'));
      const big = await roundTrip(t, get('/big'), false);
      expect([big.status, big.body]).toEqual([200, undefined]);
      const chunked = await roundTrip(t, get('/chunked'), false);
      expect([chunked.status, chunked.body]).toEqual([200, undefined]);
      // Same connection after the discarded bodies: the parser consumed them exactly.
      const after = await roundTrip(t, get('/conn'));
      expect(after.body).toBe(first.body);
    });

    it('reuses one keep-alive connection for sequential requests', async () => {
      const t = transport();
      await t.warm();
      const ids = new Set<string | undefined>();
      for (let i = 0; i < 5; i++) ids.add((await roundTrip(t, get('/conn'))).body);
      expect(ids.size).toBe(1);
    });

    it('replaces a connection the server closes with connection: close', async () => {
      const t = transport();
      const closing = await roundTrip(t, get('/close'));
      expect([closing.kind, closing.status]).toEqual(['response', 200]);
      const next = await roundTrip(t, get('/conn'));
      expect(next.kind).toBe('response');
      expect(next.body).not.toBe(closing.body);
      const again = await roundTrip(t, get('/conn'));
      expect(again.body).toBe(next.body);
    });
  });

  describe('against node:http only', () => {
    let peer: Awaited<ReturnType<typeof startNodePeer>>;
    let t: Transport;
    beforeAll(async () => {
      peer = await startNodePeer();
      t = factory.create(peer.origin, { now: testNow, connections: 1, pipelining: 1 });
    });
    afterAll(async () => {
      await t.close();
      await peer.stop();
    });

    it('skips 1xx interim responses and hands back the final one', async () => {
      const e = await roundTrip(t, get('/early'));
      expect([e.kind, e.status, e.body]).toEqual(['response', 200, 'after 1xx']);
      // The interim answers did not shift the connection: the next request gets its own answer.
      expect((await roundTrip(t, get('/ok'))).body).toBe('ok');
    });

    const post = (body?: string): RequestSpec => ({
      method: 'POST',
      path: '/echo',
      headers: { 'content-type': 'text/plain' },
      ...(body === undefined ? {} : { body }),
    });

    it('frames request bodies by their UTF-8 length', async () => {
      // 'héllo': h, é (2 bytes), l, l, o = 6 bytes.
      expect((await roundTrip(t, post('h\u00e9llo'))).body).toBe('6:h\u00e9llo');
      expect((await roundTrip(t, post())).body).toBe('0:');
      expect((await roundTrip(t, post(UTF8_BODY))).body).toBe(`${Buffer.byteLength(UTF8_BODY)}:${UTF8_BODY}`);
    });

    it('writes request bodies too big for one socket write, ASCII and not, in full', async () => {
      // 2,000,000 bytes each: more than loopback takes at once, so the write ends after `send`
      // returns. 'é' is 2 UTF-8 bytes (http1 encodes a non-ASCII body into a buffer, an ASCII one
      // as a string: both paths are crossed).
      const ascii = 'a'.repeat(2_000_000);
      expect((await roundTrip(t, post(ascii))).body).toBe(`2000000:${ascii}`);
      const accented = '\u00e9'.repeat(1_000_000);
      expect((await roundTrip(t, post(accented))).body).toBe(`2000000:${accented}`);
      expect((await roundTrip(t, get('/ok'))).body).toBe('ok');
    });

    // http1 classes it `target-error` (the target built it); undici `invalid` (its argument error).
    // The contract names neither: one class is to be chosen for both (target-error proposed).
    it('refuses to write a request a CR or LF would split', async () => {
      const before = peer.requests('/ok');
      const e = await roundTrip(t, {
        method: 'GET',
        path: '/ok',
        headers: { 'x-bad': 'a\r\nx-injected: 1' },
      });
      expect(e.kind).toBe('failure');
      expect([Outcome.targetError, Outcome.invalid]).toContain(e.outcome);
      expect(peer.requests('/ok')).toBe(before);
    });
  });
});
