/**
 * Test helper (not a test): a reference server in this process whose reset mail goes over real
 * SMTP to a mail sink in its own process (as in a run, so parsing mail never takes this event
 * loop's time from the server), both on 127.0.0.1 at any ports, closed together.
 */
import { type SinkProcess, startSinkProcess } from '../../targets/mail-sink/sink-process.js';
import type { ReferenceConfig } from '../../targets/reference/reference-config.js';
import { listenReference, type ReferenceServer } from '../../targets/reference/server.js';

/** A reference server plus the sink it relays to; `close()` closes both. */
export interface ReferenceWithSink extends ReferenceServer {
  readonly sink: SinkProcess;
}

/** Starts a sink, then the reference server relaying to it. */
export async function listenReferenceWithSink(config: ReferenceConfig): Promise<ReferenceWithSink> {
  const sink = await startSinkProcess({});
  const server = await listenReference(
    config,
    { host: '127.0.0.1', port: 0 },
    { host: '127.0.0.1', port: sink.smtpPort, domains: [] },
  );
  return {
    ...server,
    sink,
    close: async () => {
      await server.close();
      await sink.stop();
    },
  };
}
