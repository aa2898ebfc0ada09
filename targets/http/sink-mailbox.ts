/**
 * An http target file's `mailbox: { sink: ... }`: the await-mail step reads stampede's mail sink,
 * so a real backend is tested by pointing its SMTP relay at the sink. Without `url` the target's
 * start() starts the sink as its own process (SMTP on `smtpPort`, default 2525) with the file's
 * and the profile's domain limits; with `url` it reads a sink already running there. In worker
 * threads the sink's origin and the domains come back through the target spec (`MailSpec`).
 */
import { request } from 'undici';
import { accountDomainPicker } from '../../harness/arrivals/account-domain.js';
import type { MailStats } from '../mail-sink/mail-stats.js';
import { type DomainLimitsInput, resolveDomainLimits, sinkDomains } from '../mail-sink/sink-options.js';
import { type SinkProcess, startSinkProcess } from '../mail-sink/sink-process.js';
import { readSinkAnswer } from '../mail-sink/sink-reader.js';
import type { MailSpec, RequestSpec, SessionState, StartContext, StepVerdict } from '../target.js';
import { DEFAULT_MAIL_CAPTURE, DEFAULT_SINK_SMTP_PORT, type SinkMailboxDoc } from './http-target-doc.js';
import { compileTemplate, parseTemplate, type Render } from './template.js';

/** The address template unless the file gives one. */
export const DEFAULT_ADDRESS = '{{account}}@{{domain}}';

interface AddressContext {
  readonly account: string;
  readonly index: number;
  readonly domainOf: (index: number) => string;
}

/** The await-mail side of an http target whose mailbox is the sink. */
export class SinkMailbox {
  readonly #doc: SinkMailboxDoc;
  readonly #address: Render<AddressContext>;
  readonly capture: string;
  #mail: MailSpec | undefined;
  #domainOf: (index: number) => string = accountDomainPicker([], 0);
  #process: SinkProcess | undefined;
  #finalStats: MailStats | undefined;

  /** `mail` is the spec a worker thread gets (absent in the main thread before start()). */
  constructor(doc: SinkMailboxDoc, file: string, mail: MailSpec | undefined) {
    this.#doc = doc;
    this.capture = doc.capture ?? DEFAULT_MAIL_CAPTURE;
    const parsed = parseTemplate(doc.sink.address ?? DEFAULT_ADDRESS);
    // Checked at load; a failure here means the constructor got an unchecked document.
    if (!parsed.ok) throw new Error(`${file}: mailbox.sink.address: ${parsed.error}`);
    this.#address = compileTemplate(parsed.parts, (name) => {
      if (name === 'index') return (c: AddressContext) => String(c.index);
      if (name === 'domain') return (c: AddressContext) => c.domainOf(c.index);
      return (c: AddressContext) => c.account;
    });
    if (mail) this.#use(mail);
    else if (doc.sink.url) this.#use({ origin: new URL(doc.sink.url).origin, domains: [], seed: 1 });
  }

  /** Where the sink the target started takes SMTP (point the backend's relay here); else undefined. */
  smtpAddress(): { readonly host: string; readonly port: number } | undefined {
    const p = this.#process;
    return p ? { host: p.host, port: p.smtpPort } : undefined;
  }

  /** The sink's API origin and domains, for the target's spec (undefined before start()). */
  spec(): MailSpec | undefined {
    return this.#mail;
  }

  /** Starts the sink (when the file gives no url) and learns the population's domains. */
  async start(ctx: StartContext): Promise<void> {
    const domains = ctx.population.domains ?? [];
    const shares = domains.map((d) => ({ name: d.name, share: d.share }));
    this.#finalStats = undefined;
    const url = this.#doc.sink.url;
    if (url) {
      this.#use({ origin: new URL(url).origin, domains: shares, seed: ctx.population.seed });
      return;
    }
    const limits = { ...sinkDomains(domains), ...this.#fileLimits() };
    const proc = await startSinkProcess(
      {
        host: '127.0.0.1',
        smtpPort: this.#doc.sink.smtpPort ?? DEFAULT_SINK_SMTP_PORT,
        apiPort: this.#doc.sink.apiPort ?? 0,
        domains: limits,
        ...(this.#doc.sink.tokenPattern ? { tokenPattern: this.#doc.sink.tokenPattern } : {}),
      },
      ctx.signal,
    );
    this.#process = proc;
    this.#use({ origin: proc.apiOrigin, domains: shares, seed: ctx.population.seed });
  }

  /** Reads the final figures, then stops a sink this target started. */
  async stop(): Promise<void> {
    if (this.#process) {
      try {
        this.#finalStats = await this.#process.stats();
      } catch {
        this.#finalStats = undefined;
      }
    }
    const proc = this.#process;
    this.#process = undefined;
    await proc?.stop();
  }

  /** The sink's per-domain figures (final after stop(), live before). */
  async mailStats(): Promise<MailStats> {
    if (this.#finalStats) return this.#finalStats;
    if (this.#process) return this.#process.stats();
    if (!this.#mail) throw new Error('mailbox.sink: mailStats() before start()');
    const res = await request(`${this.#mail.origin}/api/v1/stampede/stats`);
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`mail sink stats: HTTP ${res.statusCode}`);
    }
    return (await res.body.json()) as MailStats;
  }

  /** The await-mail request of a session: the newest message to its address. */
  request(s: SessionState): RequestSpec {
    const mail = this.#mail;
    if (!mail) throw new Error('mailbox.sink: await-mail before start()');
    const address = this.#address({ account: s.account, index: s.accountIndex, domainOf: this.#domainOf });
    const query = encodeURIComponent(`to:"${address}"`);
    return { origin: mail.origin, method: 'GET', path: `/api/v1/search?query=${query}&limit=1`, headers: {} };
  }

  /** Reads the sink's answer: pending without a message, else its token. */
  interpret(body: string | undefined): StepVerdict {
    return readSinkAnswer(body, this.capture);
  }

  #use(mail: MailSpec): void {
    this.#mail = mail;
    this.#domainOf = accountDomainPicker(mail.domains, mail.seed);
  }

  #fileLimits(): Record<string, ReturnType<typeof resolveDomainLimits>> {
    const out: Record<string, ReturnType<typeof resolveDomainLimits>> = {};
    const given: Readonly<Record<string, DomainLimitsInput>> = this.#doc.sink.domains ?? {};
    for (const [name, d] of Object.entries(given)) {
      out[name.toLowerCase()] = resolveDomainLimits(d, `mailbox.sink.domains.${name}`);
    }
    return out;
  }
}
