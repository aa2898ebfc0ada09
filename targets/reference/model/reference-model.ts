/**
 * The reference backend as a discrete-event model behind the Transport interface, on a Clock
 * (the VirtualClock for tests and `stampede simulate`). The same Target that drives the real
 * server (`reference-target.ts`: buildRequest / interpret) drives it unchanged: it answers the
 * same statuses, bodies and Retry-After headers (`model-service.ts`).
 *
 * Time: a request reaches the server when it is sent (`onWritten` is called inside `send`, the
 * one call the Transport contract allows there), unless a client connection limit is configured:
 * then at most `connections` requests are on the wire and the others wait in a client FIFO,
 * reaching the server when a connection frees (`onWritten` later in that instant); one cancelled
 * there never reaches it. The server's one core takes requests up in
 * FIFO order; each costs its CPU (a KDF for logins and accepted confirms at the hash cost, plus a
 * per-request overhead), so the k-th of k logins sent together is answered at k × C. A request's
 * effect (admission, token use, maintenance check) happens when the core takes it up; its answer
 * comes when its CPU is spent. A cancelled request is still served (the server cannot tell), only
 * its answer is dropped.
 *
 * Events: one alarm for the core (it fires when the core frees or, idle, at the send instant) and,
 * with a connection limit, one that delivers the `onWritten` calls of requests let through;
 * nothing per request. The admin pool, the
 * outbox and the ISPs need no events at all: their times are computed at admission.
 *
 * Requests are tickets in one ring of columns, in send order (`request-ring.ts`): the server's
 * FIFO, the client's queue and the instant's unwritten requests are cursors into it, and an
 * exchange's ticket rides on it (`Exchange.wire`), so no record object or table is kept per request.
 */
import type { Alarm, Clock } from '../../../harness/driver/clock.js';
import type { MailArrivalOracle } from '../../../harness/transports/mail-arrival-oracle.js';
import type { Exchange, ResponseHeaders, Transport } from '../../../harness/transports/transport.js';
import { Outcome, type OutcomeIndex } from '../../../harness/vocabulary/outcome.js';
import type { RequestSpec } from '../../target.js';
import { type Endpoint, endpointOf } from '../rules/endpoint.js';
import { type ReferenceModelOptions, resolveModelOptions } from './model-options.js';
import { modelFieldsScratch } from './model-request.js';
import { type ModelAnswer, type ModelReply, ModelService } from './model-service.js';
import { CANCELLED, RequestRing, SKIPPED, WANT_BODY, WRITTEN } from './request-ring.js';

/** The client side of the model transport. */
export interface ModelClientOptions {
  /** Requests on the wire at once (connections × pipelining); default unlimited (no client queue). */
  readonly connections?: number;
}

/** The answer of the request the core took up last (one at a time: one record, reused). */
interface CoreAnswer extends ModelAnswer {
  /** The answer of a JSON request (a model request's answer is in the fields above). */
  reply: ModelReply | undefined;
  endpoint: Endpoint;
}

const JSON_HEADERS: ResponseHeaders = Object.freeze({ 'content-type': 'application/json' });
const TEXT_HEADERS: ResponseHeaders = Object.freeze({ 'content-type': 'text/plain; version=0.0.4' });

/** The reference backend in (virtual) time: a Transport whose far end is a model. */
export class ReferenceModel implements Transport, MailArrivalOracle {
  readonly name = 'model';
  /** The model's state (admin schedule, mail, accounts, counters), for gauges and tests. */
  readonly service: ModelService;
  readonly #clock: Clock;
  readonly #ring = new RequestRing();
  /** Next ticket the core takes up (tickets before it that reached the server are served). */
  #coreNext = 0;
  /** First ticket still in the client, waiting for a connection (= ring tail when none waits). */
  #clientNext = 0;
  /** First ticket whose `onWritten` may still be owed. */
  #writtenNext = 0;
  /** Ticket on the core, or -1. */
  #serving = -1;
  /** When the core finishes `#serving`. */
  #servingDoneNs = 0;
  readonly #answer: CoreAnswer = {
    status: 0,
    retryAfterS: 0,
    cpuNs: 0,
    token: '',
    reply: undefined,
    endpoint: 'other',
  };
  readonly #fields = modelFieldsScratch();
  readonly #cpuAlarm: Alarm;
  readonly #writtenAlarm: Alarm;
  #lateFailures: Exchange[] = [];
  /** JSON headers with each Retry-After value seen (whole seconds: a handful of them). */
  readonly #retryHeaders = new Map<number, ResponseHeaders>();
  readonly #connections: number;
  #onWire = 0;
  #atServer = 0;
  #closed = false;

  constructor(clock: Clock, options: ReferenceModelOptions, client: ModelClientOptions = {}) {
    this.#clock = clock;
    this.service = new ModelService(resolveModelOptions(options));
    this.#connections = client.connections ?? Number.POSITIVE_INFINITY;
    if (!(this.#connections >= 1))
      throw new RangeError(`model connections must be >= 1, got ${client.connections}`);
    this.#cpuAlarm = clock.alarm((t) => this.#onCpu(t));
    this.#writtenAlarm = clock.alarm(() => this.#flushWritten());
  }

  warm(): Promise<void> {
    return Promise.resolve();
  }

  send(req: RequestSpec, wantBody: boolean, ex: Exchange): void {
    const now = this.#clock.now();
    if (this.#closed) {
      this.#lateFailures.push(ex);
      this.#writtenAlarm.set(now);
      return;
    }
    const ring = this.#ring;
    ring.first = Math.min(this.#writtenNext, this.#serving >= 0 ? this.#serving : this.#coreNext);
    const t = ring.push(ex, req, wantBody, now);
    ex.wire = t;
    if (this.#onWire >= this.#connections) return;
    this.#clientNext = t + 1;
    this.#toServer(t, now);
    // Written at once (the contract's one exception to "never inside send"): an event fewer a
    // request than a flush later in the instant, and nothing can happen in between that tells.
    if (this.#writtenNext === t) this.#writtenNext = t + 1;
    ring.mark(t, WRITTEN);
    ex.onWritten(now);
  }

  /** Ends `ex`'s request now, synchronously: `onWritten` if still owed, then `onFailure(outcome)`. */
  cancel(ex: Exchange, outcome: OutcomeIndex): void {
    const t = ex.wire;
    if (!this.#ring.holds(t, ex)) return;
    this.#end(t, ex);
    this.#ring.mark(t, CANCELLED);
    const now = this.#clock.now();
    if (t < this.#clientNext) {
      // On the wire: the server still serves it; the connection is given up now.
      this.#ensureWritten(t, ex);
      this.#onWire--;
      this.#pumpClient(now);
    } else this.#ring.mark(t, SKIPPED);
    ex.onFailure(now, outcome, 'cancelled before the model answered');
  }

  close(): Promise<void> {
    this.#closed = true;
    // What is in flight, oldest first (the order it was sent in).
    const ring = this.#ring;
    const from = this.#serving >= 0 ? this.#serving : this.#coreNext;
    for (let t = Math.min(from, this.#writtenNext); t < ring.tail; t++) {
      const ex = ring.exchange(t);
      if (ex !== null) this.cancel(ex, Outcome.cancelled);
    }
    this.#cpuAlarm.clear();
    this.#serving = -1;
    this.#coreNext = ring.tail;
    this.#clientNext = ring.tail;
    return Promise.resolve();
  }

  mailArrivalNs(account: string): number {
    const index = this.service.accounts.indexOf(account);
    return index < 0 ? Number.POSITIVE_INFINITY : this.service.mail.firstArrivalNs(index);
  }

  /**
   * The operators' switch (the driver's outage windows): takes `regions` (empty = all) down for
   * `durationS` from now, as POST /admin/maintenance does.
   */
  beginMaintenance(durationS: number, regions: readonly string[]): void {
    this.service.beginMaintenance(durationS, regions, this.#clock.now());
  }

  /** Requests that reached the server and are not answered yet (queued or on the core). */
  get atServer(): number {
    return this.#atServer;
  }

  /** Requests waiting in the client for a connection, given up ones too (0 without a connection limit). */
  get inClient(): number {
    return this.#ring.tail - this.#clientNext;
  }

  /** Ticket `t` reaches the server at `now` and joins the core's FIFO. */
  #toServer(t: number, now: number): void {
    this.#ring.setArrivedNs(t, now);
    this.#onWire++;
    this.#atServer++;
    // An idle core takes the request up in this instant; a busy one when it frees (alarm set).
    if (this.#cpuAlarm.atNs === Number.POSITIVE_INFINITY) this.#cpuAlarm.set(now);
  }

  /** Hands freed connections to the oldest requests waiting in the client. */
  #pumpClient(now: number): void {
    const ring = this.#ring;
    while (this.#onWire < this.#connections && this.#clientNext < ring.tail) {
      const t = this.#clientNext++;
      if (ring.has(t, SKIPPED)) continue;
      this.#toServer(t, now);
      // It owes `onWritten`: delivered later in this instant, not inside another's answer.
      if (this.#writtenAlarm.atNs === Number.POSITIVE_INFINITY) this.#writtenAlarm.set(now);
    }
  }

  /** The core frees (or, idle, a request arrived): answer the one served, take up the next ones. */
  #onCpu(t: number): void {
    const done = this.#serving;
    if (done >= 0) {
      const doneNs = this.#servingDoneNs;
      if (doneNs > t) {
        // Woken early (a request reached the core's alarm while it was busy): wait for its end.
        this.#cpuAlarm.set(doneNs);
        return;
      }
      this.#serving = -1;
      this.#respond(done, doneNs);
    }
    const ring = this.#ring;
    const a = this.#answer;
    for (;;) {
      // The server's FIFO: every ticket the client has let through, but those given up there.
      while (this.#coreNext < this.#clientNext && ring.has(this.#coreNext, SKIPPED))
        ring.forget(this.#coreNext++);
      if (this.#coreNext >= this.#clientNext) return;
      const f = this.#coreNext++;
      const req = ring.plain(f);
      if (req === null) {
        ring.fields(f, this.#fields);
        a.endpoint = this.#fields.endpoint;
        a.reply = undefined;
        this.service.answer(this.#fields, t, a);
      } else {
        a.endpoint = endpointOf(req.method, req.path);
        const reply = this.service.handle(a.endpoint, req, t, this.#atServer);
        a.reply = reply;
        a.status = reply.status;
        a.retryAfterS = reply.retryAfterS ?? 0;
        a.cpuNs = reply.cpuNs;
        a.token = '';
      }
      const cpuNs = a.cpuNs + this.service.requestOverheadNs;
      if (cpuNs <= 0) {
        this.#respond(f, t);
        continue;
      }
      this.#servingDoneNs = t + cpuNs;
      this.#serving = f;
      this.#cpuAlarm.set(this.#servingDoneNs);
      return;
    }
  }

  /** Ticket `f` (the core's last taken up: its answer is `#answer`) is answered at `t`. */
  #respond(f: number, t: number): void {
    const ring = this.#ring;
    const a = this.#answer;
    this.#atServer--;
    if (this.service.keepsMetrics)
      this.service.metrics.observe(a.endpoint, a.status, (t - ring.arrivedNs(f)) / 1e9);
    const ex = ring.exchange(f);
    if (ex === null || ring.has(f, CANCELLED)) {
      ring.forget(f);
      return;
    }
    this.#end(f, ex);
    this.#ensureWritten(f, ex);
    // The connection frees before the answer is handed over: requests that waited go first.
    this.#onWire--;
    this.#pumpClient(t);
    const reply = a.reply;
    const status = a.status;
    const headers =
      reply?.text !== undefined
        ? TEXT_HEADERS
        : a.retryAfterS > 0
          ? this.#withRetryAfter(a.retryAfterS)
          : JSON_HEADERS;
    let body: string | undefined;
    if (ring.has(f, WANT_BODY)) {
      if (reply === undefined) body = a.token;
      else body = reply.text ?? reply.json ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    }
    a.reply = undefined;
    ring.forget(f);
    ex.onResponse(t, status, headers, body);
  }

  /** `ex` is done with ticket `t` (answered or given up): the ring and the exchange let go. */
  #end(t: number, ex: Exchange): void {
    this.#ring.release(t);
    ex.wire = null;
  }

  #withRetryAfter(s: number): ResponseHeaders {
    let h = this.#retryHeaders.get(s);
    if (!h) {
      h = Object.freeze({ ...JSON_HEADERS, 'retry-after': String(s) });
      this.#retryHeaders.set(s, h);
    }
    return h;
  }

  #ensureWritten(t: number, ex: Exchange): void {
    if (this.#ring.has(t, WRITTEN)) return;
    this.#ring.mark(t, WRITTEN);
    ex.onWritten(this.#ring.arrivedNs(t));
  }

  #flushWritten(): void {
    // Callbacks may send again: those are flushed when this alarm, set again, fires again.
    const ring = this.#ring;
    const end = this.#clientNext;
    for (let t = this.#writtenNext; t < end; t++) {
      if (ring.has(t, WRITTEN | CANCELLED | SKIPPED)) continue;
      const ex = ring.exchange(t);
      if (ex !== null) this.#ensureWritten(t, ex);
    }
    this.#writtenNext = end;
    const failures = this.#lateFailures;
    this.#lateFailures = [];
    const now = this.#clock.now();
    for (const ex of failures) ex.onFailure(now, Outcome.cancelled, 'transport closed');
  }
}
