/**
 * The plug-in point below the session: sends one request and reports what happened to it. A
 * transport knows sockets (or a model of the backend); it knows nothing of flows, retries or
 * recording. Implementations: `undici-transport.ts` (the conformance reference), the lean
 * HTTP/1.1 transport over `node:net`, the scripted transport of the tests, the reference model in
 * virtual time.
 *
 * Contract:
 * - `send` never throws and never calls back synchronously (but `onWritten`, below): every
 *   request ends in exactly one `onResponse` or `onFailure` call on its exchange, later, unless
 *   `cancel` was called first (then it ends in `onFailure` with the class given to `cancel`,
 *   exactly once).
 * - `onWritten` is called at most once, when the request's bytes are handed to the socket (or,
 *   for a model, when the request reaches the server): the start of service time. Time spent
 *   queued in the client for a connection comes before it. It may come inside `send` (the
 *   reference model: the request reaches the server as it is sent), so the exchange must be ready
 *   for it before calling `send`.
 * - Times are the transport's reading of the driver's Clock (ns from t0) at the event.
 * - One exchange has at most one request in flight; the transport may keep a reference to it
 *   only until it has called `onResponse`/`onFailure`.
 */
import type { RequestSpec } from '../../targets/target.js';
import type { OutcomeIndex } from '../vocabulary/outcome.js';

/** Response headers the session may read (names lower-case). */
export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** The receiving side of one request: the driver's exchange for it, reused for a later request once this one has ended. */
export interface Exchange {
  /**
   * The transport's own record of this exchange's request in flight, or null: written and read
   * only by the transport the request was sent on (so `cancel` finds it without a lookup table).
   * Implementations start it as null and leave it alone. The http1 transport and the reference
   * model keep their ticket here (simulate's region probe, a decorator, keeps its watcher here
   * for the requests it watches and hands the inner transport the watcher as their exchange);
   * undici's keeps a table instead, which it also walks to cancel what is in flight when it closes.
   */
  wire: unknown;
  onWritten(atNs: number): void;
  /** `body` is the decoded body when the request asked for it, else undefined. */
  onResponse(atNs: number, status: number, headers: ResponseHeaders, body: string | undefined): void;
  /** A failure without a usable response: a transport outcome class (timeout, connect, reset, invalid). */
  onFailure(atNs: number, outcome: OutcomeIndex, detail: string): void;
}

export interface Transport {
  /** Name recorded in the run directory (`undici`, `http1`, `model`, `scripted`). */
  readonly name: string;
  /**
   * Opens connections ahead of the first request (no request is sent), so the run's first
   * second is not spent connecting. Resolves when ready or when it gave up (never rejects).
   */
  warm(): Promise<void>;
  /** Sends `req`; `wantBody` asks for the body to be decoded and handed back. */
  send(req: RequestSpec, wantBody: boolean, ex: Exchange): void;
  /**
   * Ends `ex`'s request now, whether it is on the wire or still queued in the client: it ends in
   * `onFailure(outcome)` (a deadline: `timeout`; the run's end: `cancelled`). No-op when `ex` has
   * nothing in flight.
   */
  cancel(ex: Exchange, outcome: OutcomeIndex): void;
  /** Closes every connection; requests still in flight end as `cancelled`. */
  close(): Promise<void>;
}
