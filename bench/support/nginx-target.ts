/**
 * nginx as the throughput-ceiling target: one worker, `return 200` with a fixed body, listening on
 * 127.0.0.1, its config, pid file and logs in a temp dir, run in the foreground as a child of the
 * suite (pinned to core 1) and stopped at the end. It never touches the system nginx.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, pinned, sleep } from './processes.js';

export interface NginxTarget {
  readonly origin: string;
  stop(): Promise<void>;
}

/** Starts `nginxPath` with a private config; rejects if it does not answer within 5 s. */
export async function startNginx(nginxPath: string): Promise<NginxTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-bench-nginx-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    [
      'daemon off;',
      'master_process on;',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} warn;`,
      'events { worker_connections 1024; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${join(dir, 'body')};`,
      `  proxy_temp_path ${join(dir, 'proxy')};`,
      `  fastcgi_temp_path ${join(dir, 'fastcgi')};`,
      `  uwsgi_temp_path ${join(dir, 'uwsgi')};`,
      `  scgi_temp_path ${join(dir, 'scgi')};`,
      '  keepalive_requests 100000000;',
      '  keepalive_timeout 60s;',
      '  server {',
      `    listen 127.0.0.1:${port};`,
      '    location / { return 200 "ok"; }',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const [c, a] = pinned(1, nginxPath, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')]);
  const child = spawn(c, a, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const origin = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGQUIT: graceful shutdown of master and worker; SIGKILL if it lingers.
      child.kill('SIGQUIT');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await once(child, 'exit');
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 50; i++) {
    try {
      const res = await fetch(`${origin}/`);
      if (res.status === 200) return { origin, stop };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  await stop();
  throw new Error(`nginx did not start: ${err.trim().split('\n').at(-1) ?? 'no answer'}`);
}
