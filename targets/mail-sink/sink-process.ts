/**
 * The client side of the sink's child process: `startSinkProcess` forks `sink-main`, waits until
 * it listens (ports chosen by the OS when 0, reported back over IPC), reads its stats over IPC and
 * stops it (SIGTERM, SIGKILL after a grace period). Targets call this from their `start()`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { errorMessage, StampedeError } from '../../harness/errors.js';
import { entryPoint } from '../../harness/runtime/entry-point.js';
import type { MailStats } from './mail-stats.js';
import type { SinkMainMessage, SinkMainRequest } from './sink-main.js';
import type { SinkOptions } from './sink-options.js';

/** A sink running in its own process. */
export interface SinkProcess {
  readonly host: string;
  readonly smtpPort: number;
  readonly apiOrigin: string;
  readonly pid: number | undefined;
  /** The sink's figures now (rejects if the child is gone or does not answer in time). */
  stats(): Promise<MailStats>;
  /** Stops the child; resolves once it exited. Safe to call twice. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;
const STATS_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** Forks the sink with `options` and resolves once it listens. */
export async function startSinkProcess(
  options: Partial<SinkOptions>,
  signal?: AbortSignal,
): Promise<SinkProcess> {
  const entry = entryPoint(import.meta.url, './sink-main');
  const child = fork(entry.file, [JSON.stringify(options)], {
    execArgv: entry.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(signal ? { signal } : {}),
  });
  // An aborted fork emits 'error' after our listeners are gone; it must not crash the parent.
  child.on('error', () => undefined);
  let listening: Extract<SinkMainMessage, { type: 'listening' }>;
  try {
    listening = await waitFor(child, 'listening', START_TIMEOUT_MS);
  } catch (err: unknown) {
    child.kill('SIGKILL');
    throw new StampedeError('E_TARGET_UNREACHABLE', `mail sink did not start: ${errorMessage(err)}`);
  }
  const host = options.host ?? '127.0.0.1';
  return {
    host,
    smtpPort: listening.smtpPort,
    apiOrigin: listening.apiOrigin,
    pid: child.pid,
    stats: async () => {
      if (!child.connected) throw new Error('mail sink: process is gone');
      const answer = waitFor(child, 'stats', STATS_TIMEOUT_MS);
      child.send({ type: 'stats' } satisfies SinkMainRequest);
      return (await answer).stats;
    },
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Resolves with the child's next message of `type`; rejects on an error message, exit or timeout. */
function waitFor<T extends SinkMainMessage['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<SinkMainMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no ${type} answer after ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: SinkMainMessage): void => {
      if (m.type === type) finish(undefined, m as Extract<SinkMainMessage, { type: T }>);
      else if (m.type === 'error') finish(new Error(m.message));
    };
    const onExit = (code: number | null, sig: string | null): void =>
      finish(new Error(`child exited (${sig ?? `code ${code}`})`));
    const onError = (err: Error): void => finish(err);
    function finish(err: Error | undefined, value?: Extract<SinkMainMessage, { type: T }>): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
      if (err || value === undefined) reject(err ?? new Error('no answer'));
      else resolve(value);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.on('error', onError);
  });
}
