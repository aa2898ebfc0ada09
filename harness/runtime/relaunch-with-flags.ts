/**
 * Runs the CLI again in a child Node process with V8 flags a command needs, when the current
 * process lacks them. V8 sizes its heap spaces when the process starts: `v8.setFlagsFromString`
 * later does not change the young generation (measured: `--max-semi-space-size=64` set at run
 * time left the new space at its default 32 MB), so a flag has to be on the command line.
 *
 * `stampede simulate` is the one user: a simulated day allocates a request, an answer and its
 * strings per request, and its sessions live for seconds to minutes of virtual time, so with the
 * default 16 MB semi-space the short-lived objects of a take-down herd survive two scavenges and
 * are promoted (then collected again by the old generation's mark-compact). With 64 MB the
 * 10-minute chunk of the psn-relaunch day (bench/README.md) took 12 % less CPU (49.7 -> 43.8 s)
 * and no more memory (1,532 -> 1,487 MB peak RSS); 128 MB gave no more. The real engines keep the
 * default: a bigger semi-space means longer scavenge pauses in the send loop.
 */
import { spawn } from 'node:child_process';
import { ExitCode } from '../errors.js';

/** V8 flags `stampede simulate` runs with. */
export const SIMULATE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/** Set in the child, so it never relaunches again whatever its flags say. */
const RELAUNCHED = 'STAMPEDE_RELAUNCHED';

/** Whether the process must relaunch to get `flags` (none given on the command line yet). */
export function needsRelaunch(flags: readonly string[]): boolean {
  if (process.env[RELAUNCHED] === '1') return false;
  return flags.some((f) => {
    const name = f.split('=', 1)[0]!;
    return !process.execArgv.some((a) => a === f || a.startsWith(`${name}=`));
  });
}

/**
 * Runs this CLI's command line again with `flags` in a child (same stdio, same loader options),
 * and resolves with its exit code, or null when the child could not be started (then the caller
 * runs the command itself, without the flags). Ctrl-C and SIGTERM reach the child (a terminal's Ctrl-C
 * already does; a SIGTERM sent to this process is passed on), which writes its partial results
 * and exits 130; this process waits for it.
 */
export function relaunchWith(flags: readonly string[]): Promise<number | null> {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [RELAUNCHED]: '1' },
  });
  const pass = (signal: NodeJS.Signals) => (): void => {
    child.kill(signal);
  };
  const onInt = pass('SIGINT');
  const onTerm = pass('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise((resolve) => {
    const done = (code: number | null): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code);
    };
    child.on('error', () => done(null));
    // Killed by a signal before it could exit on its own: interrupted, or an internal failure.
    const bySignal = (signal: NodeJS.Signals | null): number =>
      signal === 'SIGINT' || signal === 'SIGTERM' ? ExitCode.interrupted : ExitCode.internal;
    child.on('exit', (code, signal) => done(code ?? bySignal(signal)));
  });
}
