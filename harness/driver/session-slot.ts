/**
 * The scheduler's per-session slot: owns one Session and is the transport's Exchange for its one
 * request in flight. It keeps the wire-side bookkeeping the pure session must not hold (the
 * deadline ticket, whether the request was written, which waiting state it is counted in), and
 * hands each event to the scheduler, which asks the session for the next action.
 *
 * One slot per session in flight, reused across arrivals with its session.
 */
import type { Exchange, ResponseHeaders } from '../transports/transport.js';
import type { OutcomeIndex } from '../vocabulary/outcome.js';
import type { Session } from './session.js';

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

/** What a slot reports to (the scheduler). */
export interface SlotHost {
  written(slot: SessionSlot, atNs: number): void;
  response(
    slot: SessionSlot,
    atNs: number,
    status: number,
    headers: ResponseHeaders,
    body: string | undefined,
  ): void;
  failure(slot: SessionSlot, atNs: number, outcome: OutcomeIndex): void;
}

export class SessionSlot implements Exchange {
  /** The transport's record of the request in flight (Exchange.wire). */
  wire: unknown = null;
  readonly session: Session;
  readonly #host: SlotHost;
  state: SlotState = SlotState.Idle;
  /** Counted among the sessions waiting to retry. */
  inBackoff = false;
  /** Where the slot is in the scheduler's list of sessions in flight, or -1. */
  liveIndex = -1;
  /** Ticket in the deadline ring of the request in flight, or -1. */
  deadlineTicket = -1;
  /** The run is ending: the request in flight ends as cancelled, not as a failure to retry. */
  cancelling = false;

  constructor(session: Session, host: SlotHost) {
    this.session = session;
    this.#host = host;
  }

  onWritten(atNs: number): void {
    if (this.state === SlotState.Queued) this.#host.written(this, atNs);
  }

  onResponse(atNs: number, status: number, headers: ResponseHeaders, body: string | undefined): void {
    if (this.state === SlotState.Queued || this.state === SlotState.AtTarget)
      this.#host.response(this, atNs, status, headers, body);
  }

  onFailure(atNs: number, outcome: OutcomeIndex, _detail: string): void {
    if (this.state === SlotState.Queued || this.state === SlotState.AtTarget)
      this.#host.failure(this, atNs, outcome);
  }
}
