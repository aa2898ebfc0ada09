/**
 * The scheduler's view of its sessions: a Session cursor that also reads and writes the wire-side
 * bookkeeping the pure session must not hold (which waiting state it is counted in, whether it is
 * being cancelled), in the same 64-byte record; and the Exchange a transport holds for one
 * session's request in flight (`SlotExchange`), which carries the deadline ticket and the request.
 *
 * A session waiting holds no object: only its record. Exchanges exist for requests in flight and
 * are reused from a pool once a request ends.
 */

import type { RequestSpec } from '../../targets/target.js';
import type { Exchange, ResponseHeaders } from '../transports/transport.js';
import type { OutcomeIndex } from '../vocabulary/outcome.js';
import { Session } from './session.js';
import { B_STATE, STATE_CANCELLING, STATE_IN_BACKOFF, STATE_WHERE } from './session-records.js';

/** Where a slot's session is, for the backlog gauges. */
export const SlotState = {
  Idle: 0,
  /** In the timer heap: think, backoff, poll wait. */
  Waiting: 1,
  /** Handed to the transport, not yet written: queued in the client. */
  Queued: 2,
  /** Written, not yet answered: at the target. */
  AtTarget: 3,
} as const;
export type SlotState = (typeof SlotState)[keyof typeof SlotState];

/** What an exchange reports to (the scheduler). */
export interface SlotHost {
  written(ex: SlotExchange, atNs: number): void;
  response(
    ex: SlotExchange,
    atNs: number,
    status: number,
    headers: ResponseHeaders,
    body: string | undefined,
  ): void;
  failure(ex: SlotExchange, atNs: number, outcome: OutcomeIndex): void;
  /** The attempt number of session `id`'s current step. */
  attemptOf(id: number): number;
}

/** A Session cursor with the scheduler's bookkeeping of the session it is at. */
export class SessionSlot extends Session {
  /** Where the session is (named apart from the session's own `state`, what targets read). */
  get where(): SlotState {
    return (this.u8v[this.b64 + B_STATE]! & STATE_WHERE) as SlotState;
  }
  set where(w: SlotState) {
    this.setBits_(B_STATE, STATE_WHERE, w);
  }

  /** Counted among the sessions waiting to retry. */
  get inBackoff(): boolean {
    return (this.u8v[this.b64 + B_STATE]! & STATE_IN_BACKOFF) !== 0;
  }
  set inBackoff(v: boolean) {
    this.setBits_(B_STATE, STATE_IN_BACKOFF, v ? STATE_IN_BACKOFF : 0);
  }

  /** The run is ending: the request in flight ends as cancelled, not as a failure to retry. */
  get cancelling(): boolean {
    return (this.u8v[this.b64 + B_STATE]! & STATE_CANCELLING) !== 0;
  }
  set cancelling(v: boolean) {
    this.setBits_(B_STATE, STATE_CANCELLING, v ? STATE_CANCELLING : 0);
  }
}

/** One session's request in flight, as the transport sees it. */
export class SlotExchange implements Exchange {
  /** The transport's record of the request in flight (Exchange.wire). */
  wire: unknown = null;
  /** The session whose request this is, or -1 once it ended. */
  id = -1;
  /** The request in flight (its origin picks the transport to cancel on). */
  request: RequestSpec | null = null;
  /** Ticket in the deadline ring, or -1. */
  deadlineTicket = -1;
  readonly #host: SlotHost;

  constructor(host: SlotHost) {
    this.#host = host;
  }

  /** The attempt number of the step this request is for (1 = its first attempt). */
  get attempt(): number {
    return this.id < 0 ? 0 : this.#host.attemptOf(this.id);
  }

  onWritten(atNs: number): void {
    if (this.id >= 0) this.#host.written(this, atNs);
  }

  onResponse(atNs: number, status: number, headers: ResponseHeaders, body: string | undefined): void {
    if (this.id >= 0) this.#host.response(this, atNs, status, headers, body);
  }

  onFailure(atNs: number, outcome: OutcomeIndex, _detail: string): void {
    if (this.id >= 0) this.#host.failure(this, atNs, outcome);
  }
}
