/**
 * The scheduler's per-session slot: one Session plus the transport's Exchange for its one request
 * in flight. It keeps the wire-side bookkeeping the pure session must not hold (the deadline
 * ticket, whether the request was written, which waiting state it is counted in), and hands each
 * event to the scheduler, which asks the session for the next action.
 *
 * The slot *is* its session (a subclass), not an object holding one: a
 * simulated take-down herd holds ~3 M of them, and a second object each cost 32 bytes.
 * One slot per session in flight, reused across arrivals.
 */

import type { ShardRecorder } from '../../reports/recorder/shard-recorder.js';
import type { Target } from '../../targets/target.js';
import type { Exchange, ResponseHeaders } from '../transports/transport.js';
import type { OutcomeIndex } from '../vocabulary/outcome.js';
import { Session } from './session.js';

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

export class SessionSlot extends Session implements Exchange {
  /** The transport's record of the request in flight (Exchange.wire). */
  wire: unknown = null;
  readonly #host: SlotHost;
  /** Where the session is (named apart from the session's own `state`, what targets read). */
  where: SlotState = SlotState.Idle;
  /** Counted among the sessions waiting to retry. */
  inBackoff = false;
  /** Where the slot is in the scheduler's list of sessions in flight, or -1. */
  liveIndex = -1;
  /** Ticket in the deadline ring of the request in flight, or -1. */
  deadlineTicket = -1;
  /** The run is ending: the request in flight ends as cancelled, not as a failure to retry. */
  cancelling = false;

  constructor(target: Target, recorder: ShardRecorder, host: SlotHost) {
    super(target, recorder);
    this.#host = host;
  }

  onWritten(atNs: number): void {
    if (this.where === SlotState.Queued) this.#host.written(this, atNs);
  }

  onResponse(atNs: number, status: number, headers: ResponseHeaders, body: string | undefined): void {
    if (this.where === SlotState.Queued || this.where === SlotState.AtTarget)
      this.#host.response(this, atNs, status, headers, body);
  }

  onFailure(atNs: number, outcome: OutcomeIndex, _detail: string): void {
    if (this.where === SlotState.Queued || this.where === SlotState.AtTarget)
      this.#host.failure(this, atNs, outcome);
  }
}
