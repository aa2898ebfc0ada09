/**
 * Child-process entry of the mail sink, so parsing mail never shares the generator's event loop
 * or CPU accounting. Reads `SinkOptions` as JSON from argv[2], listens, and tells the parent
 * `{ type: 'listening', smtpPort, apiPort, apiOrigin }` over IPC (or `{ type: 'error', message }`).
 * Answers `{ type: 'stats' }` with `{ type: 'stats', stats }`. Exits on SIGTERM or when the parent
 * goes away (IPC disconnect), so it never outlives the run that started it.
 */
import { errorMessage } from '../../harness/errors.js';
import { listenSink } from './listen-sink.js';
import type { MailStats } from './mail-stats.js';
import type { SinkOptions } from './sink-options.js';

/** Messages the child sends its parent. */
export type SinkMainMessage =
  | {
      readonly type: 'listening';
      readonly smtpPort: number;
      readonly apiPort: number;
      readonly apiOrigin: string;
    }
  | { readonly type: 'stats'; readonly stats: MailStats }
  | { readonly type: 'error'; readonly message: string };

/** Messages the parent sends the child. */
export type SinkMainRequest = { readonly type: 'stats' };

function tell(msg: SinkMainMessage): void {
  process.send?.(msg);
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as Partial<SinkOptions>;
  const sink = await listenSink(options);
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    void sink.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  // A terminal's Ctrl-C reaches this child too, but the run still reads its stats while it
  // drains: the parent stops it.
  process.on('SIGINT', () => undefined);
  process.on('disconnect', shutdown);
  process.on('message', (m: SinkMainRequest) => {
    if (m.type === 'stats') tell({ type: 'stats', stats: sink.stats() });
  });
  tell({ type: 'listening', smtpPort: sink.smtpPort, apiPort: sink.apiPort, apiOrigin: sink.apiOrigin });
}

main().catch((err: unknown) => {
  tell({ type: 'error', message: errorMessage(err) });
  process.exitCode = 1;
  process.disconnect?.();
});
