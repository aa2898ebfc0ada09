/**
 * The reference backend as a discrete-event model behind the Transport interface, on a Clock
 * (the VirtualClock for tests and `stampede simulate`). The same Target that drives the real
 * server (`reference-target.ts`: buildRequest / interpret) drives it unchanged: it answers the
 * same statuses, bodies and Retry-After headers (`model-service.ts`).
 *
 * Time: a request reaches the server when it is sent (`onWritten` carries the send time, delivered
 * later in the same instant), unless a client connection limit is configured: then at most
 * `connections` requests are on the wire and the others wait in a client FIFO, reaching the
 * server (and `onWritten`) when a connection frees; one cancelled there never reaches it. The server's one core takes requests up in
 * FIFO order; each costs its CPU (a KDF for logins and accepted confirms at the hash cost, plus a
 * per-request overhead), so the k-th of k logins sent together is answered at k × C. A request's
 * effect (admission, token use, maintenance check) happens when the core takes it up; its answer
 * comes when its CPU is spent. A cancelled request is still served (the server cannot tell), only
 * its answer is dropped.
 *
 * Events: one alarm for the core (it fires when the core frees or, idle, at the send instant) and
 * one that delivers the instant's `onWritten` calls; nothing per request. The admin pool, the
 * outbox and the ISPs need no events at all: their times are computed at admission.
 */
import type { Alarm, Clock } from '../../../harness/driver/clock.js';
import type { MailArrivalOracle } from '../../../harness/transports/mail-arrival-oracle.js';
import type { Exchange, ResponseHeaders, Transport } from '../../../harness/transports/transport.js';
import { Outcome, type OutcomeIndex } from '../../../harness/vocabulary/outcome.js';
import type { RequestSpec } from '../../target.js';
import { RingQueue } from '../ring-queue.js';
import { type Endpoint, endpointOf } from '../rules/endpoint.js';
import { type ReferenceModelOptions, resolveModelOptions } from './model-options.js';
import { isModelRequest } from './model-request.js';
import { type ModelAnswer, type ModelReply, ModelService } from './model-service.js';

/** The client side of the model transport. */
export interface ModelClientOptions {
  /** Requests on the wire at once (connections × pipelining); default unlimited (no client queue). */
  readonly connections?: number;
}

/** One request in the model; records are pooled (a day sends ~10^8 of them). */
interface InFlight extends ModelAnswer {
  ex: Exchange;
  req: RequestSpec;
  wantBody: boolean;
  /** When it reached the server (its send time unless it waited for a connection). */
  arrivedNs: number;
  /** Waiting in the client for a connection. */
  inClient: boolean;
  written: boolean;
  cancelled: boolean;
  /** The answer of a JSON request (a model request's answer is in the record's own fields). */
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
  readonly #cpuQueue = new RingQueue<InFlight>();
  #serving: InFlight | undefined;
  /** When the core finishes `#serving` (kept here, not in every pooled record). */
  #servingDoneNs = 0;
  readonly #cpuAlarm: Alarm;
  readonly #writtenAlarm: Alarm;
  #unwritten: InFlight[] = [];
  #lateFailures: Exchange[] = [];
  readonly #byExchange = new Map<Exchange, InFlight>();
  readonly #free: InFlight[] = [];
  /** JSON headers with each Retry-After value seen (whole seconds: a handful of them). */
  readonly #retryHeaders = new Map<number, ResponseHeaders>();
  readonly #clientQueue = new RingQueue<InFlight>();
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
    const f = this.#free.pop() ?? newRecord(ex, req);
    f.ex = ex;
    f.req = req;
    f.wantBody = wantBody;
    f.arrivedNs = now;
    f.inClient = false;
    f.written = false;
    f.cancelled = false;
    f.reply = undefined;
    this.#byExchange.set(ex, f);
    if (this.#onWire < this.#connections) this.#toServer(f, now);
    else {
      f.inClient = true;
      this.#clientQueue.push(f);
    }
  }

  /** Ends `ex`'s request now, synchronously: `onWritten` if still owed, then `onFailure(outcome)`. */
  cancel(ex: Exchange, outcome: OutcomeIndex): void {
    const f = this.#byExchange.get(ex);
    if (!f) return;
    this.#byExchange.delete(ex);
    f.cancelled = true;
    const now = this.#clock.now();
    if (!f.inClient) {
      // On the wire: the server still serves it; the connection is given up now.
      this.#ensureWritten(f);
      this.#onWire--;
      this.#pumpClient(now);
    }
    ex.onFailure(now, outcome, 'cancelled before the model answered');
  }

  close(): Promise<void> {
    this.#closed = true;
    for (const ex of [...this.#byExchange.keys()]) this.cancel(ex, Outcome.cancelled);
    this.#cpuAlarm.clear();
    this.#cpuQueue.clear();
    this.#clientQueue.clear();
    this.#serving = undefined;
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

  /** Requests waiting in the client for a connection (0 without a connection limit). */
  get inClient(): number {
    return this.#clientQueue.length;
  }

  /** `f` reaches the server at `now`: it owes `onWritten` and joins the core's FIFO. */
  #toServer(f: InFlight, now: number): void {
    f.inClient = false;
    f.arrivedNs = now;
    this.#onWire++;
    this.#atServer++;
    this.#unwritten.push(f);
    if (this.#writtenAlarm.atNs === Number.POSITIVE_INFINITY) this.#writtenAlarm.set(now);
    this.#cpuQueue.push(f);
    // An idle core takes the request up in this instant; a busy one when it frees (alarm set).
    if (this.#cpuAlarm.atNs === Number.POSITIVE_INFINITY) this.#cpuAlarm.set(now);
  }

  /** Hands freed connections to the oldest requests waiting in the client. */
  #pumpClient(now: number): void {
    while (this.#onWire < this.#connections) {
      const f = this.#clientQueue.shift();
      if (!f) return;
      if (!f.cancelled) this.#toServer(f, now);
      else this.#free.push(f);
    }
  }

  /** The core frees (or, idle, a request arrived): answer the one served, take up the next ones. */
  #onCpu(t: number): void {
    const done = this.#serving;
    if (done) {
      const doneNs = this.#servingDoneNs;
      if (doneNs > t) {
        // Woken early (a request reached the core's alarm while it was busy): wait for its end.
        this.#cpuAlarm.set(doneNs);
        return;
      }
      this.#serving = undefined;
      this.#respond(done, doneNs);
    }
    for (;;) {
      const f = this.#cpuQueue.shift();
      if (!f) return;
      const req = f.req;
      if (isModelRequest(req)) {
        f.endpoint = req.endpoint;
        this.service.answer(req, t, f);
      } else {
        f.endpoint = endpointOf(req.method, req.path);
        const reply = this.service.handle(f.endpoint, req, t, this.#atServer);
        f.reply = reply;
        f.status = reply.status;
        f.retryAfterS = reply.retryAfterS ?? 0;
        f.cpuNs = reply.cpuNs;
      }
      const cpuNs = f.cpuNs + this.service.requestOverheadNs;
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

  #respond(f: InFlight, t: number): void {
    this.#atServer--;
    if (this.service.keepsMetrics)
      this.service.metrics.observe(f.endpoint, f.status, (t - f.arrivedNs) / 1e9);
    if (f.cancelled) {
      this.#free.push(f);
      return;
    }
    const ex = f.ex;
    this.#byExchange.delete(ex);
    this.#ensureWritten(f);
    // The connection frees before the answer is handed over: requests that waited go first.
    this.#onWire--;
    this.#pumpClient(t);
    const reply = f.reply;
    const status = f.status;
    const headers =
      reply?.text !== undefined
        ? TEXT_HEADERS
        : f.retryAfterS > 0
          ? this.#withRetryAfter(f.retryAfterS)
          : JSON_HEADERS;
    let body: string | undefined;
    if (f.wantBody) {
      if (reply === undefined) body = f.token;
      else body = reply.text ?? reply.json ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    }
    // Back in the pool before the callback, which may send again.
    f.reply = undefined;
    this.#free.push(f);
    ex.onResponse(t, status, headers, body);
  }

  #withRetryAfter(s: number): ResponseHeaders {
    let h = this.#retryHeaders.get(s);
    if (!h) {
      h = Object.freeze({ ...JSON_HEADERS, 'retry-after': String(s) });
      this.#retryHeaders.set(s, h);
    }
    return h;
  }

  #ensureWritten(f: InFlight): void {
    if (f.written) return;
    f.written = true;
    f.ex.onWritten(f.arrivedNs);
  }

  #flushWritten(): void {
    // Callbacks may send again: they fill fresh lists (and re-set this alarm for this instant).
    const batch = this.#unwritten;
    this.#unwritten = [];
    for (const f of batch) if (!f.cancelled) this.#ensureWritten(f);
    const failures = this.#lateFailures;
    this.#lateFailures = [];
    const now = this.#clock.now();
    for (const ex of failures) ex.onFailure(now, Outcome.cancelled, 'transport closed');
  }
}

function newRecord(ex: Exchange, req: RequestSpec): InFlight {
  return {
    ex,
    req,
    wantBody: false,
    arrivedNs: 0,
    inClient: false,
    written: false,
    cancelled: false,
    reply: undefined,
    endpoint: 'other',
    status: 0,
    retryAfterS: 0,
    cpuNs: 0,
    token: '',
  };
}
