/**
 * A user-written target, as you would write one for your own backend: a module whose default
 * export is a factory `(options) => Target`. This one speaks to the reference service started
 * with `stampede serve reference --port 8080 --seed 1`:
 *
 *   stampede run profiles/smoke.yaml --target targets/examples/custom-target.ts   (under tsx)
 *
 * The driver rebuilds a target in every worker thread from `spec()`, so the factory must be
 * callable again with the same options, and `buildRequest`/`interpret` must be synchronous and
 * never throw (a bad response is a verdict).
 */
import { fileURLToPath } from 'node:url';
import type { StepKind } from '../../harness/profile/profile.js';
import type {
  Credentials,
  MetricsSource,
  RequestSpec,
  ResponseView,
  SessionState,
  StepVerdict,
  Target,
  TargetSpec,
} from '../target.js';

/** Options this target accepts (all optional). */
export interface CustomTargetOptions {
  /** Where the service listens (default http://127.0.0.1:8080). */
  readonly origin?: string;
  /** The seed the server was started with: passwords are pw-<seed>-<index>. */
  readonly seed?: number;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Reads a JSON body without throwing. */
function parse(body: string | undefined): Record<string, unknown> {
  try {
    const v: unknown = body ? JSON.parse(body) : undefined;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The factory stampede calls with the spec's options. */
export default function createCustomTarget(raw: unknown): Target & MetricsSource {
  const options = (raw ?? {}) as CustomTargetOptions;
  const origin = options.origin ?? 'http://127.0.0.1:8080';
  const seed = options.seed ?? 1;
  const self = fileURLToPath(import.meta.url);

  return {
    name: `module:${self}`,
    origin: () => origin,
    spec: (): TargetSpec => ({ kind: 'module', module: self, options: { origin, seed } }),
    credentials: (index: number): Credentials => ({
      account: `user-${String(index).padStart(8, '0')}`,
      password: `pw-${seed}-${index}`,
    }),
    buildRequest(kind: StepKind, s: SessionState): RequestSpec {
      const headers = { ...JSON_HEADERS, 'x-stampede-region': s.region };
      switch (kind) {
        case 'login':
        case 'login-new':
          return {
            method: 'POST',
            path: '/v1/login',
            headers,
            body: JSON.stringify({ account: s.account, password: s.password }),
          };
        case 'reset-request':
          return {
            method: 'POST',
            path: '/v1/password-reset',
            headers,
            body: JSON.stringify({ account: s.account }),
          };
        case 'await-mail':
          return { method: 'GET', path: `/v1/mailbox/${s.account}`, headers };
        case 'reset-confirm':
          return {
            method: 'POST',
            path: '/v1/password-reset/confirm',
            headers,
            body: JSON.stringify({
              account: s.account,
              token: s.captures['token'] ?? '',
              newPassword: s.newPassword,
            }),
          };
      }
    },
    needsBody: (kind: StepKind) => kind === 'await-mail' || kind === 'login' || kind === 'login-new',
    interpret(kind: StepKind, r: ResponseView, s: SessionState): StepVerdict {
      if (kind === 'await-mail') {
        const messages = parse(r.body)['messages'];
        if (!Array.isArray(messages)) return { verdict: 'invalid', reason: 'no messages list' };
        const token = (messages.at(-1) as { token?: unknown } | undefined)?.token;
        if (messages.length === 0) return { verdict: 'pending' };
        return typeof token === 'string'
          ? { verdict: 'ok', captures: { token } }
          : { verdict: 'invalid', reason: 'no token' };
      }
      if (kind === 'reset-confirm') s.password = s.newPassword;
      if ((kind === 'login' || kind === 'login-new') && r.status === 200) {
        const sessionToken = parse(r.body)['sessionToken'];
        if (typeof sessionToken === 'string') return { verdict: 'ok', captures: { sessionToken } };
      }
      return { verdict: 'ok' };
    },
    metricsUrl: () => `${origin}/metrics`,
  };
}
