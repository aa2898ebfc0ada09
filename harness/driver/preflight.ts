/**
 * Preflight: before the first arrival, check that the target's origin accepts a TCP connection at
 * all. A run against nothing would fire its whole profile into connect errors and report a wall of
 * them; one line and exit 2 says the same thing at once. Only reachability is checked: a server
 * that answers slowly, badly or with errors is what a surge is there to measure.
 */
import { connect } from 'node:net';
import { StampedeError } from '../errors.js';

/** How long the connect may take before the target counts as unreachable. */
export const PREFLIGHT_TIMEOUT_MS = 2_000;

/** Plain words for the connect failures a user meets. */
const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  ECONNRESET: 'connection reset',
};

/**
 * Resolves when `origin` (`http://host:port`) accepts a TCP connection within `timeoutMs`;
 * otherwise throws `StampedeError('E_TARGET_UNREACHABLE')` with a one-line message naming the
 * origin, the reason and `--no-preflight`.
 */
export async function checkReachable(origin: string, timeoutMs = PREFLIGHT_TIMEOUT_MS): Promise<void> {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw unreachable(origin, 'not a URL');
  }
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  // URL keeps IPv6 hosts bracketed; net.connect wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const failure = await new Promise<string | null>((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(`no connection within ${timeoutMs} ms`);
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(null);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(REASONS[err.code ?? ''] ?? err.code ?? err.message);
    });
  });
  if (failure !== null) throw unreachable(origin, failure);
}

function unreachable(origin: string, why: string): StampedeError {
  return new StampedeError(
    'E_TARGET_UNREACHABLE',
    `target not reachable at ${origin}: ${why} (use --no-preflight to run anyway)`,
  );
}
