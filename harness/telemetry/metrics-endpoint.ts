/**
 * The Prometheus endpoint of `--metrics-listen`: a node:http server answering `GET /metrics`
 * with the live series, rendered at request time on the main thread (the workers that send the
 * load never see a scrape). After the run it keeps serving the final values until it has been
 * scraped once more, bounded (`lingerForScrape`), so a scraper never misses the end of a run.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage, StampedeError } from '../errors.js';
import type { ListenAddress } from './telemetry-flags.js';

/** What the endpoint serves. */
export interface ExpositionSource {
  readonly contentType: string;
  exposition(): Promise<string>;
}

/** One `--metrics-listen` server; `listen` to create, `close` to stop. */
export class MetricsEndpoint {
  readonly #server: Server;
  readonly #source: ExpositionSource;
  /** Resolvers waiting for the next scrape that starts after they were registered. */
  #waiters: Array<() => void> = [];
  #scrapes = 0;

  private constructor(server: Server, source: ExpositionSource) {
    this.#server = server;
    this.#source = source;
    server.on('request', (req, res) => void this.#handle(req, res));
  }

  /** Listens on `addr`; a port that cannot be had is a usage error naming the flag (exit 2). */
  static async listen(addr: ListenAddress, source: ExpositionSource): Promise<MetricsEndpoint> {
    const server = createServer();
    const endpoint = new MetricsEndpoint(server, source);
    server.listen(addr.port, addr.host);
    try {
      await Promise.race([
        once(server, 'listening'),
        once(server, 'error').then(([err]) => Promise.reject(err)),
      ]);
    } catch (err: unknown) {
      const code = (err as { code?: unknown }).code;
      throw new StampedeError(
        'E_USAGE',
        `--metrics-listen: cannot listen on ${addr.text} (${typeof code === 'string' ? code : errorMessage(err)})`,
      );
    }
    // A scraper's keep-alive connection must not hold the process open after the run.
    server.unref();
    return endpoint;
  }

  /** The scrape URL, with the port actually bound (useful with port 0). */
  get url(): string {
    const a = this.#server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}/metrics`;
  }

  /** Scrapes answered so far. */
  get scrapes(): number {
    return this.#scrapes;
  }

  /**
   * Resolves true once a scrape that began after this call has been answered (it saw the values
   * as they are now), or false after `maxMs` without one.
   */
  lingerForScrape(maxMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== done);
        resolve(false);
      }, maxMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.#waiters.push(done);
    });
  }

  /** Stops listening and drops open connections (a scraper's keep-alive socket included). */
  async close(): Promise<void> {
    const closed = once(this.#server, 'close');
    this.#server.close();
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('stampede: the metrics are at /metrics\n');
      return;
    }
    // Taken before rendering: these waiters are answered with values rendered after they asked.
    const due = this.#waiters.splice(0);
    try {
      const body = await this.#source.exposition();
      res.writeHead(200, { 'content-type': this.#source.contentType });
      res.end(req.method === 'HEAD' ? undefined : body, () => {
        this.#scrapes++;
        for (const w of due) w();
      });
    } catch (err: unknown) {
      // Back in line for the next scrape: this one did not deliver the values.
      this.#waiters.push(...due);
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`stampede: ${errorMessage(err)}\n`);
    }
  }
}
