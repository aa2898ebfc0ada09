/**
 * The peer tools the suite compares against: wrk, nginx (a target), vegeta. When one is missing and
 * this process runs as root, the suite may `apt-get install` wrk and nginx (nothing else, nothing
 * global besides); a peer it cannot get is skipped with the reason, and its figures are null.
 */
import { execFileSync } from 'node:child_process';

export interface Peer {
  /** Absolute path, or null when unavailable. */
  readonly path: string | null;
  /** Why it is missing (or how it was obtained). */
  readonly note: string;
}

export interface Peers {
  readonly wrk: Peer;
  readonly nginx: Peer;
  readonly vegeta: Peer;
}

function which(cmd: string): string | null {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin']) {
    try {
      execFileSync('test', ['-x', `${dir}/${cmd}`]);
      return `${dir}/${cmd}`;
    } catch {
      // not here
    }
  }
  return null;
}

function aptInstall(pkgs: readonly string[]): string {
  try {
    execFileSync('apt-get', ['update'], { stdio: 'ignore', timeout: 120_000 });
    execFileSync('apt-get', ['install', '-y', ...pkgs], {
      stdio: 'ignore',
      timeout: 300_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return 'installed by the suite (apt-get)';
  } catch (err: unknown) {
    return `apt-get install ${pkgs.join(' ')} failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
}

/** Finds wrk, nginx and vegeta, installing wrk/nginx-light with apt-get when root and missing. */
export function findPeers(): Peers {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const missing = ['wrk', 'nginx'].filter((c) => which(c) === null);
  let installNote = '';
  if (missing.length > 0) {
    installNote = isRoot
      ? aptInstall(missing.map((m) => (m === 'nginx' ? 'nginx-light' : m)))
      : 'not installed and not root (apt-get needs root)';
  }
  const peer = (cmd: string): Peer => {
    const path = which(cmd);
    if (path) return { path, note: missing.includes(cmd) ? installNote : 'found' };
    return { path: null, note: `${cmd} not available: ${installNote || 'not installed'}` };
  };
  const vegeta = which('vegeta');
  return {
    wrk: peer('wrk'),
    nginx: peer('nginx'),
    vegeta: vegeta
      ? { path: vegeta, note: 'found' }
      : { path: null, note: 'vegeta is not installed and is not packaged in Debian; skipped' },
  };
}
