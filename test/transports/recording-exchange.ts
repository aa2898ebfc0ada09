/**
 * An Exchange for the transport suite that records every callback with its time, counts them (the
 * contract allows exactly one final callback), and resolves `done` at the final one.
 */

import type { Exchange, ResponseHeaders } from '../../harness/transports/transport.js';
import type { OutcomeIndex } from '../../harness/vocabulary/outcome.js';

/** The test clock: ns since the suite's module was loaded (a stand-in for the driver's Clock). */
const t0 = process.hrtime.bigint();
export const testNow = (): number => Number(process.hrtime.bigint() - t0);

/** What happened to one request. */
export interface Ending {
  readonly kind: 'response' | 'failure';
  readonly atNs: number;
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly body: string | undefined;
  readonly outcome: OutcomeIndex | -1;
  readonly detail: string;
}

export class RecordingExchange implements Exchange {
  wire: unknown = null;
  writtenAtNs = -1;
  writtenCalls = 0;
  finalCalls = 0;
  ending: Ending | null = null;
  /** Set by the test just before `send`. */
  sentAtNs = -1;
  readonly done: Promise<Ending>;
  #resolve!: (e: Ending) => void;

  constructor() {
    this.done = new Promise((r) => {
      this.#resolve = r;
    });
  }

  onWritten(atNs: number): void {
    this.writtenCalls++;
    this.writtenAtNs = atNs;
  }

  onResponse(atNs: number, status: number, headers: ResponseHeaders, body: string | undefined): void {
    this.#end({ kind: 'response', atNs, status, headers, body, outcome: -1, detail: '' });
  }

  onFailure(atNs: number, outcome: OutcomeIndex, detail: string): void {
    this.#end({ kind: 'failure', atNs, status: 0, headers: {}, body: undefined, outcome, detail });
  }

  #end(e: Ending): void {
    this.finalCalls++;
    if (this.ending === null) {
      this.ending = e;
      this.#resolve(e);
    }
  }
}

/** An exchange that runs `afterAnswer` inside its response callback (as the driver sends a next step). */
export class ChainedExchange extends RecordingExchange {
  afterAnswer: (() => void) | null = null;
  override onResponse(
    atNs: number,
    status: number,
    headers: ResponseHeaders,
    body: string | undefined,
  ): void {
    super.onResponse(atNs, status, headers, body);
    const f = this.afterAnswer;
    this.afterAnswer = null;
    f?.();
  }
}
