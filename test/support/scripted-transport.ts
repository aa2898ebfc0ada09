/**
 * A transport for exact tests: answers each request from a script, on the driver's Clock (the
 * virtual clock in tests), with an optional connection limit so client-side queueing can be
 * reproduced exactly. It logs every request with its send, write and answer times.
 */
import type { Clock } from '../../harness/driver/clock.js';
import { TimerHeap } from '../../harness/driver/timer-heap.js';
import type { Exchange, ResponseHeaders, Transport } from '../../harness/transports/transport.js';
import { Outcome, type OutcomeIndex } from '../../harness/vocabulary/outcome.js';
import type { RequestSpec } from '../../targets/target.js';

/** The script's answer to one request: after `afterNs` of service, a response or a failure. */
export type ScriptedAnswer =
  | {
      readonly afterNs: number;
      readonly status: number;
      readonly headers?: ResponseHeaders;
      readonly body?: string;
    }
  | { readonly afterNs: number; readonly fail: OutcomeIndex };

export interface ScriptedRequest {
  readonly req: RequestSpec;
  readonly sentNs: number;
  writtenNs: number;
  endNs: number;
  outcome: 'response' | 'failure' | 'cancelled' | 'pending';
}

interface Pending {
  readonly n: number;
  readonly ex: Exchange;
  readonly log: ScriptedRequest;
  readonly wantBody: boolean;
  answer: ScriptedAnswer | null;
  over: boolean;
}

export class ScriptedTransport implements Transport {
  readonly name = 'scripted';
  readonly log: ScriptedRequest[] = [];
  readonly #clock: Clock;
  readonly #script: (req: RequestSpec, n: number) => ScriptedAnswer;
  readonly #connections: number;
  readonly #events = new TimerHeap<Pending>();
  readonly #alarm;
  /** Requests waiting for a connection, FIFO with a moving head (cancelled ones are skipped). */
  #queue: Pending[] = [];
  #head = 0;
  readonly #live = new Map<Exchange, Pending>();
  #busy = 0;

  /** `connections`: requests served at once; the rest queue in the client (not yet written). */
  constructor(clock: Clock, script: (req: RequestSpec, n: number) => ScriptedAnswer, connections = Infinity) {
    this.#clock = clock;
    this.#script = script;
    this.#connections = connections;
    this.#alarm = clock.alarm((now) => this.#fire(now));
  }

  warm(): Promise<void> {
    return Promise.resolve();
  }

  send(req: RequestSpec, wantBody: boolean, ex: Exchange): void {
    const log: ScriptedRequest = {
      req,
      sentNs: this.#clock.now(),
      writtenNs: -1,
      endNs: -1,
      outcome: 'pending',
    };
    this.log.push(log);
    const p: Pending = { n: this.log.length - 1, ex, log, wantBody, answer: null, over: false };
    this.#live.set(ex, p);
    this.#queue.push(p);
    // Never synchronously: the write happens at the same instant, from the clock.
    const now = this.#clock.now();
    if (now < this.#alarm.atNs) this.#alarm.set(now);
  }

  cancel(ex: Exchange, outcome: OutcomeIndex): void {
    const p = this.#live.get(ex);
    if (!p || p.over) return;
    this.#finish(p);
    p.log.outcome = 'cancelled';
    p.ex.onFailure(this.#clock.now(), outcome, 'cancelled');
    // A freed connection takes the next queued request at once.
    if (this.#head < this.#queue.length) this.#alarm.set(this.#clock.now());
  }

  close(): Promise<void> {
    for (const p of [...this.#live.values()]) this.cancel(p.ex, Outcome.cancelled);
    this.#alarm.clear();
    return Promise.resolve();
  }

  #fire(now: number): void {
    this.#startQueued(now);
    while (this.#events.size > 0 && this.#events.peekTime() <= now) {
      const p = this.#events.pop();
      if (p.over || p.answer === null) continue;
      this.#finish(p);
      const a = p.answer;
      if ('fail' in a) {
        p.log.outcome = 'failure';
        p.ex.onFailure(now, a.fail, 'scripted failure');
      } else {
        p.log.outcome = 'response';
        p.ex.onResponse(now, a.status, a.headers ?? {}, p.wantBody ? (a.body ?? '') : undefined);
      }
      this.#startQueued(now);
    }
    if (this.#events.size > 0) this.#alarm.set(this.#events.peekTime());
    else if (this.#head < this.#queue.length && this.#busy < this.#connections) this.#alarm.set(now);
  }

  /** Writes queued requests while a connection is free. */
  #startQueued(now: number): void {
    while (this.#busy < this.#connections && this.#head < this.#queue.length) {
      const p = this.#queue[this.#head++]!;
      if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      if (p.over) continue;
      this.#busy++;
      p.log.writtenNs = now;
      p.ex.onWritten(now);
      p.answer = this.#script(p.log.req, p.n);
      this.#events.push(now + p.answer.afterNs, p);
    }
  }

  #finish(p: Pending): void {
    p.over = true;
    p.log.endNs = this.#clock.now();
    this.#live.delete(p.ex);
    if (p.log.writtenNs >= 0) this.#busy--;
  }
}
