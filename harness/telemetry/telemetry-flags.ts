/**
 * The `run` command's telemetry flags as typed values: `--metrics-listen HOST:PORT` (loopback
 * unless `--allow-remote`, as `serve` does, so run figures are never published by accident) and
 * `--remote-write URL`. Each bad value is one line naming the flag (exit 2).
 */
import { isIP } from 'node:net';
import { isLoopbackHost } from '../../targets/http/loopback.js';
import { StampedeError } from '../errors.js';

/**
 * How long, at most, the endpoint waits after the run for a last scrape. Here beside the flags
 * rather than in the observer, so `run --help` states it without loading the observer.
 */
export const DEFAULT_LINGER_MS = 15_000;

/** Where the endpoint listens. */
export interface ListenAddress {
  /** Host to bind (brackets stripped from IPv6). */
  readonly host: string;
  /** 0 = any free port (the bound URL is printed). */
  readonly port: number;
  /** As the user wrote it, for messages. */
  readonly text: string;
}

/** `--metrics-listen 127.0.0.1:9464` | `[::1]:9464` | `localhost:0`. */
export function parseMetricsListen(value: unknown, allowRemote: boolean): ListenAddress | null {
  if (value === undefined) return null;
  if (typeof value !== 'string') {
    throw new StampedeError('E_USAGE', '--metrics-listen: give it once, as HOST:PORT (e.g. 127.0.0.1:9464)');
  }
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(value.trim());
  const host = m ? (m[1] ?? m[2] ?? '') : '';
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535 || (m[1] !== undefined && isIP(host) !== 6)) {
    throw new StampedeError(
      'E_USAGE',
      `--metrics-listen: "${value}" is not HOST:PORT with a port 0-65535 (e.g. 127.0.0.1:9464, [::1]:9464)`,
    );
  }
  if (!isLoopbackHost(host) && !allowRemote) {
    throw new StampedeError(
      'E_USAGE',
      `--metrics-listen: "${host}" is not loopback; pass --allow-remote to publish the run's metrics on it`,
    );
  }
  return { host, port, text: value };
}

/** `--remote-write http(s)://host:port/api/v1/write`. */
export function parseRemoteWrite(value: unknown): URL | null {
  if (value === undefined) return null;
  if (typeof value !== 'string') {
    throw new StampedeError('E_USAGE', '--remote-write: give it once, as a URL');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StampedeError(
      'E_USAGE',
      `--remote-write: "${value}" is not a URL (e.g. http://127.0.0.1:9090/api/v1/write)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StampedeError('E_USAGE', `--remote-write: "${value}" is not an http(s) URL`);
  }
  return url;
}
