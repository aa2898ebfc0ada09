/**
 * One mail sink, in this process: the SMTP side and the HTTP API over one store and one stats
 * recorder. The run's child process (`sink-main.ts`) and `stampede mail-sink` both call this; a
 * run never calls it in the generator's process (parsing mail would take the generator's CPU).
 */
import type { MailStats } from './mail-stats.js';
import { listenMailApi } from './mailpit-api.js';
import { MessageStore } from './message-store.js';
import { resolveSinkOptions, type SinkOptions } from './sink-options.js';
import { SinkStats } from './sink-stats.js';
import { listenSmtpSink } from './smtp-sink.js';
import { tokenExtractor } from './token-extract.js';

/** A listening sink. */
export interface RunningSink {
  readonly smtpPort: number;
  readonly apiPort: number;
  /** `http://host:port` of the API. */
  readonly apiOrigin: string;
  stats(): MailStats;
  close(): Promise<void>;
}

/** Starts the sink with `options` (checked here) and resolves once both sides listen. */
export async function listenSink(options: Partial<SinkOptions>): Promise<RunningSink> {
  const o = resolveSinkOptions(options);
  const store = new MessageStore(o.keep);
  const stats = new SinkStats();
  const smtp = await listenSmtpSink(
    { domains: o.domains, store, stats, extract: tokenExtractor(o.tokenPattern) },
    o.host,
    o.smtpPort,
  );
  let api: Awaited<ReturnType<typeof listenMailApi>>;
  try {
    api = await listenMailApi(store, () => stats.snapshot(), o.host, o.apiPort);
  } catch (err: unknown) {
    await smtp.close();
    throw err;
  }
  return {
    smtpPort: smtp.port,
    apiPort: api.port,
    apiOrigin: api.origin,
    stats: () => stats.snapshot(),
    close: async () => {
      await Promise.all([smtp.close(), api.close()]);
    },
  };
}
