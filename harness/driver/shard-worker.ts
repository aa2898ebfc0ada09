/**
 * Worker-thread entry: rebuilds the target from its spec, says `ready`, waits for the shared t0,
 * runs one shard and streams interval snapshots to the coordinator. A failure is reported as a
 * message before the thread exits, so the coordinator marks the run degraded and keeps every
 * interval already shipped.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createTarget } from '../../targets/registry.js';
import { errorMessage } from '../errors.js';
import type { CoordinatorMessage, ShardConfig, ShardMessage } from './shard-config.js';
import { ShardRunner } from './shard-runner.js';

const cfg = workerData as ShardConfig;
const port = parentPort!;
const send = (m: ShardMessage): void => port.postMessage(m);

async function main(): Promise<void> {
  const target = await createTarget(cfg.target);
  const runner = await new Promise<ShardRunner | null>((resolve) => {
    port.on('message', (m: CoordinatorMessage) => {
      if (m.type === 'start') {
        resolve(
          new ShardRunner(cfg, m.t0Ms, target, (snapshot) =>
            send({ type: 'snapshot', worker: cfg.worker, snapshot }),
          ),
        );
      } else if (m.type === 'stop') {
        // A stop before the start: nothing was fired, nothing to record.
        resolve(null);
      }
    });
    send({ type: 'ready', worker: cfg.worker });
  });
  if (!runner) {
    send({ type: 'done', worker: cfg.worker, cancelled: 0 });
    return;
  }
  port.on('message', (m: CoordinatorMessage) => {
    if (m.type === 'stop') runner.stop(m.graceMs);
  });
  const result = await runner.run();
  send({ type: 'done', worker: cfg.worker, cancelled: result.cancelled });
}

main().then(
  () => port.close(),
  (err: unknown) => {
    send({ type: 'error', worker: cfg.worker, message: errorMessage(err) });
    process.exitCode = 1;
    port.close();
  },
);
