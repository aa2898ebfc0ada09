/**
 * The transports the conformance suite runs on. Every case is written against the Transport
 * interface only; a transport joins the suite by adding its factory here (the undici transport
 * joins when it lands).
 */
import { createHttp1Transport } from '../../harness/transports/http1/http1-transport.js';
import type { Transport } from '../../harness/transports/transport.js';

/** What every case may ask of a transport. */
export interface FactoryOptions {
  readonly now: () => number;
  readonly connections: number;
  /** Requests in flight per connection (1: none pipelined). */
  readonly pipelining: number;
}

export interface TransportFactory {
  readonly name: string;
  create(origin: string, options: FactoryOptions): Transport;
}

export const TRANSPORT_FACTORIES: readonly TransportFactory[] = [
  { name: 'http1', create: (origin, o) => createHttp1Transport(origin, o) },
];
