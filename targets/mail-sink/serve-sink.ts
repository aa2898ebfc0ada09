/**
 * `stampede mail-sink`: the mail sink in the foreground of this process (nothing else runs here)
 * until SIGINT/SIGTERM, with its flags turned into options: `--throttle gmail.test=50` (messages
 * a second, or `50/s`) and `--greylist gmail.test=30s` (a duration). Bad flags are one-line usage
 * errors naming the flag. Refuses a non-loopback host unless the user opts in.
 */
import { StampedeError } from '../../harness/errors.js';
import { parseDuration } from '../../harness/profile/duration.js';
import { isLoopbackHost } from '../http/loopback.js';
import { listenSink } from './listen-sink.js';
import {
  DOMAIN_NAME,
  type DomainLimitsInput,
  resolveDomainLimits,
  type SinkOptions,
} from './sink-options.js';
import type { DomainLimits } from './throttle-rules.js';

/** What the command passes in (flags already parsed by yargs, values still text). */
export interface ServeSinkOptions {
  readonly host: string;
  readonly smtpPort: number;
  readonly apiPort: number;
  readonly allowRemote: boolean;
  readonly throttle: readonly string[];
  readonly greylist: readonly string[];
  readonly perConnection: readonly string[];
  readonly reject: readonly string[];
  readonly tokenPattern?: string;
  readonly out?: (line: string) => void;
  /** Stops the sink when aborted (tests); otherwise SIGINT/SIGTERM do. */
  readonly signal?: AbortSignal;
}

/** Splits `domain=value` of `flag`, checking the domain. */
function pair(flag: string, text: string): [string, string] {
  const eq = text.indexOf('=');
  const domain = text.slice(0, eq).toLowerCase();
  const value = text.slice(eq + 1);
  if (eq < 1 || value === '')
    throw new StampedeError('E_USAGE', `${flag}: expected <domain>=<value>, got "${text}"`);
  if (!DOMAIN_NAME.test(domain))
    throw new StampedeError('E_USAGE', `${flag}: "${domain}" is not a domain name`);
  return [domain, value];
}

function number(flag: string, text: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new StampedeError('E_USAGE', `${flag}: expected a number >= 0 in "${text}"`);
  }
  return n;
}

/** The domain table the flags describe (each flag may repeat; later values win). */
export function domainsFromFlags(o: Omit<ServeSinkOptions, 'host' | 'smtpPort' | 'apiPort' | 'allowRemote'>) {
  const inputs = new Map<string, DomainLimitsInput>();
  const set = (domain: string, patch: DomainLimitsInput): void => {
    inputs.set(domain, { ...inputs.get(domain), ...patch });
  };
  for (const t of o.throttle) {
    const [domain, value] = pair('--throttle', t);
    set(domain, { perS: number('--throttle', t, value.replace(/\/s$/, '')) });
  }
  for (const t of o.greylist) {
    const [domain, value] = pair('--greylist', t);
    const s = parseDuration(/^\d+(\.\d+)?$/.test(value) ? Number(value) : value);
    if (s === undefined)
      throw new StampedeError('E_USAGE', `--greylist: expected a duration (30s, 2m) in "${t}"`);
    set(domain, { greylistS: s });
  }
  for (const t of o.perConnection) {
    const [domain, value] = pair('--per-connection', t);
    set(domain, { perConnection: Math.floor(number('--per-connection', t, value)) });
  }
  for (const t of o.reject) {
    const [domain, value] = pair('--reject', t);
    set(domain, {
      rejectShare: number('--reject', t, value.replace(/%$/, '')) / (value.endsWith('%') ? 100 : 1),
    });
  }
  const out: Record<string, DomainLimits> = {};
  for (const [domain, input] of inputs) out[domain] = resolveDomainLimits(input, `--throttle ${domain}`);
  return out;
}

/** Runs the sink until interrupted; resolves after it closed. */
export async function serveSink(o: ServeSinkOptions): Promise<void> {
  if (!isLoopbackHost(o.host) && !o.allowRemote) {
    throw new StampedeError(
      'E_TARGET_NOT_ALLOWED',
      `--host: "${o.host}" is not loopback; pass --allow-remote to serve on it`,
    );
  }
  for (const [flag, port] of [
    ['--port', o.smtpPort],
    ['--api-port', o.apiPort],
  ] as const) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new StampedeError('E_USAGE', `${flag}: must be an integer in [0, 65535], got ${port}`);
    }
  }
  if (o.tokenPattern !== undefined) {
    try {
      new RegExp(o.tokenPattern);
    } catch (err: unknown) {
      throw new StampedeError(
        'E_USAGE',
        `--token-pattern: not a regular expression (${(err as Error).message})`,
      );
    }
  }
  const options: Partial<SinkOptions> = {
    host: o.host,
    smtpPort: o.smtpPort,
    apiPort: o.apiPort,
    domains: domainsFromFlags(o),
    ...(o.tokenPattern !== undefined ? { tokenPattern: o.tokenPattern } : {}),
  };
  const out = o.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  let sink: Awaited<ReturnType<typeof listenSink>>;
  try {
    sink = await listenSink(options);
  } catch (err: unknown) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new StampedeError('E_USAGE', `--port/--api-port: cannot listen on ${o.host} (${code})`);
  }
  out(`mail sink smtp ${o.host}:${sink.smtpPort} api ${sink.apiOrigin}`);
  for (const [domain, l] of Object.entries(options.domains ?? {})) {
    out(
      `  ${domain}: ${l.perS > 0 ? `${l.perS}/s (burst ${l.burst})` : 'no rate limit'}` +
        `${l.perConnection > 0 ? `, ${l.perConnection}/connection` : ''}` +
        `${l.greylistS > 0 ? `, greylist ${l.greylistS} s` : ''}${l.rejectShare > 0 ? `, rejects ${l.rejectShare * 100}%` : ''}`,
    );
  }
  out(
    `  search ${sink.apiOrigin}/api/v1/search?query=to:<address>, stats ${sink.apiOrigin}/api/v1/stampede/stats; Ctrl-C to stop`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      o.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    o.signal?.addEventListener('abort', stop);
    if (o.signal?.aborted) stop();
  });
  await sink.close();
}
