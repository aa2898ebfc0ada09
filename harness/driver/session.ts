/**
 * One arrival's session: a small state machine over its flow's steps, and at the same time the
 * undici dispatch handler of its one request in flight (a session never has two), so a request
 * costs no handler allocation.
 *
 * Latency truth: every request is timed from its *intended* send time (the arrival time for the
 * first step, previous completion + think time after that, backoff end for a retry), and the
 * service time from the actual send is kept beside it. Nothing here throws: a failed request is
 * recorded as data and the flow's retry policy decides what happens next.
 */
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header.js';
import { OUTCOME_CLASSES, Outcome, type OutcomeIndex, outcomeOfStatus } from '../vocabulary/outcome.js';
import type { ShardRecorder } from '../../reports/recorder/shard-recorder.js';
import type { ResponseView, SessionState, Target } from '../../targets/target.js';
import { Rng } from '../arrivals/rng.js';
import type { Flow, FlowStep } from '../profile/profile.js';
import type { DeadlineRing } from './deadline-ring.js';
import { outcomeOfError } from './error-class.js';
import { retryDelayS } from './retry-backoff.js';
import { sampleThinkS } from './think-time.js';
import type { TimerHeap } from './timer-heap.js';

/** What a session needs from the shard that runs it. */
export interface SessionHost {
  readonly target: Target;
  readonly pool: Dispatcher;
  readonly recorder: ShardRecorder;
  /** Waits: think times, backoffs, polls. */
  readonly heap: TimerHeap<Session>;
  /** Request deadlines, in send order. */
  readonly deadlines: DeadlineRing<Session>;
  /** ns from the run's t0, on the shard's monotonic clock. */
  nowNs(): number;
  readonly requestTimeoutNs: number;
  readonly deadlineError: Error;
  /**
   * A session added a wake-up (a wait in `heap` or a deadline) due at `dueNs`: the shard's loop must
   * not sleep past it. Cheap when the loop already wakes earlier.
   */
  wakeBy(dueNs: number): void;
  /** Called once when the session has nothing left to do. */
  sessionEnded(s: Session): void;
}

enum State {
  Waiting = 0,
  Sending = 1,
  Done = 2,
}

/** Retry-on lookup per outcome index, built once per step policy. */
const retryMasks = new WeakMap<FlowStep, boolean[]>();
function retryMask(step: FlowStep): boolean[] {
  let mask = retryMasks.get(step);
  if (!mask) {
    mask = OUTCOME_CLASSES.map((c) => step.retry.on.includes(c));
    retryMasks.set(step, mask);
  }
  return mask;
}

/**
 * The session's state as targets see it; one object per Session, reinitialized when the Session
 * is reused. `newPassword` is derived on demand (only reset flows read it).
 */
class LiveSessionState implements SessionState {
  accountIndex = 0;
  account = '';
  password = '';
  region = '';
  captures: Record<string, string> = {};
  seed = 0;
  seq = 0;

  get newPassword(): string {
    return `Np-${this.seed}-${this.seq}`;
  }
}

/** What a session starts from: one arrival, resolved. */
export interface SessionStart {
  readonly flow: Flow;
  readonly stepIds: readonly number[];
  readonly accountIndex: number;
  readonly account: string;
  readonly password: string;
  readonly region: string;
  readonly seed: number;
  readonly seq: number;
}

export class Session implements Dispatcher.DispatchHandler {
  readonly #state = new LiveSessionState();
  readonly #host: SessionHost;
  #flow!: Flow;
  #stepIds!: readonly number[];
  /** Think times and retry jitter, reseeded for every session. */
  readonly #rand = new Rng(0);

  #pos = 0;
  #attempt = 1;
  #phase: State = State.Waiting;
  /** Intended send time of the pending request, ns. */
  #intendedNs = 0;
  /** Intended start of the current step (await-mail measures to the mail's arrival from here). */
  #stepStartNs = 0;
  #sentNs = 0;
  #deadlineNs = 0;
  #controller: Dispatcher.DispatchController | null = null;
  #status = 0;
  #headers: IncomingHttpHeaders | null = null;
  #chunks: Buffer[] | null = null;
  #wantBody = false;
  #cancelled = false;
  #deadlineTicket = -1;

  /** A session object is reused for many arrivals (`start`), so a surge allocates few of them. */
  constructor(host: SessionHost) {
    this.#host = host;
  }

  /** The state targets read and write. */
  get state(): SessionState {
    return this.#state;
  }

  get done(): boolean {
    return this.#phase === State.Done;
  }

  /** Starts the arrival's first step at its intended time `atNs`. */
  start(init: SessionStart, atNs: number): void {
    const st = this.#state;
    st.accountIndex = init.accountIndex;
    st.account = init.account;
    st.password = init.password;
    st.region = init.region;
    st.seed = init.seed;
    st.seq = init.seq;
    // A fresh object only when the last session captured something: most flows capture nothing.
    for (const _ in st.captures) {
      st.captures = {};
      break;
    }
    this.#flow = init.flow;
    this.#stepIds = init.stepIds;
    // Seeded by the arrival's place in the stream: the session draws the same think times and
    // jitter whichever worker runs it, so --workers 1 and --workers 4 replay the same surge.
    this.#rand.reseed(init.seed, init.seq);
    this.#pos = 0;
    this.#cancelled = false;
    this.#beginStep(atNs);
  }

  /** A wait of this session came due (stale heap entries are ignored). */
  onTimer(now: number): void {
    if (this.#phase === State.Waiting && now >= this.#intendedNs) this.#send(now);
  }

  /** This session's request deadline came due. */
  onDeadline(now: number): void {
    this.#deadlineTicket = -1;
    if (
      this.#phase === State.Sending &&
      now >= this.#deadlineNs &&
      this.#controller &&
      !this.#controller.aborted
    ) {
      this.#controller.abort(this.#host.deadlineError);
    }
  }

  /** Stops the session: aborts its request in flight (recorded as a timeout) or drops its wait. */
  cancel(reason: Error): void {
    this.#cancelled = true;
    if (this.#phase === State.Sending && this.#controller && !this.#controller.aborted) {
      this.#controller.abort(reason);
    } else if (this.#phase === State.Waiting) {
      this.#end();
    }
  }

  #step(): FlowStep {
    return this.#flow.steps[this.#pos]!;
  }

  #beginStep(intendedNs: number): void {
    this.#attempt = 1;
    this.#stepStartNs = intendedNs;
    this.#schedule(intendedNs, true);
  }

  /** Sends at `intendedNs`, now if it is due, else from the timer heap. */
  #schedule(intendedNs: number, offered: boolean): void {
    if (this.#cancelled) return this.#end();
    this.#intendedNs = intendedNs;
    this.#phase = State.Waiting;
    if (offered) this.#host.recorder.offered(this.#stepIds[this.#pos]!, this.#attempt > 1);
    const now = this.#host.nowNs();
    if (intendedNs <= now) this.#send(now);
    else {
      this.#host.heap.push(intendedNs, this);
      this.#host.wakeBy(intendedNs);
    }
  }

  #send(now: number): void {
    const host = this.#host;
    const step = this.#step();
    const req = host.target.buildRequest(step.kind, this.#state);
    this.#phase = State.Sending;
    this.#status = 0;
    this.#headers = null;
    this.#wantBody = host.target.needsBody(step.kind);
    this.#chunks = null;
    this.#controller = null;
    this.#sentNs = now;
    this.#deadlineNs = now + host.requestTimeoutNs;
    this.#deadlineTicket = host.deadlines.push(this.#deadlineNs, this);
    host.wakeBy(this.#deadlineNs);
    host.pool.dispatch(
      { path: req.path, method: req.method, headers: req.headers, body: req.body ?? null, blocking: false },
      this,
    );
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.#status = statusCode;
    this.#headers = headers;
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.#wantBody) return;
    if (this.#chunks === null) this.#chunks = [chunk];
    else this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#phase !== State.Sending) return;
    this.#complete(this.#host.nowNs(), -1);
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    if (this.#phase !== State.Sending) return;
    this.#complete(this.#host.nowNs(), outcomeOfError(err));
  }

  /** A request ended: `failure` is an outcome index for transport failures, -1 for a response. */
  #complete(now: number, failure: number): void {
    this.#controller = null;
    if (this.#deadlineTicket >= 0) {
      this.#host.deadlines.clear(this.#deadlineTicket);
      this.#deadlineTicket = -1;
    }
    const step = this.#step();
    const stepId = this.#stepIds[this.#pos]!;
    const latencyUs = (now - this.#intendedNs) / 1e3;
    const serviceUs = (now - this.#sentNs) / 1e3;
    if (failure >= 0) return this.#failed(now, step, stepId, failure as OutcomeIndex, latencyUs, serviceUs);

    const status = this.#status;
    if (!step.expect.includes(status)) {
      return this.#failed(now, step, stepId, outcomeOfStatus(status), latencyUs, serviceUs);
    }
    const view: ResponseView = {
      status,
      headers: this.#headers ?? {},
      body: this.#chunks ? Buffer.concat(this.#chunks).toString('utf8') : undefined,
    };
    const verdict = this.#host.target.interpret(step.kind, view, this.#state);
    if (verdict.verdict === 'invalid') {
      return this.#failed(now, step, stepId, Outcome.invalid, latencyUs, serviceUs);
    }
    if (verdict.verdict === 'pending') {
      // The mail is not there yet: poll again unless the step's deadline would pass first.
      const nextPoll = now + step.pollEveryS * 1e9;
      if (nextPoll - this.#stepStartNs > step.timeoutS * 1e9) {
        this.#host.recorder.outcomeOnly(stepId, Outcome.mailTimeout);
        return this.#end();
      }
      return this.#schedule(nextPoll, false);
    }
    if (verdict.captures) Object.assign(this.#state.captures, verdict.captures);
    // A polled step's latency is the user's wait for the mail, from the step's intended start.
    const stepLatencyUs = step.kind === 'await-mail' ? (now - this.#stepStartNs) / 1e3 : latencyUs;
    this.#host.recorder.request(stepId, Outcome.ok, stepLatencyUs, serviceUs);
    this.#pos++;
    if (this.#pos >= this.#flow.steps.length) return this.#end();
    const next = this.#step();
    const thinkS = sampleThinkS(next.think, this.#rand.float(), this.#rand.float());
    this.#beginStep(now + thinkS * 1e9);
  }

  #failed(
    now: number,
    step: FlowStep,
    stepId: number,
    outcome: OutcomeIndex,
    latencyUs: number,
    serviceUs: number,
  ): void {
    this.#host.recorder.request(stepId, outcome, latencyUs, serviceUs);
    if (!this.#cancelled && this.#attempt < step.retry.maxAttempts && retryMask(step)[outcome]) {
      this.#attempt++;
      const delayS = retryDelayS(step.retry, this.#attempt, this.#rand.float(), this.#retryAfterS());
      this.#schedule(now + delayS * 1e9, true);
      return;
    }
    this.#end();
  }

  #retryAfterS(): number {
    const v = this.#headers?.['retry-after'];
    if (typeof v !== 'string') return Number.NaN;
    const n = Number(v);
    if (Number.isFinite(n)) return n;
    const at = Date.parse(v);
    return Number.isFinite(at) ? Math.max(0, (at - Date.now()) / 1000) : Number.NaN;
  }

  #end(): void {
    if (this.#phase === State.Done) return;
    this.#phase = State.Done;
    this.#host.sessionEnded(this);
  }
}
