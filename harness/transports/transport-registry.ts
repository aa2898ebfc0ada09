/**
 * The explicit name-to-transport map (STYLE rule 2): what `--engine` names for the open-model
 * driver. A worker builds its transports from the name, so the map holds plain factories.
 */
import { StampedeError } from '../errors.js';
import { createHttp1Transport } from './http1/http1-transport.js';
import type { Transport } from './transport.js';
import { UndiciTransport } from './undici-transport.js';

/** What every transport factory is given besides the origin. */
export interface TransportOptions {
  readonly connections: number;
  readonly pipelining: number;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** The driver's clock reading, ns from t0. */
  readonly now: () => number;
}

export type TransportFactory = (origin: string, opts: TransportOptions) => Transport;

const TRANSPORTS: Readonly<Record<string, TransportFactory>> = {
  undici: (origin, opts) => new UndiciTransport(origin, opts),
  http1: (origin, opts) => createHttp1Transport(origin, opts),
};

/** Names of the wire transports. */
export const TRANSPORT_NAMES = Object.keys(TRANSPORTS);

export function transportFactory(name: string): TransportFactory {
  const f = TRANSPORTS[name];
  if (!f)
    throw new StampedeError('E_USAGE', `unknown transport "${name}" (one of: ${TRANSPORT_NAMES.join(', ')})`);
  return f;
}
