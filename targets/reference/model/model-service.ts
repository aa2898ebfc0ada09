/**
 * The reference service's behaviour in the model: the same endpoints, statuses, bodies and
 * Retry-After values as `server.ts` + `auth-service.ts`, decided by the shared rules at a given
 * virtual time, plus the CPU each request costs the server's one core (the transport queues it).
 * No wall clock, no timer, no randomness: tokens and session ids come from counters.
 */
import type { RequestSpec } from '../../target.js';
import type { Reply } from '../auth-service.js';
import { ServerMetrics } from '../metrics.js';
import { AdminSchedule } from '../rules/admin-schedule.js';
import { queueFullRetryAfterS } from '../rules/admission.js';
import { type Endpoint, endpointOf, MAILBOX_PREFIX } from '../rules/endpoint.js';
import { hashSeconds } from '../rules/login-cost.js';
import {
  anyWindowOpen,
  beginWindow,
  type MaintenanceWindows,
  maintenanceRetryAfterS,
  noWindows,
} from '../rules/maintenance-windows.js';
import { REGION_HEADER } from '../server.js';
import { ModelAccounts } from './model-accounts.js';
import { ModelMail } from './model-mail.js';
import type { ResolvedModelOptions } from './model-options.js';

/** A reply plus what it cost: `text` replaces the JSON body (the /metrics exposition). */
export interface ModelReply extends Reply {
  readonly text?: string;
  readonly endpoint: Endpoint;
  /** CPU of the server's core this request took, ns. */
  readonly cpuNs: number;
}

const MAX_BODY = 64 * 1024;
const noop = (): void => undefined;

/** The service state at virtual time: accounts, admin schedule, mail, maintenance, counters. */
export class ModelService {
  readonly accounts: ModelAccounts;
  readonly admin: AdminSchedule<number>;
  readonly mail: ModelMail;
  readonly metrics = new ServerMetrics();
  readonly #o: ResolvedModelOptions;
  readonly #windows: MaintenanceWindows = noWindows();
  readonly #hashNs: number;
  #requestSeq = 0;
  #sessionSeq = 0;

  constructor(o: ResolvedModelOptions) {
    this.#o = o;
    this.accounts = new ModelAccounts(o.config);
    this.admin = new AdminSchedule<number>(o.config.adminWorkers, o.resetServiceNs, o.config.resetQueue);
    this.mail = new ModelMail(o);
    this.#hashNs = Math.round(hashSeconds(o.config.hashCost, o.secondsPerIteration) * 1e9);
  }

  /** Answers `req` as the server would when its core takes it up at `nowNs`; `inFlight` feeds /metrics. */
  handle(req: RequestSpec, nowNs: number, inFlight: number): ModelReply {
    const endpoint = endpointOf(req.method, req.path);
    const r = this.#route(endpoint, req, nowNs, inFlight);
    return { ...r, endpoint, cpuNs: r.cpuNs + this.#o.requestOverheadNs };
  }

  /** Takes `regions` (empty = all) down for `durationS` from `nowNs` (the operators' switch). */
  beginMaintenance(durationS: number, regions: readonly string[], nowNs: number): void {
    beginWindow(this.#windows, nowNs / 1e6, durationS, regions);
  }

  #route(
    endpoint: Endpoint,
    req: RequestSpec,
    nowNs: number,
    inFlight: number,
  ): Omit<ModelReply, 'endpoint'> {
    if (endpoint === 'metrics') return { status: 200, text: this.#metricsText(nowNs, inFlight), cpuNs: 0 };
    if (endpoint !== 'maintenance') {
      const retryAfterS = maintenanceRetryAfterS(this.#windows, req.headers[REGION_HEADER], nowNs / 1e6);
      if (retryAfterS > 0) {
        this.metrics.reject(endpoint, 'maintenance');
        return { status: 503, body: { code: 'MAINTENANCE' }, retryAfterS, cpuNs: 0 };
      }
    }
    const body = parseBody(req);
    switch (endpoint) {
      case 'login': {
        const account = body?.['account'];
        const password = body?.['password'];
        if (typeof account !== 'string' || typeof password !== 'string')
          return badRequest('account, password');
        // Every login runs one KDF, unknown accounts too (rules/login-cost.ts).
        const check = this.accounts.check(this.accounts.indexOf(account), password);
        const cpuNs = this.#hashNs;
        if (check === 'unknown-account' || check === 'wrong-password') {
          return { status: 401, body: { code: 'INVALID_CREDENTIALS' }, cpuNs };
        }
        if (check === 'must-reset') return { status: 403, body: { code: 'PASSWORD_RESET_REQUIRED' }, cpuNs };
        return {
          status: 200,
          body: { sessionToken: (++this.#sessionSeq).toString(16).padStart(32, '0') },
          cpuNs,
        };
      }
      case 'password-reset': {
        const account = body?.['account'];
        if (typeof account !== 'string') return badRequest('account');
        const requestId = `r${++this.#requestSeq}`;
        const index = this.accounts.indexOf(account);
        if (index < 0) return { status: 202, body: { requestId }, cpuNs: 0 };
        const offer = this.admin.offer(nowNs, index, noop);
        if (!offer.accepted) {
          this.metrics.reject(endpoint, 'queue_full');
          const retryAfterS = queueFullRetryAfterS((offer.drainEndsAt - nowNs) / 1e9);
          return { status: 503, body: { code: 'RESET_QUEUE_FULL' }, retryAfterS, cpuNs: 0 };
        }
        this.mail.schedule(index, offer.endsAt, nowNs);
        return { status: 202, body: { requestId }, cpuNs: 0 };
      }
      case 'mailbox': {
        const name = decodeURIComponent(req.path.split('?', 1)[0]?.slice(MAILBOX_PREFIX.length) ?? '');
        const index = this.accounts.indexOf(name);
        if (index < 0) return { status: 404, body: { code: 'UNKNOWN_ACCOUNT' }, cpuNs: 0 };
        return { status: 200, body: { messages: this.mail.mailbox(index, nowNs) }, cpuNs: 0 };
      }
      case 'password-reset-confirm': {
        const account = body?.['account'];
        const token = body?.['token'];
        const newPassword = body?.['newPassword'];
        if (typeof account !== 'string' || typeof token !== 'string' || typeof newPassword !== 'string') {
          return badRequest('account, token, newPassword');
        }
        const index = this.accounts.indexOf(account);
        if (index < 0) return { status: 400, body: { code: 'TOKEN_INVALID' }, cpuNs: 0 };
        if (newPassword.length === 0) return { status: 400, body: { code: 'PASSWORD_EMPTY' }, cpuNs: 0 };
        const result = this.mail.consume(index, token, nowNs);
        if (result === 'expired') return { status: 400, body: { code: 'TOKEN_EXPIRED' }, cpuNs: 0 };
        if (result !== 'ok') return { status: 400, body: { code: 'TOKEN_INVALID' }, cpuNs: 0 };
        // The accepted confirm hashes the new password: one KDF.
        this.accounts.setPassword(index, newPassword);
        return { status: 200, body: { ok: true }, cpuNs: this.#hashNs };
      }
      case 'maintenance': {
        const durationS = body?.['durationS'];
        const regions = body?.['regions'] ?? [];
        if (typeof durationS !== 'number' || !(durationS >= 0)) return badRequest('durationS');
        if (!Array.isArray(regions) || !regions.every((r): r is string => typeof r === 'string')) {
          return badRequest('regions');
        }
        this.beginMaintenance(durationS, regions, nowNs);
        return { status: 202, body: { durationS, regions }, cpuNs: 0 };
      }
      default:
        return { status: 404, body: { code: 'NOT_FOUND' }, cpuNs: 0 };
    }
  }

  #metricsText(nowNs: number, inFlight: number): string {
    this.admin.advance(nowNs, noop);
    const mail = this.mail.gauges(nowNs);
    return this.metrics.render({
      adminQueueDepth: this.admin.depth,
      adminBusyWorkers: this.admin.busy,
      adminWorkers: this.#o.config.adminWorkers,
      adminCompleted: this.admin.completed,
      mailOutboxDepth: mail.depth,
      mailDelivered: mail.delivered,
      inFlight,
      maintenance: anyWindowOpen(this.#windows, nowNs / 1e6),
      touchedAccounts: this.accounts.touchedCount,
    });
  }
}

function badRequest(fields: string): Omit<ModelReply, 'endpoint'> {
  return { status: 400, body: { code: 'BAD_REQUEST', need: fields }, cpuNs: 0 };
}

/** The server's body rule: a JSON object of at most 64 KiB, else undefined (GET has none). */
function parseBody(req: RequestSpec): Record<string, unknown> | undefined {
  if (req.method === 'GET' || req.body === undefined || req.body.length === 0) return undefined;
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only long bodies need counting.
  if (req.body.length * 3 > MAX_BODY && Buffer.byteLength(req.body) > MAX_BODY) return undefined;
  try {
    const v: unknown = JSON.parse(req.body);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
