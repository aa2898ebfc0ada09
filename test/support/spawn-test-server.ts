/**
 * Starts `load-test-server.ts` in a child process and gives its origin, its counters and a stop.
 * Used by the tests and, pinned to a core, by the benchmarks.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { nodeArgsFor } from './compiled-script.js';

/** What `GET /__stats` answers (see load-test-server.ts). */
export interface ServerStats {
  readonly count: number;
  readonly perSecond: (number | null)[];
  readonly firstSecondMs: number;
  readonly freezes: [number, number][];
}

export interface TestServer {
  readonly origin: string;
  stats(): Promise<ServerStats>;
  stop(): Promise<void>;
}

/** Turns the server's command line into the one to run (e.g. behind `taskset`). */
export type Launcher = (cmd: string, args: readonly string[]) => [string, string[]];

export async function spawnTestServer(
  mode: 'ok' | 'freeze' | 'slow' | 'unavailable',
  arg = 0,
  launch: Launcher = (cmd, args) => [cmd, [...args]],
): Promise<TestServer> {
  const file = fileURLToPath(new URL('./load-test-server.ts', import.meta.url));
  const [cmd, args] = launch(process.execPath, [...nodeArgsFor(file), mode, String(arg)]);
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await once(lines, 'line')) as [string];
  const { port } = JSON.parse(first) as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    async stats() {
      const res = await request(`${origin}/__stats`);
      return (await res.body.json()) as ServerStats;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // A server frozen in a busy loop may not take SIGTERM promptly.
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await once(child, 'exit');
      clearTimeout(t);
    },
  };
}
