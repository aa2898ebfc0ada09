/**
 * Debian's nginx as a real HTTP/1.1 peer for the transport suite: one worker on 127.0.0.1 on a free
 * port, a private config, pid file, logs and files in a temp dir, run in the foreground as a child
 * of the test and stopped after it. The routes are the ones `node-peer.ts` serves (`PEER_ROUTES`),
 * so one table of cases runs against both. A missing nginx is an error, never a skip: `.ci/run`
 * installs it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIG_BODY_BYTES, UTF8_BODY } from './peer-routes.js';

/** A running peer server. */
export interface PeerServer {
  readonly name: string;
  readonly origin: string;
  stop(): Promise<void>;
}

const NGINX_PATHS = ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx', '/usr/local/bin/nginx'];

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const addr = s.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  s.close();
  await once(s, 'close');
  return port;
}

function config(dir: string, port: number): string {
  return [
    'daemon off;',
    'master_process off;',
    'worker_processes 1;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} warn;`,
    'events { worker_connections 256; }',
    'http {',
    '  access_log off;',
    '  default_type text/plain;',
    '  charset_types text/plain;',
    `  client_body_temp_path ${join(dir, 'body')};`,
    `  proxy_temp_path ${join(dir, 'proxy')};`,
    `  fastcgi_temp_path ${join(dir, 'fastcgi')};`,
    `  uwsgi_temp_path ${join(dir, 'uwsgi')};`,
    `  scgi_temp_path ${join(dir, 'scgi')};`,
    '  keepalive_requests 100000;',
    '  keepalive_timeout 60s;',
    '  server {',
    `    listen 127.0.0.1:${port};`,
    '    location = /ok { return 200 "ok"; }',
    '    location = /status/404 { return 404 "nope"; }',
    '    location = /retry { add_header Retry-After 7 always; return 429 "slow down"; }',
    '    location = /redirect { absolute_redirect off; return 302 /ok; }',
    '    location = /cookies { add_header Set-Cookie a=1; add_header Set-Cookie b=2; add_header X-Other v; return 200 "c"; }',
    '    location = /conn { return 200 "$connection"; }',
    // keepalive_requests 1 makes nginx answer with `connection: close` and close after the answer.
    '    location = /close { keepalive_requests 1; return 200 "$connection"; }',
    `    location = /big { alias ${join(dir, 'big.txt')}; }`,
    `    location = /utf8 { charset utf-8; alias ${join(dir, 'utf8.txt')}; }`,
    // SSI drops the length: nginx sends the file chunked.
    `    location = /chunked { ssi on; ssi_types text/plain; alias ${join(dir, 'chunked.txt')}; }`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Starts nginx with the peer routes; rejects when nginx is missing or does not answer within 5 s. */
export async function startNginxPeer(): Promise<PeerServer> {
  const bin = NGINX_PATHS.find((p) => existsSync(p));
  if (bin === undefined)
    throw new Error('nginx is not installed (.ci/run installs it: apt-get install -y nginx)');
  const dir = mkdtempSync(join(tmpdir(), 'stampede-test-nginx-'));
  writeFileSync(join(dir, 'big.txt'), 'a'.repeat(BIG_BODY_BYTES));
  writeFileSync(join(dir, 'utf8.txt'), UTF8_BODY);
  writeFileSync(join(dir, 'chunked.txt'), 'abcdef');
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, config(dir, port));
  const child: ChildProcess = spawn(bin, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const origin = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 50; i++) {
    try {
      const res = await fetch(`${origin}/ok`);
      await res.arrayBuffer();
      if (res.status === 200) return { name: 'nginx', origin, stop };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`nginx did not start: ${err.trim().split('\n').at(-1) ?? 'no answer'}`);
}
