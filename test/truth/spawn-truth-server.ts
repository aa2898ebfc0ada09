/**
 * Starts one of the truth servers of this directory in its own process (so its timing is the
 * server's, never disturbed by the test's event loop or the driver's worker), gives its origin,
 * what it logged (`GET /__truth`) and a stop. Each server takes its parameters as one JSON
 * argument and prints `{"port":N}` on its first stdout line once it listens on 127.0.0.1:0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { nodeArgsFor } from '../support/compiled-script.js';

/** A running truth server. */
export interface TruthServer {
  readonly origin: string;
  /** What the server logged about itself (its own schedule, in epoch ms), as JSON. */
  truth<T>(): Promise<T>;
  stop(): Promise<void>;
}

/** Spawns `file` (a server of test/truth/) with `params`; resolves once it listens. */
export async function spawnTruthServer(file: string, params: object): Promise<TruthServer> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [...nodeArgsFor(path), JSON.stringify(params)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await once(lines, 'line')) as [string];
  const { port } = JSON.parse(first) as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    async truth<T>() {
      const res = await request(`${origin}/__truth`);
      return (await res.body.json()) as T;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // A server inside a busy freeze takes SIGTERM only when the freeze ends.
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await once(child, 'exit');
      clearTimeout(t);
    },
  };
}

/** Epoch ms with sub-ms resolution, the common time base of the servers and the run's t0. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
