/**
 * Runs one shard of the arrival stream on a Clock: fires each arrival at its time whether or not
 * the target keeps up (open model), runs its session, hands requests to a transport, enforces
 * request deadlines, and cuts an interval snapshot every `intervalMs`. One loop, one alarm:
 * arrivals, every session's waits and deadlines share it.
 *
 * Events are handled in time order, and an interval is cut exactly at its boundary in that order,
 * so on the virtual clock every count lands in the interval of its time to the nanosecond, and on
 * the real clock a late loop still attributes what was due before a boundary to the interval it
 * was due in. A late loop starts arrivals with their *intended* time: lateness lands in the
 * latency, not in a slowed schedule, and is recorded as the generator's own figure.
 */
import { ShardRecorder } from '../../reports/recorder/shard-recorder.js';
import { type Arrival, emptyArrival } from '../arrivals/arrival.js';
import { createArrivalStream } from '../arrivals/arrival-stream.js';
import { buildStepIndex, type StepIndex } from '../profile/step-index.js';
import { isMailArrivalOracle, type MailArrivalOracle } from '../transports/mail-arrival-oracle.js';
import type { ResponseHeaders, Transport } from '../transports/transport.js';
import { Outcome, type OutcomeIndex } from '../vocabulary/outcome.js';
import { ZERO_NS } from '../vocabulary/zero-ns.js';
import type { Alarm, Clock } from './clock.js';
import { DeadlineRing } from './deadline-ring.js';
import { IntervalCutter } from './interval-cutter.js';
import type { SchedulerConfig, SchedulerDeps, SchedulerResult } from './scheduler-config.js';
import { Act, WaitKind } from './session.js';
import { SessionRecords } from './session-records.js';
import { SessionSlot, SlotExchange, type SlotHost, SlotState } from './session-slot.js';
import { SessionStarter } from './session-starter.js';
import { TimerHeap } from './timer-heap.js';

export type { SchedulerConfig, SchedulerDeps, SchedulerResult } from './scheduler-config.js';

/** One shard's open-model loop on a Clock (see the file's head). */
export class Scheduler implements SlotHost {
  readonly #cfg: SchedulerConfig;
  readonly #deps: SchedulerDeps;
  readonly #clock: Clock;
  readonly #steps: StepIndex;
  readonly #recorder: ShardRecorder;
  /** Sessions waiting, by number (their records are in `#records`). */
  readonly #heap = new TimerHeap<number>();
  readonly #deadlines = new DeadlineRing<SlotExchange>();
  /** Every session in flight: a 64-byte record each, addressed by its number. */
  readonly #records = new SessionRecords<SlotExchange>();
  /** The cursor every session is read and written through (`at(id)` first). */
  readonly #s: SessionSlot;
  /** A second cursor over the same records, for what a transport asks about a session. */
  readonly #peek: SessionSlot;
  /** Exchanges of requests that ended, for reuse; and how many are out (requests in flight). */
  readonly #spare: SlotExchange[] = [];
  #outstanding = 0;
  readonly #transports = new Map<string, Transport>();
  readonly #defaultOrigin: string;
  readonly #loop: Alarm;
  readonly #cuts: IntervalCutter;
  readonly #timeoutNs: number;
  readonly #next: Arrival = emptyArrival();
  readonly #starter: SessionStarter;
  /** The default origin's transport (most requests go there: no map lookup for them). */
  #main: Transport | null = null;
  /** The default transport when it knows mail arrivals (a model): polls are then skipped. */
  #oracle: MailArrivalOracle | null = null;
  #stream: ReturnType<typeof createArrivalStream> | null = null;
  #haveNext = false;
  #lastArrivalNs = ZERO_NS;
  #endNs = Number.POSITIVE_INFINITY;
  #stopping = false;
  #ticking = false;
  #cancelled = 0;
  #over = false;
  #finish: ((r: SchedulerResult) => void) | null = null;

  constructor(cfg: SchedulerConfig, deps: SchedulerDeps) {
    this.#cfg = cfg;
    this.#deps = deps;
    this.#clock = deps.clock;
    this.#steps = buildStepIndex(cfg.profile);
    this.#recorder = new ShardRecorder(
      this.#steps.names.length,
      cfg.profile.flows.map((f) => f.name),
    );
    this.#defaultOrigin = deps.target.origin();
    this.#loop = deps.clock.alarm(() => this.#tick());
    this.#cuts = new IntervalCutter({
      clock: deps.clock,
      recorder: this.#recorder,
      intervalMs: cfg.intervalMs,
      t0EpochMs: cfg.t0EpochMs,
      live: () => this.#records.inUse,
      onSnapshot: deps.onSnapshot,
      health: deps.health,
      sealAtCut: cfg.sealAtCut,
    });
    this.#timeoutNs = cfg.requestTimeoutMs * 1e6;
    this.#starter = new SessionStarter(cfg.profile, this.#steps, deps.target, this.#recorder);
    this.#s = new SessionSlot(deps.target, this.#recorder, this.#records);
    this.#peek = new SessionSlot(deps.target, this.#recorder, this.#records);
  }

  /** The transport of `origin` (opened on first use). */
  transport(origin: string = this.#defaultOrigin): Transport {
    let t = this.#transports.get(origin);
    if (!t) {
      t = this.#deps.transportFor(origin);
      this.#transports.set(origin, t);
    }
    return t;
  }

  /** Runs the shard; resolves once every session has ended and the last interval is shipped. */
  run(): Promise<SchedulerResult> {
    const main = this.transport();
    this.#main = main;
    this.#oracle = isMailArrivalOracle(main) ? main : null;
    this.#stream = createArrivalStream(this.#cfg.profile, this.#cfg.shard);
    this.#haveNext = this.#stream.next(this.#next);
    this.#cuts.start(this.#clock.now());
    return new Promise((resolve) => {
      this.#finish = resolve;
      this.#loop.set(this.#clock.now());
    });
  }

  /** Stops firing arrivals; sessions in flight get `graceMs` before they are cancelled. */
  stop(graceMs: number): void {
    if (this.#over) return;
    this.#stopping = true;
    this.#endNs = Math.min(this.#endNs, this.#clock.now() + graceMs * 1e6);
    this.#wakeBy(this.#clock.now());
  }

  #tick(): void {
    if (this.#over) return;
    this.#ticking = true;
    const now = this.#clock.now();
    const heap = this.#heap;
    const deadlines = this.#deadlines;
    const next = this.#next;
    this.#runDue(now);
    this.#cuts.advance(now);
    if (!this.#haveNext && this.#endNs === Number.POSITIVE_INFINITY) {
      this.#endNs = Math.max(this.#lastArrivalNs, now) + this.#cfg.drainMs * 1e6;
    }
    this.#ticking = false;
    if ((!this.#haveNext || this.#stopping) && (this.#records.inUse === 0 || now >= this.#endNs)) {
      this.#end();
      return;
    }
    this.#cuts.sealSoon();
    let wake = Math.min(heap.peekTime(), deadlines.peekTime(), this.#cuts.nextCutNs, this.#endNs);
    if (this.#admitting() && next.atNs < wake) wake = next.atNs;
    this.#loop.set(wake);
  }
  /** Every event due by `now`, in time order, with the interval cuts between them (a method of its own: see `#admitUpTo`). */
  #runDue(now: number): void {
    const heap = this.#heap;
    const deadlines = this.#deadlines;
    const next = this.#next;
    for (;;) {
      const tArrival = this.#haveNext && !this.#stopping ? next.atNs : Number.POSITIVE_INFINITY;
      const tWait = heap.peekTime();
      const tDeadline = deadlines.peekTime();
      const t = Math.min(tArrival, tWait, tDeadline);
      if (t > now) return;
      this.#cuts.advance(t);
      if (t === tArrival) this.#arrive(now);
      else if (t === tWait) this.#wakeUp(heap.pop(), now);
      else {
        const ex = deadlines.pop();
        if (ex) this.#deadlineDue(ex);
      }
    }
  }

  /**
   * Whether the loop wakes for the next arrival: not while the in-flight cap is reached (an arrival
   * can only be turned away then, and only an answer frees a place). `#catchUp` turns the arrivals
   * due before that answer away first, each in its own interval, as a loop awake for each would.
   */
  #admitting(): boolean {
    return this.#haveNext && !this.#stopping && this.#records.inUse < this.#cfg.maxInFlight;
  }

  /**
   * Arrivals due by `atNs` (an answer's time; see #admitting), up to the first wait or deadline.
   * `nowNs`: the clock's reading when the caller has just taken it (one reading fewer a session).
   */
  #catchUp(atNs: number, nowNs?: number): void {
    if (this.#ticking || this.#over || this.#stopping) return;
    const next = this.#next; // waits and deadlines are woken for: catch up to the first of them
    const limit = Math.min(atNs, this.#heap.peekTime(), this.#deadlines.peekTime());
    if (!this.#haveNext || next.atNs > limit) return;
    this.#ticking = true;
    this.#admitUpTo(limit, nowNs ?? Number.NaN);
    this.#ticking = false;
  }

  /**
   * The arrivals due by `limit`. A loop with nothing after it, in a method of its own: a first call
   * that loops long is compiled on the stack (OSR) before the code after its loop ever ran, and
   * that OSR code then deoptimised there at every later call (657 times in one 3 s flood).
   */
  #admitUpTo(limit: number, nowNs: number): void {
    const next = this.#next;
    // The clock is read once an arrival is let in: one turned away needs no send time (an
    // answer's catch-up, its own place still taken, mostly turns arrivals away at the cap).
    let now = nowNs;
    while (this.#haveNext && next.atNs <= limit) {
      this.#cuts.advance(next.atNs);
      if (Number.isNaN(now) && this.#records.inUse < this.#cfg.maxInFlight) now = this.#clock.now();
      this.#arrive(now);
    }
  }

  #arrive(now: number): void {
    const a = this.#next;
    const rec = this.#recorder;
    if (this.#records.inUse >= this.#cfg.maxInFlight) {
      rec.arrival(a.flow, false);
    } else {
      rec.arrival(a.flow, true);
      const init = this.#starter.resolve(a);
      if (init !== null) {
        const id = this.#records.take();
        this.#s.at(id).start(init, a.atNs);
        this.#due(id, now);
      }
    }
    this.#lastArrivalNs = a.atNs;
    this.#haveNext = this.#stream!.next(a);
  }

  /** A wait in the heap came due. */
  #wakeUp(id: number, now: number): void {
    const s = this.#s.at(id);
    if (s.where !== SlotState.Waiting) return;
    this.#leaveBackoff(s);
    s.where = SlotState.Idle;
    this.#due(id, now);
  }

  /** The session's intended send time has come (it is `now` or earlier). */
  #due(id: number, now: number): void {
    const s = this.#s.at(id);
    const act = s.due(now);
    if (act !== Act.Send) return this.#apply(id, act);
    this.#recorder.lateness((now - s.intendedNs) / 1e3);
    s.where = SlotState.Queued;
    this.#cuts.inClient++;
    const req = s.request!;
    const ex = this.#spare.pop() ?? new SlotExchange(this);
    this.#outstanding++;
    ex.id = id;
    ex.request = req;
    this.#records.exchange[id] = ex;
    const deadline = now + this.#timeoutNs;
    ex.deadlineTicket = this.#deadlines.push(deadline, ex);
    this.#wakeBy(deadline);
    const t = req.origin === undefined ? this.#main : null;
    (t ?? this.transport(req.origin ?? this.#defaultOrigin)).send(req, s.wantBody, ex);
  }

  /** Carries out a session's answer to an event. */
  #apply(id: number, act: Act): void {
    if (act === Act.Done) return this.#sessionOver(id);
    if (act === Act.Send) return this.#due(id, this.#clock.now());
    const s = this.#s.at(id);
    s.where = SlotState.Waiting;
    if (s.waitKind === WaitKind.Backoff) {
      s.inBackoff = true;
      this.#cuts.inBackoff++;
    } else if (s.waitKind === WaitKind.Poll && this.#oracle !== null) {
      s.skipPolls(this.#oracle.mailArrivalNs(s.account));
    }
    this.#heap.push(s.wakeNs, id);
    this.#wakeBy(s.wakeNs);
  }

  /** A request deadline came due (the ring only hands back entries not cleared by a completion). */
  #deadlineDue(ex: SlotExchange): void {
    if (ex.deadlineTicket < 0) return;
    ex.deadlineTicket = -1;
    this.transport(ex.request?.origin ?? this.#defaultOrigin).cancel(ex, Outcome.timeout);
  }

  written(ex: SlotExchange, atNs: number): void {
    const s = this.#s.at(ex.id);
    if (s.where !== SlotState.Queued) return;
    s.where = SlotState.AtTarget;
    this.#cuts.inClient--;
    this.#cuts.atTarget++;
    s.written(atNs);
  }

  attemptOf(id: number): number {
    // Its own cursor: a decorating transport asks inside `send`, in the middle of `#due`.
    return this.#peek.at(id).attempt;
  }

  response(
    ex: SlotExchange,
    atNs: number,
    status: number,
    headers: ResponseHeaders,
    body: string | undefined,
  ): void {
    const id = ex.id;
    this.#catchUp(atNs);
    this.#settle(ex, atNs);
    const s = this.#s.at(id);
    if (s.cancelling) return this.#cancelSession(id, true);
    this.#apply(id, s.response(atNs, status, headers, body));
  }

  failure(ex: SlotExchange, atNs: number, outcome: OutcomeIndex): void {
    const id = ex.id;
    this.#catchUp(atNs);
    this.#settle(ex, atNs);
    const s = this.#s.at(id);
    if (s.cancelling || outcome === Outcome.cancelled) return this.#cancelSession(id, true);
    this.#apply(id, s.failure(atNs, outcome));
  }

  /** The request in flight ended: gauges, deadline, and the interval its end falls in. */
  #settle(ex: SlotExchange, atNs: number): void {
    this.#settleQuiet(ex);
    if (!this.#ticking) {
      // Never cut past an event still due (a late loop): it is offered in the interval it was due in.
      const next = this.#haveNext && !this.#stopping ? this.#next.atNs : Number.POSITIVE_INFINITY;
      this.#cuts.advance(Math.min(atNs, next, this.#heap.peekTime(), this.#deadlines.peekTime()));
      this.#cuts.sealSoon();
    }
  }

  #cancelSession(id: number, inFlight: boolean): void {
    this.#cancelled++;
    this.#s.at(id).cancel(inFlight);
    this.#sessionOver(id);
  }

  #sessionOver(id: number): void {
    const s = this.#s.at(id);
    this.#leaveBackoff(s);
    s.where = SlotState.Idle;
    s.cancelling = false;
    this.#records.give(id);
    if (this.#records.inUse === 0 && (!this.#haveNext || this.#stopping) && !this.#ticking)
      this.#wakeBy(this.#clock.now());
    else if (this.#admitting()) {
      // A place came free: arrivals already due take it at once (no wake-up for them).
      const now = this.#clock.now();
      this.#catchUp(now, now);
      if (this.#admitting()) this.#wakeBy(this.#next.atNs);
    }
  }

  /** A wake-up due at `atNs` was added: the loop must not sleep past it. */
  #wakeBy(atNs: number): void {
    if (!this.#ticking && !this.#over && atNs < this.#loop.atNs) this.#loop.set(atNs);
  }

  #end(): void {
    this.#over = true;
    this.#loop.clear();
    // Sessions still running at the deadline are cancelled: a request in flight is aborted and
    // its step counted `cancelled`, a waiting session's next step likewise; nothing is lost.
    const records = this.#records;
    for (let id = 0; id < records.highWater; id++) {
      if (!records.holds(id)) continue;
      // A session with an exchange has a request in flight (settling one takes it back).
      const ex = records.exchange[id];
      if (ex) {
        this.#s.at(id).cancelling = true;
        this.transport(ex.request?.origin ?? this.#defaultOrigin).cancel(ex, Outcome.cancelled);
        // A transport that answers the cancel later still finds the session ended.
        if (ex.id === id) {
          this.#settleQuiet(ex);
          this.#cancelSession(id, true);
        }
      } else this.#cancelSession(id, false);
    }
    this.#heap.clear();
    this.#cuts.cut();
    this.#cuts.ship();
    const closing = [...this.#transports.values()].map((t) => t.close().catch(() => undefined));
    void Promise.all(closing).then(() => {
      this.#recorder.destroy();
      this.#finish?.({ cancelled: this.#cancelled });
    });
  }

  #leaveBackoff(slot: SessionSlot): void {
    if (slot.inBackoff) this.#cuts.inBackoff--;
    slot.inBackoff = false;
  }

  /** The request of `ex` ended: its session is no longer in flight, `ex` goes back to the pool. */
  #settleQuiet(ex: SlotExchange): void {
    const s = this.#s.at(ex.id);
    this.#cuts.release(s.where);
    s.where = SlotState.Idle;
    this.#deadlines.clear(ex.deadlineTicket); // a ticket of -1 is ignored
    ex.deadlineTicket = -1;
    this.#records.exchange[ex.id] = null;
    ex.id = -1;
    ex.request = null;
    this.#outstanding--;
    // Kept for reuse while the pool is no bigger than what is in flight: after a surge (a
    // simulated take-down herd has ~3 M requests out) the exchanges it needed are let go.
    if (this.#spare.length <= this.#outstanding) this.#spare.push(ex);
  }
}
