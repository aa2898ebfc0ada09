/**
 * The loopback guard: a target file may only point the load at this machine unless the user
 * names the host in `allowHosts`, so a typo in a baseUrl never floods someone else's service.
 */
import { isIP } from 'node:net';

/** Whether `hostname` (as in URL.hostname, IPv6 in brackets or not) is this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  // IPv4-mapped IPv6 loopback, e.g. ::ffff:127.0.0.1 (URL normalizes it to ::ffff:7f00:1).
  return /^::ffff:(127\.|7f[0-9a-f]{2}:)/.test(h);
}

/** Undefined when `url`'s host may be loaded; otherwise the one-line reason. */
export function hostRefusal(url: URL, allowHosts: readonly string[]): string | undefined {
  if (isLoopbackHost(url.hostname)) return undefined;
  const bare = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (allowHosts.some((h) => h.toLowerCase() === bare || h.toLowerCase() === url.host.toLowerCase())) {
    return undefined;
  }
  return `host "${bare}" is not loopback; add it to allowHosts to load-test it`;
}
