/**
 * The sink's HTTP API in Mailpit's shape (v1), so anything that reads Mailpit reads the sink:
 * - `GET /api/v1/search?query=to:"<addr>"&start=0&limit=50`: newest first, with `Token`
 *   (stampede's extension field: readers of Mailpit ignore it);
 * - `GET /api/v1/messages?start&limit`: all messages, newest first;
 * - `GET /api/v1/message/<ID>`: one message with its text and HTML;
 * - `DELETE /api/v1/messages`: deletes every message;
 * - `GET /api/v1/stampede/stats`: the per-domain figures (`MailStats`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MailStats } from './mail-stats.js';
import type { MessageStore, SearchPage, StoredMessage } from './message-store.js';

/** A listening API. */
export interface MailApi {
  readonly port: number;
  readonly origin: string;
  close(): Promise<void>;
}

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 50;

/** Starts the API on `host:port` (0 = any). `stats` is read on each stats request. */
export async function listenMailApi(
  store: MessageStore,
  stats: () => MailStats,
  host: string,
  port: number,
): Promise<MailApi> {
  const server: Server = createServer((req, res) => {
    req.resume();
    try {
      route(req, res, store, stats);
    } catch (err: unknown) {
      json(res, 500, { error: String(err) });
    }
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    port: bound,
    origin: `http://${shownHost}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function route(req: IncomingMessage, res: ServerResponse, store: MessageStore, stats: () => MailStats): void {
  const url = new URL(req.url ?? '/', 'http://sink');
  const path = url.pathname;
  if (req.method === 'GET' && (path === '/api/v1/search' || path === '/api/v1/messages')) {
    const query = path === '/api/v1/search' ? (url.searchParams.get('query') ?? '') : '';
    const recipient = recipientOf(query);
    if (recipient === null) return json(res, 400, { error: 'query: only to:<address> is supported' });
    const start = intParam(url.searchParams.get('start'), 0, Number.MAX_SAFE_INTEGER, 0);
    const limit = intParam(url.searchParams.get('limit'), 1, MAX_LIMIT, DEFAULT_LIMIT);
    return json(res, 200, searchBody(store.search(recipient, start, limit), start));
  }
  if (req.method === 'GET' && path.startsWith('/api/v1/message/')) {
    const m = store.byId(decodeURIComponent(path.slice('/api/v1/message/'.length)));
    if (!m) return json(res, 404, { error: 'message not found' });
    return json(res, 200, {
      ID: m.ID,
      MessageID: m.MessageID,
      From: m.From,
      To: m.To,
      Cc: [],
      Bcc: [],
      ReplyTo: [],
      Subject: m.Subject,
      Date: m.Date,
      Text: m.Text,
      HTML: m.HTML,
      Size: Buffer.byteLength(m.Text) + Buffer.byteLength(m.HTML),
      Attachments: [],
      Inline: [],
      Tags: [],
      Token: m.Token,
    });
  }
  if (req.method === 'DELETE' && path === '/api/v1/messages') {
    store.clear();
    return json(res, 200, 'ok');
  }
  if (req.method === 'GET' && path === '/api/v1/stampede/stats') return json(res, 200, stats());
  return json(res, 404, { error: 'not found' });
}

/** The address of a `to:"a@b"` / `to:a@b` query; undefined for an empty query; null for anything else. */
export function recipientOf(query: string): string | undefined | null {
  const q = query.trim();
  if (q === '') return undefined;
  const m = /^to:(?:"([^"]+)"|(\S+))$/i.exec(q);
  if (!m) return null;
  return (m[1] ?? m[2] ?? '').toLowerCase();
}

function searchBody(page: SearchPage, start: number): unknown {
  return {
    total: page.total,
    unread: 0,
    count: page.messages.length,
    messages_count: page.matched,
    start,
    tags: [],
    messages: page.messages.map(summary),
  };
}

/** A message as a Mailpit list entry. */
function summary(m: StoredMessage): unknown {
  return {
    ID: m.ID,
    MessageID: m.MessageID,
    Read: false,
    From: m.From,
    To: m.To,
    Cc: [],
    Bcc: [],
    ReplyTo: [],
    Subject: m.Subject,
    Created: m.Created,
    Tags: [],
    Size: Buffer.byteLength(m.Text) + Buffer.byteLength(m.HTML),
    Attachments: 0,
    Snippet: m.Snippet,
    Token: m.Token,
  };
}

function intParam(v: string | null, min: number, max: number, fallback: number): number {
  if (v === null || !/^\d+$/.test(v)) return fallback;
  return Math.min(max, Math.max(min, Number(v)));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}
