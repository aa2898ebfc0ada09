/**
 * `stampede serve reference`: the reference service in the foreground of this process (nothing
 * else runs here, so it needs no child process) until SIGINT/SIGTERM. Its reset mail goes over
 * SMTP to `--smtp host:port` (e.g. the sink an http target file starts), or else to a mail sink
 * started here beside it. Refuses a non-loopback host unless the user opts in, so it is never
 * exposed by accident.
 */
import { StampedeError } from '../../harness/errors.js';
import type { MailDomain } from '../../harness/profile/profile.js';
import { isLoopbackHost } from '../http/loopback.js';
import { listenSink, type RunningSink } from '../mail-sink/listen-sink.js';
import { sinkDomains } from '../mail-sink/sink-options.js';
import { type ReferenceConfig, resolveReferenceConfig } from './reference-config.js';
import { listenReference } from './server.js';

/** What the serve command passes in (flags already parsed). */
export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  readonly allowRemote: boolean;
  /** Capacity and population values, keyed like ReferenceConfig; undefined = default. */
  readonly values: Readonly<Partial<Record<keyof ReferenceConfig, number | undefined>>>;
  /** SMTP relay for the reset mail; absent: a sink started here (API on `mailApiPort`). */
  readonly smtp?: { readonly host: string; readonly port: number };
  /** API port of the sink started here (0 = any). */
  readonly mailApiPort?: number;
  /**
   * Recipient domains (a profile's `population.domains`): where each account's mail goes, and the
   * limits the sink started here enforces, as a run's embedded reference target does. Absent:
   * every address at example.test, unthrottled.
   */
  readonly domains?: readonly MailDomain[];
  /** Where the banner goes (stdout by default). */
  readonly out?: (line: string) => void;
  /** Stops the server when aborted (tests); otherwise SIGINT/SIGTERM do. */
  readonly signal?: AbortSignal;
}

/** `adminWorkers` -> `--admin-workers`, so errors name the flag the user typed. */
export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Runs the server until interrupted; resolves after it closed. */
export async function serveReference(opts: ServeOptions): Promise<void> {
  if (!isLoopbackHost(opts.host) && !opts.allowRemote) {
    throw new StampedeError(
      'E_TARGET_NOT_ALLOWED',
      `--host: "${opts.host}" is not loopback; pass --allow-remote to serve on it`,
    );
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new StampedeError('E_USAGE', `--port: must be an integer in [0, 65535], got ${opts.port}`);
  }
  const config = resolveReferenceConfig(opts.values, flagOf);
  const out = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const domains = opts.domains ?? [];
  let sink: RunningSink | undefined;
  if (!opts.smtp) {
    try {
      sink = await listenSink({
        host: '127.0.0.1',
        apiPort: opts.mailApiPort ?? 0,
        domains: sinkDomains(domains),
      });
    } catch (err: unknown) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new StampedeError('E_USAGE', `--mail-api-port: cannot listen on ${opts.mailApiPort} (${code})`);
    }
  }
  const relay = opts.smtp ?? { host: '127.0.0.1', port: sink?.smtpPort ?? 0 };
  let server: Awaited<ReturnType<typeof listenReference>>;
  try {
    server = await listenReference(
      config,
      { host: opts.host, port: opts.port },
      {
        ...relay,
        domains: domains.map((d) => ({ name: d.name, share: d.share })),
      },
    );
  } catch (err: unknown) {
    await sink?.close();
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new StampedeError('E_USAGE', `--port: cannot listen on ${opts.host}:${opts.port} (${code})`);
  }
  out(`reference service listening on ${server.url}`);
  out(
    `  admin workers ${config.adminWorkers} x ${config.resetServiceMs} ms, queue ${config.resetQueue}, ` +
      `mail ${config.mailPerS}/s, hash cost ${config.hashCost}, token ttl ${config.tokenTtlS} s`,
  );
  out(
    `  accounts ${config.accounts} (seed ${config.seed}, must reset ${config.mustResetShare * 100}%), ` +
      `metrics ${server.url}/metrics; Ctrl-C to stop`,
  );
  out(
    sink
      ? `  reset mail -> mail sink smtp 127.0.0.1:${sink.smtpPort}, API ${sink.apiOrigin}/api/v1/search`
      : `  reset mail -> smtp ${relay.host}:${relay.port}`,
  );
  if (domains.length > 0) {
    out(`  mail domains ${domains.map((d) => `${d.name} ${d.share * 100}%`).join(', ')}`);
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      opts.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    opts.signal?.addEventListener('abort', stop);
    if (opts.signal?.aborted) stop();
  });
  await server.close();
  await sink?.close();
}
