/**
 * Child-process entry of the reference service, so it never shares the driver's event loop.
 * Reads `{ config, host, port }` as JSON from argv[2], listens, and tells the parent
 * `{ type: 'listening', port, url }` over IPC (or `{ type: 'error', message }`). It exits when
 * told to (SIGTERM/SIGINT) or when the parent goes away (IPC disconnect), so it never outlives
 * the run that started it.
 */
import { errorMessage } from '../../harness/errors.js';
import type { ReferenceConfig, ReferenceMailRoute } from './reference-config.js';
import { listenReference } from './server.js';

/** The argv[2] payload. */
export interface ServerMainArgs {
  readonly config: ReferenceConfig;
  readonly host: string;
  readonly port: number;
  /** Where reset mail goes (the run's mail sink). */
  readonly mail: ReferenceMailRoute;
}

/** Messages the child sends its parent. */
export type ServerMainMessage =
  | { readonly type: 'listening'; readonly port: number; readonly url: string }
  | { readonly type: 'error'; readonly message: string };

function tell(msg: ServerMainMessage): void {
  process.send?.(msg);
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as ServerMainArgs;
  const server = await listenReference(args.config, { host: args.host, port: args.port }, args.mail);
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  // Forked by a run, a terminal's Ctrl-C reaches this process too (same process group), but the
  // run still needs the service while it drains and writes its results: the parent stops it
  // (SIGTERM or disconnect). Standalone, Ctrl-C stops it.
  process.on('SIGINT', process.send ? () => undefined : shutdown);
  process.on('disconnect', shutdown);
  tell({ type: 'listening', port: server.port, url: server.url });
}

main().catch((err: unknown) => {
  tell({ type: 'error', message: errorMessage(err) });
  process.exitCode = 1;
  process.disconnect?.();
});
