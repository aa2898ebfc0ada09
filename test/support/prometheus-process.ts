/**
 * A real Prometheus (Debian's `prometheus` binary, installed by .ci/run) for telemetry tests:
 * started per test on loopback with a temporary config and TSDB, a 1 s scrape interval and the
 * remote-write receiver enabled, and killed after (its process group). It runs under coreutils
 * `timeout`, so even a test process that dies cannot leave it behind for long.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Whether the prometheus binary is on PATH. */
export function havePrometheus(): boolean {
  return spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A port that was free a moment ago on 127.0.0.1 (Prometheus and --metrics-listen need one up front). */
export async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  s.close();
  await once(s, 'close');
  return port;
}

/** One running Prometheus. */
export interface PrometheusProcess {
  /** e.g. http://127.0.0.1:PORT */
  readonly origin: string;
  readonly remoteWriteUrl: string;
  /** Instant query; the result vector as [labels, value] pairs. */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: number }>>;
  /** Instant query of a range selector: every sample in the range, timestamps in epoch ms. */
  samples(expr: string): Promise<Array<{ metric: Record<string, string>; points: Array<[number, number]> }>>;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus scraping `scrapeTargets` (host:port, job "stampede") every second; resolves
 * once it answers /-/ready. `lifetimeS` bounds the process whatever happens to the test.
 */
export async function startPrometheus(
  dir: string,
  scrapeTargets: readonly string[],
  lifetimeS = 150,
): Promise<PrometheusProcess> {
  const port = await freePort();
  mkdirSync(join(dir, 'tsdb'), { recursive: true });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global: { scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: stampede',
      `    static_configs: [{ targets: [${scrapeTargets.map((t) => `"${t}"`).join(', ')}] }]`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    'timeout',
    [
      '-s',
      'KILL',
      String(lifetimeS),
      'prometheus',
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--log.level=warn',
    ],
    // Its own process group (timeout and prometheus), so stop() kills both at once.
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let log = '';
  child.stderr!.on('data', (d: Buffer) => {
    log += d.toString();
  });
  const exited = once(child, 'exit');
  const origin = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // The whole group: a signal to `timeout` alone may leave prometheus running. TERM first, so
      // that `timeout` outlives and reaps prometheus (no zombie); KILL if it lingers.
      process.kill(-child.pid!, 'SIGTERM');
      const late = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(late);
    }
  };
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${log.slice(-500)}`);
    const ready = await fetch(`${origin}/-/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > until) {
      await stop();
      throw new Error(`prometheus not ready after 30 s: ${log.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    origin,
    remoteWriteUrl: `${origin}/api/v1/write`,
    query: async (expr) => {
      const res = await fetch(`${origin}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      };
      if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
      return (body.data?.result ?? []).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    samples: async (expr) => {
      const res = await fetch(`${origin}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
      };
      if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
      return (body.data?.result ?? []).map((r) => ({
        metric: r.metric,
        points: r.values.map(([t, v]) => [Math.round(t * 1000), Number(v)] as [number, number]),
      }));
    },
    stop,
  };
}
