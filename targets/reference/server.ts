/**
 * The reference service's HTTP layer (node:http): routing, JSON bodies, maintenance answers,
 * request accounting for /metrics. The behaviour itself lives in `auth-service.ts`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthService, type Reply } from './auth-service.js';
import { LoopLag } from './loop-lag.js';
import { Maintenance } from './maintenance.js';
import { ServerMetrics } from './metrics.js';
import type { ReferenceConfig, ReferenceMailRoute } from './reference-config.js';
import { endpointOf } from './rules/endpoint.js';

/** Where to listen. */
export interface ListenOptions {
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
}

/** A listening reference server. */
export interface ReferenceServer {
  readonly url: string;
  readonly port: number;
  readonly service: AuthService;
  close(): Promise<void>;
}

/** The header requests carry their region in; region-scoped maintenance reads it. */
export const REGION_HEADER = 'x-stampede-region';

const MAX_BODY = 64 * 1024;

/** Starts the reference service on `host:port`, relaying mail by `route`; resolves once it listens. */
export async function listenReference(
  config: ReferenceConfig,
  at: ListenOptions,
  mailRoute: ReferenceMailRoute,
): Promise<ReferenceServer> {
  const service = new AuthService(config, mailRoute);
  const maintenance = new Maintenance();
  const metrics = new ServerMetrics();
  const loopLag = new LoopLag();
  let inFlight = 0;

  const server: Server = createServer((req, res) => {
    const started = performance.now();
    inFlight++;
    const endpoint = endpointOf(req.method, req.url ?? '/');
    const send = (reply: Reply): void => {
      const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
      const headers: Record<string, string | number> = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      };
      if (reply.retryAfterS !== undefined) headers['retry-after'] = reply.retryAfterS;
      res.writeHead(reply.status, headers);
      res.end(payload);
      inFlight--;
      metrics.observe(endpoint, reply.status, (performance.now() - started) / 1000);
    };

    if (endpoint === 'metrics') {
      const text = metrics.render({
        adminQueueDepth: service.admin.depth,
        adminBusyWorkers: service.admin.busy,
        adminWorkers: config.adminWorkers,
        adminCompleted: service.admin.completed,
        mailOutboxDepth: service.mail.depth,
        mailDelivered: service.mail.counts().sent,
        inFlight,
        maintenance: maintenance.active,
        touchedAccounts: service.accounts.touchedCount,
        loopLagP99Ms: loopLag.p99Ms(),
        loopLagMaxMs: loopLag.maxMs(),
      });
      res.writeHead(200, {
        'content-type': 'text/plain; version=0.0.4',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
      inFlight--;
      metrics.observe(endpoint, 200, (performance.now() - started) / 1000);
      return;
    }
    if (endpoint !== 'maintenance' && endpoint !== 'mail-stats') {
      const region = req.headers[REGION_HEADER];
      const retryAfterS = maintenance.retryAfterS(typeof region === 'string' ? region : undefined);
      if (retryAfterS > 0) {
        metrics.reject(endpoint, 'maintenance');
        // node:http discards the unread request body, so the connection stays usable.
        send({ status: 503, body: { code: 'MAINTENANCE' }, retryAfterS });
        return;
      }
    }
    readJson(req, (body) => {
      const reply = route(endpoint, body, service, maintenance);
      if (reply.status === 503) metrics.reject(endpoint, 'queue_full');
      send(reply);
    });
  });
  // Longer than any client's idle timeout, so pools are not reset under them mid-run.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = at.host.includes(':') ? `[${at.host}]` : at.host;
  return {
    url: `http://${host}:${port}`,
    port,
    service,
    close: () =>
      new Promise<void>((resolve) => {
        service.close();
        loopLag.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Dispatches a parsed request; `body` is undefined when it was not a JSON object. */
function route(
  endpoint: string,
  body: Record<string, unknown> | undefined,
  service: AuthService,
  maintenance: Maintenance,
): Reply {
  switch (endpoint) {
    case 'login': {
      const account = body?.['account'];
      const password = body?.['password'];
      if (typeof account !== 'string' || typeof password !== 'string') return badRequest('account, password');
      return service.login(account, password);
    }
    case 'password-reset': {
      const account = body?.['account'];
      if (typeof account !== 'string') return badRequest('account');
      return service.requestReset(account);
    }
    case 'password-reset-confirm': {
      const account = body?.['account'];
      const token = body?.['token'];
      const newPassword = body?.['newPassword'];
      if (typeof account !== 'string' || typeof token !== 'string' || typeof newPassword !== 'string') {
        return badRequest('account, token, newPassword');
      }
      return service.confirm(account, token, newPassword);
    }
    case 'mail-stats':
      return { status: 200, body: service.mailStats() };
    case 'maintenance': {
      const durationS = body?.['durationS'];
      const regions = body?.['regions'] ?? [];
      if (typeof durationS !== 'number' || !(durationS >= 0)) return badRequest('durationS');
      if (!Array.isArray(regions) || !regions.every((r): r is string => typeof r === 'string')) {
        return badRequest('regions');
      }
      maintenance.begin(durationS, regions);
      return { status: 202, body: { durationS, regions } };
    }
    default:
      return { status: 404, body: { code: 'NOT_FOUND' } };
  }
}

function badRequest(fields: string): Reply {
  return { status: 400, body: { code: 'BAD_REQUEST', need: fields } };
}

/** Reads the body (bounded) and parses it as a JSON object; anything else yields undefined. */
function readJson(req: IncomingMessage, done: (body: Record<string, unknown> | undefined) => void): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    req.resume();
    done(undefined);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= MAX_BODY) chunks.push(c);
  });
  req.on('end', () => {
    if (finished) return;
    finished = true;
    if (size > MAX_BODY || size === 0) return done(undefined);
    try {
      const v: unknown = JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
      done(
        typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined,
      );
    } catch {
      done(undefined);
    }
  });
  // A client that goes away mid-body still gets an answer (to a closed socket), so the
  // in-flight gauge and the counters stay exact.
  req.on('close', () => {
    if (finished) return;
    finished = true;
    done(undefined);
  });
}
