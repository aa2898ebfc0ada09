/**
 * Worker-thread entry: rebuilds the target from its spec (through the registry: the worker
 * knows no concrete target), opens its connections ahead, says `ready`, waits for the shared t0,
 * runs one shard on the real clock and streams interval snapshots to the coordinator. A failure
 * is reported as a message before the thread exits, so the coordinator marks the run degraded
 * and keeps every interval already shipped.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { GeneratorHealth } from '../../reports/recorder/interval-snapshot.js';
import { createTarget } from '../../targets/registry.js';
import { errorMessage } from '../errors.js';
import { transportFactory } from '../transports/transport-registry.js';
import { RealClock } from './real-clock.js';
import { Scheduler } from './scheduler.js';
import type { CoordinatorMessage, ShardConfig, ShardMessage } from './shard-config.js';

const cfg = workerData as ShardConfig;
const port = parentPort!;
const send = (m: ShardMessage): void => port.postMessage(m);

/** Event-loop delay and utilization of this thread since the previous call. */
function healthSampler(): () => GeneratorHealth {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let elu = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const d = performance.eventLoopUtilization(now, elu);
    elu = now;
    const p99 = delay.count > 0 ? delay.percentile(99) / 1e3 : 0;
    delay.reset();
    return { loopDelayP99Us: Math.round(p99), busy: Math.round(d.utilization * 1000) / 1000 };
  };
}

async function main(): Promise<void> {
  const target = await createTarget(cfg.target);
  let clock: RealClock | null = null;
  const make = transportFactory(cfg.transport);
  const options = {
    connections: cfg.connections,
    pipelining: cfg.pipelining,
    connectTimeoutMs: cfg.connectTimeoutMs,
    requestTimeoutMs: cfg.requestTimeoutMs,
    now: () => clock!.now(),
  };
  // Connections open before t0 (no request is sent), so the first second is not spent connecting.
  const main = make(target.origin(), options);
  await main.warm();
  const t0 = await new Promise<CoordinatorMessage | null>((resolve) => {
    port.on('message', (m: CoordinatorMessage) => resolve(m.type === 'start' ? m : null));
    send({ type: 'ready', worker: cfg.worker });
  });
  if (t0 === null || t0.type !== 'start') {
    // A stop before the start: nothing was fired, nothing to record.
    await main.close();
    send({ type: 'done', worker: cfg.worker, cancelled: 0 });
    return;
  }
  clock = new RealClock(t0.t0);
  const scheduler = new Scheduler(
    {
      profile: cfg.profile,
      shard: cfg.shard,
      intervalMs: cfg.intervalMs,
      maxInFlight: cfg.maxInFlight,
      requestTimeoutMs: cfg.requestTimeoutMs,
      drainMs: cfg.drainMs,
      t0EpochMs: t0.t0.epochMs,
    },
    {
      clock,
      target,
      transportFor: (origin) => (origin === target.origin() ? main : make(origin, options)),
      onSnapshot: (snapshot) => send({ type: 'snapshot', worker: cfg.worker, snapshot }),
      health: healthSampler(),
    },
  );
  port.on('message', (m: CoordinatorMessage) => {
    if (m.type === 'stop') scheduler.stop(m.graceMs);
  });
  const result = await scheduler.run();
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
