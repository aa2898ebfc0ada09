/**
 * The open-model engine: the driver (scheduler and sessions on the real clock) over a wire
 * transport, one shard per worker thread. Each worker walks the whole arrival stream and keeps
 * its slice (seq mod shards), so together they fire exactly the profile's arrivals; the
 * coordinator merges their snapshots exactly. One engine per transport (`--engine undici|http1`).
 */
import { Worker } from 'node:worker_threads';
import type { Shard } from '../arrivals/arrival.js';
import type { CoordinatorMessage, ShardConfig, ShardMessage } from '../driver/shard-config.js';
import { entryPoint } from '../runtime/entry-point.js';
import type { Engine, EngineRunOptions } from './engine.js';

/** How long sessions in flight get to finish after a stop request. */
const STOP_GRACE_MS = 2_000;

/** Worker `w` of `workers` inside the global shard: seq ≡ shard.index + shard.count*w (mod count*workers). */
function workerShard(global: Shard | null, w: number, workers: number): Shard {
  const g = global ?? { index: 0, count: 1 };
  return { index: g.index + g.count * w, count: g.count * workers };
}

/** The open-model engine over the named transport. */
export function openModelEngine(transport: string): Engine {
  return {
    name: transport,
    latencyModel: 'intended-time',
    shardCount: ({ workers }) => workers,

    async run(opts: EngineRunOptions): Promise<void> {
      const { profile, target, workers, sink, signal } = opts;
      const client = profile.client;
      const entry = entryPoint(import.meta.url, '../driver/shard-worker');
      const perWorker = (n: number): number => Math.max(1, Math.ceil(n / workers));
      const threads: Worker[] = [];
      const finished: Promise<void>[] = [];
      let ready = 0;

      const broadcast = (m: CoordinatorMessage): void => {
        for (const t of threads) t.postMessage(m);
      };

      for (let w = 0; w < workers; w++) {
        const cfg: ShardConfig = {
          profile,
          target: target.spec(),
          transport,
          shard: workerShard(opts.shard, w, workers),
          worker: w,
          intervalMs: opts.intervalMs,
          maxInFlight: perWorker(client.maxInFlight),
          connections: perWorker(client.connections),
          pipelining: client.pipelining,
          connectTimeoutMs: client.connectTimeoutS * 1000,
          requestTimeoutMs: client.requestTimeoutS * 1000,
          drainMs: opts.drainMs,
        };
        // execArgv [] : a worker must not inherit a test runner's loader flags.
        const thread = new Worker(entry.workerUrl, { workerData: cfg, execArgv: [] });
        threads.push(thread);
        finished.push(
          new Promise<void>((resolve) => {
            let settled = false;
            const settle = (failure: string | null, cancelled = 0): void => {
              if (settled) return;
              settled = true;
              if (failure === null) sink.shardDone(w, cancelled);
              else sink.shardFailed(w, failure);
              resolve();
            };
            thread.on('message', (m: ShardMessage) => {
              switch (m.type) {
                case 'ready':
                  if (++ready === workers) {
                    broadcast({ type: 'start', t0: sink.started() });
                  }
                  break;
                case 'snapshot':
                  sink.snapshot(w, m.snapshot);
                  break;
                case 'done':
                  settle(null, m.cancelled);
                  break;
                case 'error':
                  settle(`worker ${w} failed: ${m.message}`);
                  break;
              }
            });
            thread.on('error', (err) => settle(`worker ${w} crashed: ${err.message}`));
            thread.on('exit', (code) =>
              settle(code === 0 ? `worker ${w} exited early` : `worker ${w} exited with code ${code}`),
            );
          }),
        );
      }

      const onAbort = (): void => broadcast({ type: 'stop', graceMs: STOP_GRACE_MS });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      try {
        await Promise.all(finished);
      } finally {
        signal.removeEventListener('abort', onAbort);
        await Promise.all(threads.map((t) => t.terminate()));
      }
    },
  } satisfies Engine;
}
