/**
 * Maps a transport failure to its outcome class. Codes as undici and Node report them (LIBS.md).
 */
import { Outcome, type OutcomeIndex } from '../vocabulary/outcome.js';

/** Marker put on errors raised by the driver's own request deadline. */
export const DEADLINE_CODE = 'STAMPEDE_DEADLINE';

export function outcomeOfError(err: unknown): OutcomeIndex {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case DEADLINE_CODE:
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return Outcome.timeout;
    case 'ECONNREFUSED':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return Outcome.connect;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return Outcome.reset;
    default:
      if ((err as { name?: unknown } | null)?.name === 'TimeoutError') return Outcome.timeout;
      // Malformed responses (UND_ERR_INFO, HPE_* parse errors) are answers the client cannot use.
      return Outcome.invalid;
  }
}

/** An Error carrying the deadline code, created once per shard and reused for every abort. */
export function deadlineError(): Error {
  const err = new Error('request deadline passed') as Error & { code: string };
  err.code = DEADLINE_CODE;
  return err;
}
