/**
 * The transports the conformance suite runs on. Every case is written against the Transport
 * interface only; a transport joins the suite by adding its factory here.
 */
import { createHttp1Transport } from '../../harness/transports/http1/http1-transport.js';
import { DEFAULT_HTTP1_PARSER } from '../../harness/transports/http1/response-parsers.js';
import type { Transport } from '../../harness/transports/transport.js';
import { UndiciTransport } from '../../harness/transports/undici-transport.js';

/** What every case may ask of a transport. */
export interface FactoryOptions {
  readonly now: () => number;
  readonly connections: number;
  /** Requests in flight per connection (1: none pipelined). */
  readonly pipelining: number;
}

export interface TransportFactory {
  readonly name: string;
  /**
   * When a socket with pipelined requests fails: true, every request on it fails (`reset`); false,
   * the transport re-sends the ones not yet answered on a new connection (undici does for GETs).
   */
  readonly failsPipelinedTogether: boolean;
  create(origin: string, options: FactoryOptions): Transport;
}

export const TRANSPORT_FACTORIES: readonly TransportFactory[] = [
  {
    name: 'http1 (llhttp-wasm)',
    failsPipelinedTogether: true,
    create: (origin, o) => createHttp1Transport(origin, { ...o, parser: 'llhttp-wasm' }),
  },
  {
    name: 'http1 (llhttp)',
    failsPipelinedTogether: true,
    create: (origin, o) => createHttp1Transport(origin, { ...o, parser: 'llhttp' }),
  },
  {
    name: 'http1 (http-parser-js)',
    failsPipelinedTogether: true,
    create: (origin, o) => createHttp1Transport(origin, { ...o, parser: 'http-parser-js' }),
  },
  {
    name: 'undici',
    failsPipelinedTogether: false,
    create: (origin, o) =>
      new UndiciTransport(origin, { ...o, connectTimeoutMs: 10_000, requestTimeoutMs: 60_000 }),
  },
];

/**
 * The factories for cases about the transport's own logic (queueing, connection choice, deadlines,
 * writes): the http1 parsers differ only in how bytes become responses, which the response, fault
 * and split-head cases hold on every parser, so these run the default parser and undici.
 */
export const LOGIC_FACTORIES: readonly TransportFactory[] = TRANSPORT_FACTORIES.filter(
  (f) => f.name === 'undici' || f.name === `http1 (${DEFAULT_HTTP1_PARSER})`,
);
