/**
 * The reference service's client side for the discrete-event model (`stampede simulate`): the
 * same accounts, steps and verdicts as `reference-target.ts`, but its requests are
 * `ModelRequest`s (the body's fields already typed, no JSON) and it reads a body only where a
 * step needs one: await-mail, whose body from the model is the newest token itself ('' = no mail
 * yet). Login, reset-request and confirm are judged by their status alone, as the reference
 * Target judges them in practice (a 403 from the service is always "reset required"; the captured
 * session token and request id are read by no step).
 *
 * A simulated day sends ~10^8 requests: this is the per-request cost the model path removes
 * (a JSON.stringify per request here, a JSON.parse there, a reply body and headers per answer).
 * Its requests are for the model transport only: `buildRequest` hands out one object, refilled
 * each call, which the model reads only inside `send`.
 */
import type { StepKind } from '../../../harness/profile/profile.js';
import type { DerivedCredentials } from '../../derived-credentials.js';
import type {
  Credentials,
  RequestSpec,
  ResponseView,
  SessionState,
  StepVerdict,
  Target,
  TargetSpec,
} from '../../target.js';
import { accountName, accountNameWidth, initialPasswordRule } from '../accounts.js';
import { MAILBOX_PREFIX } from '../rules/endpoint.js';
import { REGION_HEADER } from '../server.js';
import type { ModelEndpoint, ModelRequest } from './model-request.js';

/** Population of the model the target speaks for. */
export interface ModelTargetOptions {
  readonly origin: string;
  readonly seed: number;
  readonly accounts: number;
}

const OK: StepVerdict = Object.freeze({ verdict: 'ok' });
const PENDING: StepVerdict = Object.freeze({ verdict: 'pending' });

/** The Target `stampede simulate` drives the model through. */
export class ModelTarget implements Target, DerivedCredentials {
  readonly name = 'reference';
  readonly #o: ModelTargetOptions;
  readonly #width: number;
  readonly #passwordOf: (index: number) => string;
  /** One header object per region, shared by every request of it (nobody writes them). */
  readonly #headers = new Map<string, Record<string, string>>();
  readonly #scratch: { -readonly [K in keyof ModelRequest]: ModelRequest[K] } = {
    method: 'GET',
    path: '',
    headers: {},
    endpoint: 'login',
    accountIndex: 0,
    region: '',
    secret: '',
    newPassword: '',
  };
  #lastRegion: string | null = null;
  #lastHeaders: Record<string, string> = {};

  constructor(o: ModelTargetOptions) {
    this.#o = o;
    this.#width = accountNameWidth(o.accounts);
    this.#passwordOf = initialPasswordRule(o.seed);
  }

  origin(): string {
    return this.#o.origin;
  }

  /** Rebuilds as the reference Target (a simulation runs in one thread: no worker asks). */
  spec(): TargetSpec {
    return { kind: 'reference', origin: this.#o.origin, seed: this.#o.seed, accounts: this.#o.accounts };
  }

  credentials(index: number): Credentials {
    return { account: this.accountOf(index), password: this.passwordOf(index) };
  }

  accountOf(index: number): string {
    return accountName(index, this.#width);
  }

  passwordOf(index: number): string {
    return this.#passwordOf(index);
  }

  buildRequest(kind: StepKind, s: SessionState): RequestSpec {
    switch (kind) {
      case 'login':
      case 'login-new':
        return this.#request('POST', '/v1/login', 'login', s, s.password, '');
      case 'reset-request':
        return this.#request('POST', '/v1/password-reset', 'password-reset', s, '', '');
      case 'await-mail': {
        const path = `${MAILBOX_PREFIX}${encodeURIComponent(s.account)}`;
        return this.#request('GET', path, 'mailbox', s, '', '');
      }
      case 'reset-confirm': {
        const token = s.captures['token'] ?? '';
        return this.#request(
          'POST',
          '/v1/password-reset/confirm',
          'password-reset-confirm',
          s,
          token,
          s.newPassword,
        );
      }
    }
  }

  needsBody(kind: StepKind): boolean {
    return kind === 'await-mail';
  }

  interpret(kind: StepKind, r: ResponseView, s: SessionState): StepVerdict {
    if (kind === 'await-mail') {
      if (!r.body) return PENDING;
      return { verdict: 'ok', captures: { token: r.body } };
    }
    if (kind === 'reset-confirm' && r.status >= 200 && r.status < 300) s.password = s.newPassword;
    return OK;
  }

  #request(
    method: 'GET' | 'POST',
    path: string,
    endpoint: ModelEndpoint,
    s: SessionState,
    secret: string,
    newPassword: string,
  ): ModelRequest {
    // One request object, refilled: the model transport copies its fields when it is sent
    // (request-ring.ts) and nothing reads it after that, so a session in flight need not keep
    // one of its own (a take-down herd holds ~3 M; 88 bytes each).
    const r = this.#scratch;
    r.method = method;
    r.path = path;
    r.headers = this.#headersOf(s.region);
    r.endpoint = endpoint;
    r.accountIndex = s.accountIndex;
    r.region = s.region;
    r.secret = secret;
    r.newPassword = newPassword;
    return r;
  }

  #headersOf(region: string): Record<string, string> {
    // The last region's headers first: a session's region is the profile's own string, so
    // consecutive requests of a region hit without a Map lookup (measured ~5 % of simulate's CPU).
    if (region === this.#lastRegion) return this.#lastHeaders;
    let h = this.#headers.get(region);
    if (!h) {
      h = { 'content-type': 'application/json', [REGION_HEADER]: region };
      this.#headers.set(region, h);
    }
    this.#lastRegion = region;
    this.#lastHeaders = h;
    return h;
  }
}
