/**
 * node:http as a real HTTP/1.1 peer for the transport suite, in the test's own process on
 * 127.0.0.1 port 0. It serves the shared routes of `peer-routes.ts` and a few that nginx cannot:
 * interim responses, a POST echo and answers delayed by a fixed time. It counts what it received,
 * so a test can tell what the transport actually wrote.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { PeerServer } from './nginx-peer.js';
import { BIG_BODY_BYTES, UTF8_BODY } from './peer-routes.js';

/** The node peer, with what it has seen. */
export interface NodePeer extends PeerServer {
  /** Requests received per path (query included). */
  requests(path: string): number;
  /** Connections accepted so far. */
  connections(): number;
}

/**
 * Node-only routes: `/early` sends 103 and 102 before its 200 `after 1xx`; `POST /echo` answers
 * `<bytes>:<body>`; `/delay/<ms>` answers 200 `late` exactly `<ms>` after the request arrived.
 */
export async function startNodePeer(): Promise<NodePeer> {
  const seen = new Map<string, number>();
  const ids = new WeakMap<Socket, number>();
  let accepted = 0;
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => route(req, res));
  server.on('connection', (s: Socket) => {
    ids.set(s, ++accepted);
  });

  function route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    seen.set(url, (seen.get(url) ?? 0) + 1);
    const text = (status: number, body: string, headers: Record<string, string | string[]> = {}): void => {
      res.writeHead(status, { 'content-type': 'text/plain', ...headers });
      res.end(body);
    };
    const conn = String(ids.get(req.socket) ?? 0);
    if (url === '/ok') return text(200, 'ok');
    if (url === '/status/404') return text(404, 'nope');
    if (url === '/retry') return text(429, 'slow down', { 'retry-after': '7' });
    if (url === '/redirect') return text(302, '', { location: '/ok' });
    if (url === '/cookies') return text(200, 'c', { 'set-cookie': ['a=1', 'b=2'], 'x-other': 'v' });
    if (url === '/conn') return text(200, conn);
    if (url === '/close') return text(200, conn, { connection: 'close' });
    if (url === '/big') return text(200, 'a'.repeat(BIG_BODY_BYTES));
    if (url === '/utf8') return text(200, UTF8_BODY, { 'content-type': 'text/plain; charset=utf-8' });
    if (url === '/chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('ab');
      res.write('cd');
      return void res.end('ef');
    }
    if (url === '/early') {
      res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      res.writeProcessing();
      return text(200, 'after 1xx');
    }
    if (url === '/echo') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const b = Buffer.concat(chunks);
        text(200, `${b.length}:${b.toString('utf8')}`);
      });
      return;
    }
    const delay = /^\/delay\/(\d+)/.exec(url);
    if (delay) {
      setTimeout(() => text(200, 'late'), Number(delay[1]));
      return;
    }
    text(404, 'no route');
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    name: 'node:http',
    origin: `http://127.0.0.1:${port}`,
    requests: (path) => seen.get(path) ?? 0,
    connections: () => accepted,
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
