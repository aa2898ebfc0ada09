/**
 * The `http` target: any real backend, described by a checked YAML file (see
 * `load-http-target.ts`). Templates and readers are compiled at construction, so per request it
 * only concatenates strings and walks parsed JSON.
 */
import { request } from 'undici';
import { STEP_KINDS, type StepKind } from '../../harness/profile/profile.js';
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
  StepVerdict,
  Target,
  TargetSpec,
} from '../target.js';
import {
  DEFAULT_MAIL_CAPTURE,
  type HttpMethod,
  type HttpTargetDoc,
  isSinkMailbox,
  type RequestDoc,
} from './http-target-doc.js';
import { compileCapture, compileSuccess, type Extractor, ParsedResponse } from './response-reader.js';
import { SinkMailbox } from './sink-mailbox.js';
import {
  compileTemplate,
  jsonStringEscape,
  parseTemplate,
  type Render,
  type TemplatePart,
} from './template.js';

interface CompiledRequest {
  readonly method: HttpMethod;
  readonly path: Render<SessionState>;
  readonly headers: readonly (readonly [string, Render<SessionState>])[];
  readonly body: Render<SessionState> | undefined;
}

interface CompiledStep {
  readonly request: CompiledRequest;
  readonly expect: ReadonlySet<number> | undefined;
  readonly captures: readonly (readonly [string, Extractor, boolean])[];
  readonly success: ((r: ParsedResponse) => boolean) | undefined;
  readonly needsBody: boolean;
}

const OK: StepVerdict = { verdict: 'ok' };
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const PENDING: StepVerdict = { verdict: 'pending' };

/** The abilities a target file may declare, attached by `createHttpTarget`. */
export type HttpAbilities = Partial<MetricsSource & MaintenanceControl & Startable & MailSource>;

/** A checked target file turned into a Target (plus the abilities the file declares). */
export class HttpTarget implements Target {
  readonly name: string;
  readonly #file: string;
  readonly #doc: HttpTargetDoc;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #steps = new Map<StepKind, CompiledStep>();
  readonly #accountName: Render<number>;
  readonly #accountPassword: Render<number>;
  readonly #sink: SinkMailbox | undefined;

  /**
   * `doc` must have passed `checkTargetSchema` and `checkTargetSemantics`; `mail` is the mail
   * sink a worker thread reads (from the spec the main thread's target gave after start()).
   */
  constructor(doc: HttpTargetDoc, file: string, mail?: MailSpec) {
    this.#doc = doc;
    this.#file = file;
    this.name = `http:${doc.name ?? file}`;
    const base = new URL(doc.baseUrl);
    this.#origin = base.origin;
    this.#basePath = base.pathname.replace(/\/+$/, '');
    const indexTemplate = (text: string): Render<number> =>
      compileTemplate(parts(text), () => (i: number) => String(i));
    this.#accountName = indexTemplate(doc.accounts.name);
    this.#accountPassword = indexTemplate(doc.accounts.password);
    this.#sink =
      doc.mailbox && isSinkMailbox(doc.mailbox) ? new SinkMailbox(doc.mailbox, file, mail) : undefined;
    for (const kind of STEP_KINDS) {
      const step = doc.steps[kind];
      if (step) {
        const captures = Object.entries(step.captures ?? {}).map(
          ([name, c]) => [name, compileCapture(c), c.optional === true] as const,
        );
        const success = step.success
          ? compileSuccess(step.success.json, step.success.equals, 'equals' in step.success)
          : undefined;
        this.#steps.set(kind, {
          request: this.#compileRequest(step),
          expect: step.expect ? new Set(step.expect) : undefined,
          captures,
          success,
          // Header-only captures do not need the body; the driver may then discard it unread.
          needsBody:
            kind === 'await-mail' ||
            success !== undefined ||
            Object.values(step.captures ?? {}).some((c) => c.header === undefined),
        });
      } else if (kind === 'await-mail' && doc.mailbox && isSinkMailbox(doc.mailbox)) {
        // Read through #sink below (its request needs the sink's origin, known after start()).
      } else if (kind === 'await-mail' && doc.mailbox && !isSinkMailbox(doc.mailbox)) {
        const token = compileCapture(doc.mailbox.token);
        this.#steps.set(kind, {
          request: this.#compileRequest(doc.mailbox),
          expect: undefined,
          captures: [[doc.mailbox.capture ?? DEFAULT_MAIL_CAPTURE, token, false]],
          success: undefined,
          needsBody: true,
        });
      }
    }
  }

  /** SMTP address of the mail sink this target started (after start()), for the backend's relay. */
  mailSinkSmtp(): { readonly host: string; readonly port: number } | undefined {
    return this.#sink?.smtpAddress();
  }

  /** Step kinds the file describes; a flow using another one cannot run against it. */
  supportedKinds(): StepKind[] {
    const kinds = [...this.#steps.keys()];
    if (this.#sink) kinds.push('await-mail');
    return STEP_KINDS.filter((k) => kinds.includes(k));
  }

  origin(): string {
    return this.#origin;
  }

  spec(): TargetSpec {
    const mail = this.#sink?.spec();
    return mail ? { kind: 'http', file: this.#file, mail } : { kind: 'http', file: this.#file };
  }

  credentials(index: number): Credentials {
    return { account: this.#accountName(index), password: this.#accountPassword(index) };
  }

  buildRequest(kind: StepKind, session: SessionState): RequestSpec {
    if (kind === 'await-mail' && this.#sink) return this.#sink.request(session);
    const step = this.#steps.get(kind);
    // The driver checks supportedKinds() before a run; reaching this is a programming error.
    if (!step) throw new Error(`${this.name}: the target file has no step "${kind}"`);
    const r = step.request;
    // Most steps send no header of their own: they share one empty object (nobody writes to it).
    let headers = NO_HEADERS;
    if (r.headers.length > 0) {
      headers = {};
      for (const [name, value] of r.headers) headers[name] = value(session);
    }
    const path = this.#basePath === '' ? r.path(session) : this.#basePath + r.path(session);
    return r.body
      ? { method: r.method, path, headers, body: r.body(session) }
      : { method: r.method, path, headers };
  }

  needsBody(kind: StepKind): boolean {
    if (kind === 'await-mail' && this.#sink) return true;
    return this.#steps.get(kind)?.needsBody ?? false;
  }

  interpret(kind: StepKind, response: ResponseView, session: SessionState): StepVerdict {
    if (kind === 'await-mail' && this.#sink) return this.#sink.interpret(response.body);
    const step = this.#steps.get(kind);
    if (!step) return { verdict: 'invalid', reason: `no step "${kind}" in the target file` };
    if (step.expect && !step.expect.has(response.status)) {
      return { verdict: 'invalid', reason: `status ${response.status} not in the target file's expect` };
    }
    // Nothing to check or capture: no parsed view of the response is built.
    if (step.success === undefined && step.captures.length === 0 && kind !== 'reset-confirm') return OK;
    const r = new ParsedResponse(response);
    if (step.success && !step.success(r)) return { verdict: 'invalid', reason: 'success check failed' };
    let captures: Record<string, string> | undefined;
    for (const [name, extract, optional] of step.captures) {
      const v = extract(r);
      if (v === undefined) {
        if (optional) continue;
        // An empty mailbox is not a failure: the mail is still on its way.
        if (kind === 'await-mail') return PENDING;
        return { verdict: 'invalid', reason: `capture "${name}" not found` };
      }
      captures ??= {};
      captures[name] = v;
    }
    if (kind === 'reset-confirm') session.password = session.newPassword;
    return captures ? { verdict: 'ok', captures } : OK;
  }

  /** The extra abilities the file declares, for `createHttpTarget` to attach. */
  abilities(): HttpAbilities {
    const out: HttpAbilities = {};
    const sink = this.#sink;
    if (sink) {
      out.start = (ctx) => sink.start(ctx);
      out.stop = () => sink.stop();
      out.mailStats = () => sink.mailStats();
    }
    const metrics = this.#doc.metrics;
    if (metrics) out.metricsUrl = () => metrics.url;
    const m = this.#doc.maintenance;
    if (m) out.maintenance = (durationS, regions) => this.#maintenance(m, durationS, regions);
    return out;
  }

  async #maintenance(m: RequestDoc, durationS: number, regions: readonly string[]): Promise<void> {
    // The loopback guard ran on baseUrl at load; this URL shares its origin.
    const fill = (text: string): string =>
      text.replace(/\{\{\s*(durationS|regions)\s*\}\}/g, (_, n: string) =>
        n === 'durationS' ? String(durationS) : regions.join(','),
      );
    const walk = (v: unknown): unknown => {
      if (v === '{{durationS}}') return durationS;
      if (v === '{{regions}}') return [...regions];
      if (typeof v === 'string') return fill(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v !== null && typeof v === 'object') {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      }
      return v;
    };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = fill(v);
    let body: string | undefined;
    if (typeof m.body === 'string') body = fill(m.body);
    else if (m.body !== undefined) {
      body = JSON.stringify(walk(m.body));
      headers['content-type'] ??= 'application/json';
    }
    const res = await request(`${this.#origin}${this.#basePath}${fill(m.path)}`, {
      method: m.method,
      headers,
      body: body ?? null,
    });
    await res.body.dump();
    if (res.statusCode >= 300) throw new Error(`${this.name}: maintenance answered HTTP ${res.statusCode}`);
  }

  #compileRequest(req: RequestDoc): CompiledRequest {
    const headers: [string, Render<SessionState>][] = Object.entries(req.headers ?? {}).map(([k, v]) => [
      k.toLowerCase(),
      compileTemplate(parts(v), bindSession),
    ]);
    let body: Render<SessionState> | undefined;
    if (typeof req.body === 'string') body = compileTemplate(parts(req.body), bindSession);
    else if (req.body !== undefined) {
      body = compileTemplate(parts(JSON.stringify(req.body)), bindSession, jsonStringEscape);
      if (!headers.some(([k]) => k === 'content-type'))
        headers.push(['content-type', () => 'application/json']);
    }
    return {
      method: req.method,
      path: compileTemplate(parts(req.path), bindSession, encodeURIComponent),
      headers,
      body,
    };
  }
}

/** Getter of a placeholder's value in a session: a builtin, else a captured variable. */
function bindSession(name: string): (s: SessionState) => string {
  switch (name) {
    case 'account':
      return (s) => s.account;
    case 'password':
      return (s) => s.password;
    case 'newPassword':
      return (s) => s.newPassword;
    case 'region':
      return (s) => s.region;
    default:
      return (s) => s.captures[name] ?? '';
  }
}

function parts(text: string): readonly TemplatePart[] {
  const parsed = parseTemplate(text);
  // Checked at load; a failure here means the constructor got an unchecked document.
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.parts;
}
