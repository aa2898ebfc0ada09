/**
 * The `RunObserver` behind `--metrics-listen` and `--remote-write`: owns the run's
 * `LiveTelemetry`, the endpoint and the pusher, scrapes the target's own metrics once per
 * interval to re-export them, and sets the run state (running at t0, draining once an interval
 * past the planned duration closes, finished or aborted at the end).
 *
 * The endpoint listens before the run starts (a port that cannot be had is exit 2 before any
 * load); until t0 it serves an empty body. After the run `close()` keeps it serving the final
 * values until one more scrape has been answered, at most `lingerMs` (15 s by default).
 */
import { basename } from 'node:path';
import { request } from 'undici';
import type { RunFinish, RunObserver, RunStart } from '../driver/run-observer.js';
import { LiveTelemetry } from './live-telemetry.js';
import { MetricsEndpoint } from './metrics-endpoint.js';
import { RemoteWritePusher } from './remote-write-pusher.js';
import { DEFAULT_LINGER_MS, type ListenAddress } from './telemetry-flags.js';

/** The telemetry a `run` asked for. */
export interface TelemetryOptions {
  readonly listen: ListenAddress | null;
  readonly remoteWrite: URL | null;
  readonly lingerMs?: number;
  /** Deadline of one push, ms. */
  readonly pushTimeoutMs?: number;
}

/** The run's telemetry as the coordinator sees it: open before the run, close after it. */
export class TelemetryObserver implements RunObserver {
  readonly #endpoint: MetricsEndpoint | null;
  readonly #remoteWrite: URL | null;
  readonly #lingerMs: number;
  readonly #pushTimeoutMs: number;
  #telemetry: LiveTelemetry | null = null;
  #pusher: RemoteWritePusher | null = null;
  #scrapeTimer: NodeJS.Timeout | null = null;
  #drainAfter = Number.POSITIVE_INFINITY;
  #event: RunStart['event'] = () => undefined;
  #ended = false;

  private constructor(endpoint: MetricsEndpoint | null, opts: TelemetryOptions) {
    this.#endpoint = endpoint;
    this.#remoteWrite = opts.remoteWrite;
    this.#lingerMs = opts.lingerMs ?? DEFAULT_LINGER_MS;
    this.#pushTimeoutMs = opts.pushTimeoutMs ?? 2000;
  }

  /** Opens the endpoint (if asked); null when no telemetry was asked for. */
  static async open(opts: TelemetryOptions): Promise<TelemetryObserver | null> {
    if (opts.listen === null && opts.remoteWrite === null) return null;
    // The endpoint exists before the observer (it must fail before any load); it reads the
    // observer's telemetry through this holder once both exist.
    const holder: { observer: TelemetryObserver | null } = { observer: null };
    const source = {
      get contentType() {
        return holder.observer?.telemetry?.contentType ?? 'text/plain; version=0.0.4; charset=utf-8';
      },
      exposition: async () => (await holder.observer?.telemetry?.exposition()) ?? '',
    };
    const endpoint = opts.listen ? await MetricsEndpoint.listen(opts.listen, source) : null;
    holder.observer = new TelemetryObserver(endpoint, opts);
    return holder.observer;
  }

  /** The scrape URL actually bound, or null without `--metrics-listen`. */
  get url(): string | null {
    return this.#endpoint?.url ?? null;
  }

  /** The live series (null before t0). */
  get telemetry(): LiveTelemetry | null {
    return this.#telemetry;
  }

  started(run: RunStart): void {
    const { meta } = run;
    const t = new LiveTelemetry({
      labels: {
        profile: meta.profile.name,
        run_id: basename(run.outDir),
        shard: meta.shard ? `${meta.shard.index + 1}/${meta.shard.count}` : '1/1',
        engine: meta.engine,
      },
      steps: meta.steps,
    });
    t.setState('running');
    this.#telemetry = t;
    this.#event = run.event;
    this.#drainAfter = Math.ceil((meta.plannedDurationS * 1000) / meta.intervalMs) - 1;
    if (this.#remoteWrite) {
      let reported = false;
      this.#pusher = new RemoteWritePusher({
        url: this.#remoteWrite,
        timeoutMs: this.#pushTimeoutMs,
        onFailure: (reason) => {
          t.remoteWriteFailed();
          // The first failure goes into the run directory at once; the count comes at the end.
          if (!reported) this.#event('remote-write-failed', `${this.#pusher?.target}: ${reason}`);
          reported = true;
        },
      });
    }
    const url = run.metricsUrl;
    if (url !== null) {
      const timeoutMs = Math.min(meta.intervalMs, 2000);
      const scrape = (): void => void this.#scrapeTarget(url, timeoutMs);
      scrape();
      this.#scrapeTimer = setInterval(scrape, meta.intervalMs);
      this.#scrapeTimer.unref();
    }
  }

  snapshot(shard: number, s: Parameters<RunObserver['snapshot']>[1]): void {
    this.#telemetry?.observe(shard, s);
  }

  intervalClosed(index: number): void {
    const t = this.#telemetry;
    if (t === null || this.#ended) return;
    t.intervalClosed(index);
    if (index >= this.#drainAfter && t.state === 'running') t.setState('draining');
    if (this.#pusher) void this.#push(false);
  }

  async finished(end: RunFinish): Promise<void> {
    const t = this.#telemetry;
    if (this.#scrapeTimer) clearInterval(this.#scrapeTimer);
    this.#scrapeTimer = null;
    if (t === null || this.#ended) return;
    this.#ended = true;
    t.intervalClosed(Number.MAX_SAFE_INTEGER);
    t.setState(end.aborted ? 'aborted' : 'finished');
    const pusher = this.#pusher;
    if (pusher === null) return;
    // The final push waits for one under way, so a short run never misses its tail.
    await this.#push(true);
    const s = pusher.stats;
    if (s.failures > 0) {
      this.#event(
        'remote-write-failed',
        `${s.failures} of ${s.pushes} push(es) to ${pusher.target} failed (last: ${s.lastError}); the run's own figures are complete`,
      );
    }
  }

  /**
   * After the run: keeps serving the final values until one more scrape (at most the linger
   * time; not at all when the run never started), then stops the endpoint.
   */
  async close(): Promise<{ lastScraped: boolean }> {
    if (this.#scrapeTimer) clearInterval(this.#scrapeTimer);
    let lastScraped = false;
    if (this.#endpoint) {
      if (this.#ended) lastScraped = await this.#endpoint.lingerForScrape(this.#lingerMs);
      await this.#endpoint.close();
    }
    this.#telemetry?.close();
    return { lastScraped };
  }

  async #push(final: boolean): Promise<void> {
    const t = this.#telemetry;
    if (t === null || this.#pusher === null) return;
    await this.#pusher.push(await t.series(), undefined, final);
  }

  async #scrapeTarget(url: string, timeoutMs: number): Promise<void> {
    try {
      const res = await request(url, { signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.body.text();
      if (res.statusCode === 200 && !this.#ended) this.#telemetry?.targetMetrics(text);
    } catch {
      // The target may be down for maintenance: the last scrape stays until the next answer.
    }
  }
}
