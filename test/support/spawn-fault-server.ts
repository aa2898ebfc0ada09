/**
 * Starts `fault-server.ts` in a child process and gives its origin, whether it is still alive, and
 * a stop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { nodeArgsFor } from './compiled-script.js';

/** The misbehaviours `fault-server.ts` knows. */
export type FaultMode =
  | 'reset'
  | 'hang'
  | 'stall-body'
  | 'garbage'
  | 'close-after'
  | 'huge'
  | 'trickle'
  | 'die-after';

export interface FaultServer {
  readonly origin: string;
  /** Exit code once the process has exited (die-after), else null. */
  exitCode(): number | null;
  stop(): Promise<void>;
}

export async function spawnFaultServer(mode: FaultMode, arg = 0): Promise<FaultServer> {
  const file = fileURLToPath(new URL('./fault-server.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [...nodeArgsFor(file), mode, String(arg)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await once(lines, 'line')) as [string];
  const { port } = JSON.parse(first) as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    exitCode: () => child.exitCode,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
