/**
 * The client side of the reference service: the Target the driver talks through, plus its
 * lifecycle (start() forks the mail sink and `server-main` as child processes and waits for their
 * ports, pointing the server's SMTP relay at the sink; stop() reads the mail figures, then kills
 * both and waits for their exit), its /metrics URL, its maintenance switch and its mail figures.
 * await-mail reads the sink's API (its own origin in the RequestSpec).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { request } from 'undici';
import { errorMessage, StampedeError } from '../../harness/errors.js';
import type { StepKind } from '../../harness/profile/profile.js';
import { entryPoint } from '../../harness/runtime/entry-point.js';
import type { MailStats } from '../mail-sink/mail-stats.js';
import { sinkDomains } from '../mail-sink/sink-options.js';
import { type SinkProcess, startSinkProcess } from '../mail-sink/sink-process.js';
import { readSinkAnswer, SinkReader } from '../mail-sink/sink-reader.js';
import type {
  Credentials,
  MailSource,
  MailSpec,
  MaintenanceControl,
  MetricsSource,
  RequestSpec,
  ResponseView,
  SessionState,
  Startable,
  StartContext,
  StepVerdict,
  Target,
  TargetSpec,
} from '../target.js';
import { accountName, accountNameWidth, initialPassword } from './accounts.js';
import { resolveReferenceConfig } from './reference-config.js';
import { MAILBOX_PREFIX } from './rules/endpoint.js';
import { REGION_HEADER } from './server.js';
import type { ServerMainArgs, ServerMainMessage } from './server-main.js';

/** How to build a reference target: an origin if the server runs already, the population seed and size. */
export interface ReferenceTargetOptions {
  readonly origin?: string;
  readonly seed?: number;
  readonly accounts?: number;
  /** Where start() listens (default 127.0.0.1, any port). */
  readonly host?: string;
  readonly port?: number;
  /** The mail sink to read (set when rebuilt from a spec; start() starts its own). */
  readonly mail?: MailSpec;
}

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/** The embedded default target: the relaunched service in its own process on loopback. */
export class ReferenceTarget implements Target, Startable, MetricsSource, MaintenanceControl, MailSource {
  readonly name = 'reference';
  #origin: string | undefined;
  #seed: number;
  #accounts: number | undefined;
  #width: number;
  readonly #host: string;
  readonly #port: number;
  #child: ChildProcess | undefined;
  #sink: SinkProcess | undefined;
  #mail: MailSpec | undefined;
  #reader: SinkReader | undefined;
  /** The figures read at stop(), kept for mailStats() afterwards. */
  #finalStats: MailStats | undefined;

  constructor(opts: ReferenceTargetOptions = {}) {
    this.#origin = opts.origin;
    this.#seed = opts.seed ?? 1;
    this.#accounts = opts.accounts;
    this.#width = accountNameWidth(opts.accounts ?? 1);
    this.#host = opts.host ?? '127.0.0.1';
    this.#port = opts.port ?? 0;
    if (opts.mail) this.#useMail(opts.mail);
  }

  #useMail(mail: MailSpec): void {
    this.#mail = mail;
    this.#reader = new SinkReader(mail);
  }

  origin(): string {
    if (this.#origin === undefined) throw new Error('reference target: origin() before start()');
    return this.#origin;
  }

  spec(): TargetSpec {
    const base = {
      kind: 'reference',
      origin: this.origin(),
      seed: this.#seed,
      ...(this.#mail ? { mail: this.#mail } : {}),
    } as const;
    return this.#accounts === undefined ? base : { ...base, accounts: this.#accounts };
  }

  credentials(index: number): Credentials {
    return { account: accountName(index, this.#width), password: initialPassword(index, this.#seed) };
  }

  buildRequest(kind: StepKind, s: SessionState): RequestSpec {
    const headers = { 'content-type': 'application/json', [REGION_HEADER]: s.region };
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
        // Without a mail sink (the discrete-event model, which keeps its own inboxes) the
        // mailbox API of the model is read instead.
        if (!this.#reader) {
          return { method: 'GET', path: `${MAILBOX_PREFIX}${encodeURIComponent(s.account)}`, headers };
        }
        return this.#reader.request(s);
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
  }

  needsBody(kind: StepKind): boolean {
    // A confirm's answer carries nothing the flow uses; the driver may discard it unread.
    return kind !== 'reset-confirm';
  }

  interpret(kind: StepKind, r: ResponseView, s: SessionState): StepVerdict {
    switch (kind) {
      case 'login':
      case 'login-new': {
        if (r.status === 403) {
          const code = field(r.body, 'code');
          return code === 'PASSWORD_RESET_REQUIRED' ? OK : invalid(`403 without PASSWORD_RESET_REQUIRED`);
        }
        if (r.status !== 200) return OK;
        const sessionToken = field(r.body, 'sessionToken');
        return sessionToken
          ? { verdict: 'ok', captures: { sessionToken } }
          : invalid('200 without sessionToken');
      }
      case 'reset-request': {
        const requestId = field(r.body, 'requestId');
        return requestId ? { verdict: 'ok', captures: { requestId } } : OK;
      }
      case 'await-mail':
        return this.#reader ? readSinkAnswer(r.body) : readModelMailbox(r.body);
      case 'reset-confirm':
        if (r.status >= 200 && r.status < 300) s.password = s.newPassword;
        return OK;
    }
  }

  metricsUrl(): string {
    return `${this.origin()}/metrics`;
  }

  async maintenance(durationS: number, regions: readonly string[]): Promise<void> {
    const res = await request(`${this.origin()}/admin/maintenance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ durationS, regions }),
    });
    await res.body.dump();
    if (res.statusCode !== 202) throw new Error(`reference maintenance: HTTP ${res.statusCode}`);
  }

  async start(ctx: StartContext): Promise<void> {
    if (this.#child) throw new Error('reference target: already started');
    const { domains = [], ...population } = ctx.population;
    const config = resolveReferenceConfig({ ...ctx.capacity, ...population }, (k) =>
      k in ctx.capacity ? `reference.${k}` : `population.${k}`,
    );
    this.#seed = config.seed;
    this.#accounts = config.accounts;
    this.#width = accountNameWidth(config.accounts);
    this.#finalStats = undefined;
    const sink = await startSinkProcess({ host: this.#host, domains: sinkDomains(domains) }, ctx.signal);
    this.#sink = sink;
    const shares = domains.map((d) => ({ name: d.name, share: d.share }));
    this.#useMail({ origin: sink.apiOrigin, domains: shares, seed: config.seed });
    const entry = entryPoint(import.meta.url, './server-main');
    const args: ServerMainArgs = {
      config,
      host: this.#host,
      port: this.#port,
      mail: { host: sink.host, port: sink.smtpPort, domains: shares },
    };
    const child = fork(entry.file, [JSON.stringify(args)], {
      execArgv: entry.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    this.#child = child;
    try {
      this.#origin = await waitListening(child);
    } catch (err: unknown) {
      this.#child = undefined;
      child.kill('SIGKILL');
      this.#sink = undefined;
      await sink.stop();
      throw new StampedeError('E_TARGET_UNREACHABLE', `reference server did not start: ${errorMessage(err)}`);
    }
  }

  /** The sink's per-domain figures plus the backend's (live while running, final after stop()). */
  async mailStats(): Promise<MailStats> {
    if (this.#finalStats) return this.#finalStats;
    const sink = this.#sink;
    if (!sink) throw new Error('reference target: mailStats() before start()');
    const [sinkStats, backendRes] = await Promise.all([
      sink.stats(),
      request(`${this.origin()}/admin/mail-stats`),
    ]);
    const backend = (await backendRes.body.json()) as MailStats['backend'];
    return backend ? { ...sinkStats, backend } : sinkStats;
  }

  async stop(): Promise<void> {
    if (this.#sink && this.#child) {
      // Read the figures while both still run: mail lost to a stopped sender is still counted.
      try {
        this.#finalStats = await this.mailStats();
      } catch {
        this.#finalStats = undefined;
      }
    }
    const sink = this.#sink;
    this.#sink = undefined;
    const child = this.#child;
    this.#child = undefined;
    await sink?.stop();
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  /** Process id of the server child while it runs (for pinning it to a core in benchmarks). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }
}

const OK: StepVerdict = { verdict: 'ok' };

function invalid(reason: string): StepVerdict {
  return { verdict: 'invalid', reason };
}

/** A top-level string field of a JSON body, or undefined for anything else (never throws). */
function field(body: string | undefined, name: string): string | undefined {
  const v = parseObject(body)?.[name];
  return typeof v === 'string' ? v : undefined;
}

function parseObject(body: string | undefined): Record<string, unknown> | undefined {
  if (!body) return undefined;
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The model's mailbox answer `{ messages: [{ token }] }` (oldest first): newest token, or pending. */
function readModelMailbox(body: string | undefined): StepVerdict {
  const messages = parseObject(body)?.['messages'];
  if (!Array.isArray(messages)) return invalid('mailbox answer without messages');
  if (messages.length === 0) return { verdict: 'pending' };
  const last: unknown = messages[messages.length - 1];
  const token =
    typeof last === 'object' && last !== null ? (last as Record<string, unknown>)['token'] : undefined;
  return typeof token === 'string' ? { verdict: 'ok', captures: { token } } : invalid('mail without token');
}

/** Resolves with the child's origin once it listens; rejects if it fails, exits or takes too long. */
function waitListening(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no port after ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    const onMessage = (m: ServerMainMessage): void => {
      if (m.type === 'listening') finish(undefined, m.url);
      else finish(new Error(m.message));
    };
    const onExit = (code: number | null, sig: string | null): void =>
      finish(new Error(`child exited (${sig ?? `code ${code}`}) before listening`));
    const onError = (err: Error): void => finish(err);
    function finish(err: Error | undefined, url?: string): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
      if (err || url === undefined) reject(err ?? new Error('no url'));
      else resolve(url);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.on('error', onError);
  });
}
