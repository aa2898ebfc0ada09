/**
 * Starts `load-test-server.ts` in a child process and gives its origin, its counters and a stop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

export interface TestServer {
  readonly origin: string;
  stats(): Promise<{ count: number; perSecond: number[] }>;
  stop(): Promise<void>;
}

export async function spawnTestServer(
  mode: 'ok' | 'freeze' | 'slow' | 'unavailable',
  arg = 0,
): Promise<TestServer> {
  const file = fileURLToPath(new URL('./load-test-server.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', file, mode, String(arg)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await once(lines, 'line')) as [string];
  const { port } = JSON.parse(first) as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    async stats() {
      const res = await request(`${origin}/__stats`);
      return (await res.body.json()) as { count: number; perSecond: number[] };
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
