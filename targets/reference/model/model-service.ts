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
import { type Endpoint, MAILBOX_PREFIX } from '../rules/endpoint.js';
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
import type { ModelRequestFields } from './model-request.js';

/**
 * A reply plus what it cost. `json` is the body already serialized (constant answers are
 * serialized once, not per request); `text` replaces a JSON body (the /metrics exposition).
 */
export interface ModelReply extends Reply {
  readonly json?: string;
  readonly text?: string;
  /** CPU of the server's core this request took besides the per-request overhead, ns. */
  readonly cpuNs: number;
}

/**
 * A model request's answer without a body (`ModelService.answer` fills it in place: the
 * transport's per-request record is one): status, Retry-After (0 = none), the core's CPU besides
 * the per-request overhead, and for a mailbox read the newest token ('' = none).
 */
export interface ModelAnswer {
  status: number;
  retryAfterS: number;
  cpuNs: number;
  token: string;
}

/** A constant answer, its body serialized once. */
function fixed(status: number, body: unknown, cpuNs = 0): ModelReply {
  return Object.freeze({ status, body, json: JSON.stringify(body), cpuNs });
}

const INVALID_TOKEN = fixed(400, { code: 'TOKEN_INVALID' });
const EXPIRED_TOKEN = fixed(410, { code: 'TOKEN_EXPIRED' });
const EMPTY_PASSWORD = fixed(400, { code: 'PASSWORD_EMPTY' });
const UNKNOWN_ACCOUNT = fixed(404, { code: 'UNKNOWN_ACCOUNT' });
const NOT_FOUND = fixed(404, { code: 'NOT_FOUND' });
const EMPTY_MAILBOX = fixed(200, { messages: [] });
const MAINTENANCE_JSON = JSON.stringify({ code: 'MAINTENANCE' });
const QUEUE_FULL_JSON = JSON.stringify({ code: 'RESET_QUEUE_FULL' });

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
  readonly #invalidCredentials: ModelReply;
  readonly #resetRequired: ModelReply;
  readonly #confirmed: ModelReply;
  #requestSeq = 0;
  #sessionSeq = 0;

  constructor(o: ResolvedModelOptions) {
    this.#o = o;
    this.accounts = new ModelAccounts(o.config);
    this.admin = new AdminSchedule<number>(o.config.adminWorkers, o.resetServiceNs, o.config.resetQueue);
    this.mail = new ModelMail(o);
    this.#hashNs = Math.round(hashSeconds(o.config.hashCost, o.secondsPerIteration) * 1e9);
    this.#invalidCredentials = fixed(401, { code: 'INVALID_CREDENTIALS' }, this.#hashNs);
    this.#resetRequired = fixed(403, { code: 'PASSWORD_RESET_REQUIRED' }, this.#hashNs);
    // The accepted confirm hashes the new password: one KDF.
    this.#confirmed = fixed(200, { ok: true }, this.#hashNs);
  }

  /** Whether the /metrics counters are kept (`serverMetrics`). */
  get keepsMetrics(): boolean {
    return this.#o.serverMetrics;
  }

  /** CPU every request costs the core besides its own work (`requestOverheadS`), ns. */
  get requestOverheadNs(): number {
    return this.#o.requestOverheadNs;
  }

  /**
   * Answers a request of `endpoint` (`endpointOf(req.method, req.path)`) as the server would when
   * its core takes it up at `nowNs`; `inFlight` feeds /metrics.
   */
  handle(endpoint: Endpoint, req: RequestSpec, nowNs: number, inFlight: number): ModelReply {
    return this.#route(endpoint, req, nowNs, inFlight);
  }

  /**
   * Answers a model request (its body's fields already parsed) as `handle` would answer its JSON
   * form, filling `a`: the same statuses, Retry-After and CPU, the same state changes, no body.
   */
  answer(r: ModelRequestFields, nowNs: number, a: ModelAnswer): void {
    a.retryAfterS = 0;
    a.cpuNs = 0;
    a.token = '';
    const maintenance =
      r.endpoint === 'mailbox' ? 0 : maintenanceRetryAfterS(this.#windows, r.region, nowNs / 1e6);
    if (maintenance > 0) {
      this.#reject(r.endpoint, 'maintenance');
      a.status = 503;
      a.retryAfterS = maintenance;
      return;
    }
    const index = r.accountIndex >= 0 && r.accountIndex < this.#o.config.accounts ? r.accountIndex : -1;
    switch (r.endpoint) {
      case 'login': {
        a.cpuNs = this.#hashNs;
        const check = this.accounts.checkPrint(index, r.passwordPrint);
        a.status = check === 'ok' ? 200 : check === 'must-reset' ? 403 : 401;
        if (check === 'ok') this.#sessionSeq++;
        return;
      }
      case 'password-reset':
        this.#requestSeq++;
        a.status = 202;
        if (index >= 0) a.retryAfterS = this.#offer(index, nowNs);
        if (a.retryAfterS > 0) a.status = 503;
        return;
      case 'mailbox':
        a.status = index < 0 ? 404 : 200;
        if (index >= 0) a.token = this.mail.newestToken(index, nowNs);
        return;
      case 'password-reset-confirm':
        a.status = this.#confirm(index, r.secret, r.newPassword, nowNs);
        if (a.status === 200) a.cpuNs = this.#hashNs;
        return;
    }
  }

  /** Offers account `index`'s reset to the admin pool: 0 when accepted (mail scheduled), else Retry-After. */
  #offer(index: number, nowNs: number): number {
    const offer = this.admin.offer(nowNs, index, noop);
    if (!offer.accepted) {
      this.#reject('password-reset', 'queue_full');
      return queueFullRetryAfterS((offer.drainEndsAt - nowNs) / 1e9);
    }
    this.mail.schedule(index, offer.endsAt, nowNs);
    return 0;
  }

  /** A confirm's status, as the server's: 200 (the password set), 410 (token expired), else 400. */
  #confirm(index: number, token: string, newPassword: string, nowNs: number): 200 | 400 | 410 {
    if (index < 0 || newPassword.length === 0) return 400;
    const result = this.mail.consume(index, token, nowNs);
    if (result === 'expired') return 410;
    if (result !== 'ok') return 400;
    this.accounts.setPassword(index, newPassword);
    return 200;
  }

  #reject(endpoint: Endpoint, why: string): void {
    if (this.#o.serverMetrics) this.metrics.reject(endpoint, why);
  }

  /** Takes `regions` (empty = all) down for `durationS` from `nowNs` (the operators' switch). */
  beginMaintenance(durationS: number, regions: readonly string[], nowNs: number): void {
    beginWindow(this.#windows, nowNs / 1e6, durationS, regions);
  }

  #route(endpoint: Endpoint, req: RequestSpec, nowNs: number, inFlight: number): ModelReply {
    if (endpoint === 'metrics') return { status: 200, text: this.#metricsText(nowNs, inFlight), cpuNs: 0 };
    // The mailbox stands for the recipient's mail provider (a real run reads the mail sink, which
    // a take-down does not touch): users keep reading their mail while the service is down.
    if (endpoint !== 'maintenance' && endpoint !== 'mailbox') {
      const retryAfterS = maintenanceRetryAfterS(this.#windows, req.headers[REGION_HEADER], nowNs / 1e6);
      if (retryAfterS > 0) {
        this.#reject(endpoint, 'maintenance');
        return { status: 503, json: MAINTENANCE_JSON, retryAfterS, cpuNs: 0 };
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
        if (check === 'unknown-account' || check === 'wrong-password') return this.#invalidCredentials;
        if (check === 'must-reset') return this.#resetRequired;
        const sessionToken = (++this.#sessionSeq).toString(16).padStart(32, '0');
        return { status: 200, json: `{"sessionToken":"${sessionToken}"}`, cpuNs: this.#hashNs };
      }
      case 'password-reset': {
        const account = body?.['account'];
        if (typeof account !== 'string') return badRequest('account');
        const requestId = `r${++this.#requestSeq}`;
        const index = this.accounts.indexOf(account);
        const accepted: ModelReply = { status: 202, json: `{"requestId":"${requestId}"}`, cpuNs: 0 };
        if (index < 0) return accepted;
        const retryAfterS = this.#offer(index, nowNs);
        return retryAfterS > 0 ? { status: 503, json: QUEUE_FULL_JSON, retryAfterS, cpuNs: 0 } : accepted;
      }
      case 'mailbox': {
        const name = decodeURIComponent(req.path.split('?', 1)[0]?.slice(MAILBOX_PREFIX.length) ?? '');
        const index = this.accounts.indexOf(name);
        if (index < 0) return UNKNOWN_ACCOUNT;
        const messages = this.mail.mailbox(index, nowNs);
        return messages.length === 0 ? EMPTY_MAILBOX : { status: 200, body: { messages }, cpuNs: 0 };
      }
      case 'password-reset-confirm': {
        const account = body?.['account'];
        const token = body?.['token'];
        const newPassword = body?.['newPassword'];
        if (typeof account !== 'string' || typeof token !== 'string' || typeof newPassword !== 'string') {
          return badRequest('account, token, newPassword');
        }
        const index = this.accounts.indexOf(account);
        if (index < 0) return INVALID_TOKEN;
        if (newPassword.length === 0) return EMPTY_PASSWORD;
        const result = this.mail.consume(index, token, nowNs);
        if (result === 'expired') return EXPIRED_TOKEN;
        if (result !== 'ok') return INVALID_TOKEN;
        this.accounts.setPassword(index, newPassword);
        return this.#confirmed;
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
        return NOT_FOUND;
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

function badRequest(fields: string): ModelReply {
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
