/**
 * One arrival's session: a pure state machine over its flow (step, attempt, captures, intended
 * time). It reacts to events — start, a wait coming due, the request written, a response, a
 * failure, cancellation — and answers with the next action: send this request, wait until t, or
 * done. It holds no timer, reads no clock and knows no wire: every event carries its time, and
 * the scheduler (harness/driver/scheduler.ts) turns actions into transport sends and clock alarms.
 *
 * Definitions it implements (docs/measurement.md): an attempt's latency runs from its intended
 * send time (the arrival for the first step, previous completion + think time after that, the
 * backoff end for a retry); service time from its write to the socket; a step's user wait from
 * its first attempt's intended time to its final outcome, across retries.
 *
 * Target code is user code: anything `buildRequest` or `interpret` throws becomes the step's
 * `target-error` outcome; it is never retried, ends the session and enters no latency figure.
 */
import type { ShardRecorder } from '../../reports/recorder/shard-recorder.js';
import { type DerivedCredentials, hasDerivedCredentials } from '../../targets/derived-credentials.js';
import type { RequestSpec, ResponseView, SessionState, Target } from '../../targets/target.js';
import { Rng } from '../arrivals/rng.js';
import { errorMessage } from '../errors.js';
import type { Flow, FlowStep } from '../profile/profile.js';
import type { ResponseHeaders } from '../transports/transport.js';
import { Outcome, type OutcomeIndex, outcomeOfStatus } from '../vocabulary/outcome.js';
import { nextPollNs, usefulPollNs } from './mail-poll.js';
import { retryAfterS, retryDelayS, shouldRetry } from './retry-backoff.js';
import {
  B_FLAGS,
  B_STATE,
  F_MARK,
  F_SEQ,
  F_START,
  F_WAKE,
  FLAG_SEEDED,
  H_ATTEMPT,
  H_FLOW,
  H_POS,
  H_REGION,
  H_REREQUESTS,
  I_ACCOUNT,
  I_R0,
  SessionRecords,
  STATE_DONE,
  STATE_SUCCEEDED,
  STATE_WAIT_KIND,
  STATE_WAIT_KIND_SHIFT,
} from './session-records.js';
import { sampleThinkS } from './think-time.js';

/** What the scheduler must do next for a session. */
export const Act = {
  /** Send `session.request` now (the wait for its intended time is over). */
  Send: 1,
  /** Call `due()` at `session.wakeNs`. */
  Wait: 2,
  /** The session is over; `session.succeeded` says how. */
  Done: 3,
} as const;
export type Act = (typeof Act)[keyof typeof Act];

/** Why a session waits: backoff waits are the retry herd (a backlog series of their own). */
export const WaitKind = { Start: 0, Think: 1, Backoff: 2, Poll: 3 } as const;
export type WaitKind = (typeof WaitKind)[keyof typeof WaitKind];

/** What a session starts from: one arrival, resolved. */
export interface SessionStart {
  readonly flow: Flow;
  /** Index of the flow in the profile (per-flow counts). */
  readonly flowIndex: number;
  readonly stepIds: readonly number[];
  readonly accountIndex: number;
  readonly account: string;
  readonly password: string;
  readonly region: string;
  /** Index of the region (of the profile's regions; past them: none). */
  readonly regionIndex: number;
  readonly seed: number;
  readonly seq: number;
}

/** The one Rng every session draws through, its own state words loaded first (one thread, no re-entry). */
const scratch = new Rng(0);

/**
 * A cursor over the sessions of one scheduler: `at(id)` points it at session `id`'s record
 * (session-records.ts), and every method and property then reads and writes that session. One
 * cursor serves every session, so a session waiting holds no object, only its 64-byte record.
 *
 * The cursor is also the state its target reads and writes (`SessionState`), valid during the
 * call it is handed to (a target keeps nothing of it: the next call may be another session's).
 * With a target that derives its credentials from the index (`DerivedCredentials`), `account` and
 * the initial `password` are derived when read, not held.
 */
export class Session implements SessionState {
  readonly #target: Target;
  /** The target derives its credentials from the index (`DerivedCredentials`). */
  readonly #derived: boolean;
  readonly #recorder: ShardRecorder;
  readonly records: SessionRecords;
  /** Flows, their step ids and region names by the numbers records hold, learnt from each start. */
  readonly #flows: Flow[] = [];
  readonly #stepIdsOf: (readonly number[])[] = [];
  readonly #regionNames: string[] = [];
  /** The population's seed (one a scheduler: its profile's). */
  seed = 0;
  /** The session the cursor is at, and its record's base in each view. */
  #id = -1;
  protected b8 = 0;
  protected b16 = 0;
  protected b32 = 0;
  protected b64 = 0;
  /** The records' views, as of the last `at` (a store that grew has new ones). */
  protected f64v: Float64Array;
  protected i32v: Int32Array;
  protected u32v: Uint32Array;
  protected u16v: Uint16Array;
  protected u8v: Uint8Array;

  /** The request to send (valid after `due()` answered Act.Send, until the next call). */
  request: RequestSpec | null = null;
  /** Whether the request's body is wanted (valid with `request`). */
  wantBody = false;

  /** One cursor for all of a scheduler's sessions (`records`: theirs; a fresh store when not given). */
  constructor(target: Target, recorder: ShardRecorder, records: SessionRecords = new SessionRecords()) {
    this.#target = target;
    this.#derived = hasDerivedCredentials(target);
    this.#recorder = recorder;
    this.records = records;
    this.f64v = records.f64;
    this.i32v = records.i32;
    this.u32v = records.u32;
    this.u16v = records.u16;
    this.u8v = records.u8;
  }

  /** Points the cursor at session `id` (a number `records.take()` handed out). */
  at(id: number): this {
    if (this.u8v !== this.records.u8) this.#views();
    this.#id = id;
    this.b8 = id * 8;
    this.b16 = id * 16;
    this.b32 = id * 32;
    this.b64 = id * 64;
    return this;
  }

  #views(): void {
    const r = this.records;
    this.f64v = r.f64;
    this.i32v = r.i32;
    this.u32v = r.u32;
    this.u16v = r.u16;
    this.u8v = r.u8;
  }

  /** The session the cursor is at. */
  get id(): number {
    return this.#id;
  }

  // The record's fields, by name (session-records.ts gives the layout). TypeScript-private
  // accessors (`name_`), not #private ones: V8 brand-checks a #private accessor at every use, and
  // bench/driver-cost.ts measured 0.95 against 0.81 µs of driver CPU a request.
  /** The shared generator takes up this session's state words (`#draw`). */
  private loadWords_(): void {
    const i32 = this.i32v;
    const b = this.b16 + I_R0;
    scratch.setState(i32[b]!, i32[b + 1]!, i32[b + 2]!, i32[b + 3]!);
  }
  /** This session keeps the shared generator's state words after a draw. */
  private setWords_(): void {
    const i32 = this.i32v;
    const b = this.b16 + I_R0;
    i32[b] = scratch.word(0);
    i32[b + 1] = scratch.word(1);
    i32[b + 2] = scratch.word(2);
    i32[b + 3] = scratch.word(3);
  }
  private get seeded_(): boolean {
    return (this.u8v[this.b64 + B_FLAGS]! & FLAG_SEEDED) !== 0;
  }
  private set seeded_(v: boolean) {
    this.setBits_(B_FLAGS, FLAG_SEEDED, v ? FLAG_SEEDED : 0);
  }
  private get flow_(): Flow {
    return this.#flows[this.flowIndex]!;
  }
  private get stepIds_(): readonly number[] {
    return this.#stepIdsOf[this.flowIndex]!;
  }
  private get pos_(): number {
    return this.u16v[this.b32 + H_POS]!;
  }
  private set pos_(v: number) {
    this.u16v[this.b32 + H_POS] = v;
  }
  private get attempt_(): number {
    return this.u16v[this.b32 + H_ATTEMPT]!;
  }
  private set attempt_(v: number) {
    this.u16v[this.b32 + H_ATTEMPT] = v;
  }
  private get reRequests_(): number {
    return this.u16v[this.b32 + H_REREQUESTS]!;
  }
  private set reRequests_(v: number) {
    this.u16v[this.b32 + H_REREQUESTS] = v;
  }
  private get stepStartNs_(): number {
    return this.f64v[this.b8 + F_START]!;
  }
  private set stepStartNs_(v: number) {
    this.f64v[this.b8 + F_START] = v;
  }
  /**
   * In flight: when the request was written (-1: not yet). In a poll wait: when the last "no
   * mail yet" was answered. One field for both (they never overlap).
   */
  private get markNs_(): number {
    return this.f64v[this.b8 + F_MARK]!;
  }
  private set markNs_(v: number) {
    this.f64v[this.b8 + F_MARK] = v;
  }
  private get captures_(): Record<string, string> | null {
    return this.records.captures[this.#id]!;
  }
  private set captures_(v: Record<string, string> | null) {
    this.records.captures[this.#id] = v;
  }
  /** Bits `mask` of the state byte. */
  protected stateBits(mask: number): number {
    return this.u8v[this.b64 + B_STATE]! & mask;
  }
  /** Sets bits `mask` of the record's byte `at` (B_STATE, B_FLAGS) to `v`, already in place. */
  protected setBits_(at: number, mask: number, v: number): void {
    const u8 = this.u8v;
    const i = this.b64 + at;
    u8[i] = (u8[i]! & ~mask) | v;
  }

  get accountIndex(): number {
    return this.u32v[this.b16 + I_ACCOUNT]!;
  }
  get region(): string {
    return this.#regionNames[this.u16v[this.b32 + H_REGION]!]!;
  }
  get seq(): number {
    return this.f64v[this.b8 + F_SEQ]!;
  }
  /** Index of the session's flow. */
  get flowIndex(): number {
    return this.u16v[this.b32 + H_FLOW]!;
  }
  /**
   * When the pending wait ends (Act.Wait); from `due()` until the request ends, the request's
   * intended send time (`intendedNs`).
   */
  get wakeNs(): number {
    return this.f64v[this.b8 + F_WAKE]!;
  }
  set wakeNs(v: number) {
    this.f64v[this.b8 + F_WAKE] = v;
  }
  get waitKind(): WaitKind {
    return ((this.u8v[this.b64 + B_STATE]! & STATE_WAIT_KIND) >> STATE_WAIT_KIND_SHIFT) as WaitKind;
  }
  set waitKind(k: WaitKind) {
    this.setBits_(B_STATE, STATE_WAIT_KIND, k << STATE_WAIT_KIND_SHIFT);
  }
  /** Whether every step succeeded (valid once Act.Done). */
  get succeeded(): boolean {
    return this.stateBits(STATE_SUCCEEDED) !== 0;
  }
  set succeeded(v: boolean) {
    this.setBits_(B_STATE, STATE_SUCCEEDED, v ? STATE_SUCCEEDED : 0);
  }
  get done(): boolean {
    return this.stateBits(STATE_DONE) !== 0;
  }
  set done(v: boolean) {
    this.setBits_(B_STATE, STATE_DONE, v ? STATE_DONE : 0);
  }

  get account(): string {
    return (
      this.records.account[this.#id] ??
      (this.#target as Target & DerivedCredentials).accountOf(this.accountIndex)
    );
  }

  get password(): string {
    return (
      this.records.password[this.#id] ??
      (this.#target as Target & DerivedCredentials).passwordOf(this.accountIndex)
    );
  }

  set password(p: string) {
    this.records.password[this.#id] = p;
  }

  get captures(): Record<string, string> {
    this.captures_ ??= {};
    return this.captures_;
  }

  /** Derived on demand (only reset flows read it). */
  get newPassword(): string {
    return `Np-${this.seed}-${this.seq}`;
  }

  /** Intended send time of the request in flight or about to be sent. */
  get intendedNs(): number {
    return this.f64v[this.b8 + F_WAKE]!;
  }

  /** Attempt number of the current step (1 = its first attempt). */
  get attempt(): number {
    return this.attempt_;
  }

  /** Run-wide index of the current step. */
  get stepId(): number {
    return this.stepIds_[this.pos_]!;
  }

  /**
   * Starts the arrival's first step at its intended time `atNs`, in the record the cursor is at
   * (fresh from `records.take()`: whatever its last session left there is overwritten). Always
   * answers Act.Wait.
   */
  start(init: SessionStart, atNs: number): Act {
    const r = this.records;
    this.u32v[this.b16 + I_ACCOUNT] = init.accountIndex;
    // A target that derives credentials gave none (session-starter.ts): they are derived when read.
    r.account[this.#id] = this.#derived ? null : init.account;
    r.password[this.#id] = this.#derived ? null : init.password;
    this.#regionNames[init.regionIndex] = init.region;
    this.u16v[this.b32 + H_REGION] = init.regionIndex;
    this.seed = init.seed;
    this.f64v[this.b8 + F_SEQ] = init.seq;
    this.captures_ = null;
    this.markNs_ = -1;
    this.#flows[init.flowIndex] = init.flow;
    this.#stepIdsOf[init.flowIndex] = init.stepIds;
    this.u16v[this.b32 + H_FLOW] = init.flowIndex;
    // Seeded by the arrival's place in the stream: the session draws the same think times and
    // jitter whichever worker runs it, so --workers 1 and --workers 4 replay the same surge.
    this.seeded_ = false;
    this.pos_ = 0;
    this.reRequests_ = 0;
    this.done = false;
    this.succeeded = false;
    this.request = null;
    return this.#beginStep(atNs, WaitKind.Start);
  }

  /** The wait ended at `nowNs` (>= wakeNs): builds the request. Act.Send, or Act.Done on a target error. */
  due(_nowNs: number): Act {
    const step = this.#step();
    if (this.waitKind !== WaitKind.Poll) this.#recorder.offered(this.stepId, this.attempt_ > 1);
    this.markNs_ = -1;
    try {
      this.request = this.#target.buildRequest(step.kind, this);
      this.wantBody = this.#target.needsBody(step.kind);
    } catch (err: unknown) {
      return this.#targetError(err);
    }
    return Act.Send;
  }

  /** The request's bytes were handed to the socket at `atNs`. */
  written(atNs: number): void {
    this.markNs_ = atNs;
  }

  /** A response arrived at `atNs`. */
  response(atNs: number, status: number, headers: ResponseHeaders, body: string | undefined): Act {
    const step = this.#step();
    const stepId = this.stepId;
    const latencyUs = (atNs - this.intendedNs) / 1e3;
    const serviceUs = this.markNs_ >= 0 ? (atNs - this.markNs_) / 1e3 : -1;
    if (!step.expect.includes(status)) {
      return this.#failed(atNs, step, outcomeOfStatus(status), latencyUs, serviceUs, headers);
    }
    const view: ResponseView = { status, headers, body };
    let verdict: ReturnType<Target['interpret']>;
    try {
      verdict = this.#target.interpret(step.kind, view, this);
    } catch (err: unknown) {
      return this.#targetError(err);
    }
    if (verdict.verdict === 'invalid')
      return this.#failed(atNs, step, Outcome.invalid, latencyUs, serviceUs, null);
    if (verdict.verdict === 'pending') {
      this.#recorder.poll(stepId);
      this.markNs_ = atNs;
      const again = this.#askAgain(atNs);
      if (again !== null) return again;
      const next = nextPollNs(this.stepStartNs_, atNs, step.pollEveryS, step.timeoutS);
      if (next < 0) {
        // The mail never came within the step's deadline: the user's wait ends here, unserved.
        this.#recorder.attemptCount(stepId, Outcome.mailTimeout);
        this.#recorder.final(stepId, Outcome.mailTimeout, (atNs - this.stepStartNs_) / 1e3);
        return this.#end(false);
      }
      return this.#wait(next, WaitKind.Poll);
    }
    if (verdict.captures) Object.assign(this.captures, verdict.captures);
    // A polled step's latency is the user's wait for the mail, from the step's intended start.
    const stepLatencyUs = step.kind === 'await-mail' ? (atNs - this.stepStartNs_) / 1e3 : latencyUs;
    this.#recorder.attempt(stepId, Outcome.ok, stepLatencyUs, serviceUs);
    this.#recorder.final(stepId, Outcome.ok, (atNs - this.stepStartNs_) / 1e3);
    this.pos_++;
    if (this.pos_ >= this.flow_.steps.length) return this.#end(true);
    const u1 = this.#draw();
    const thinkS = sampleThinkS(this.#step().think, u1, this.#draw());
    return this.#beginStep(atNs + thinkS * 1e9, WaitKind.Think);
  }

  /** The request failed at `atNs` without a usable response (timeout, connect, reset, invalid). */
  failure(atNs: number, outcome: OutcomeIndex): Act {
    const latencyUs = (atNs - this.intendedNs) / 1e3;
    const serviceUs = this.markNs_ >= 0 ? (atNs - this.markNs_) / 1e3 : -1;
    return this.#failed(atNs, this.#step(), outcome, latencyUs, serviceUs, null);
  }

  /**
   * The run ends under this session: its step's final outcome is `cancelled` (and its attempt
   * too when one was in flight). No latency is recorded: the run, not the backend, cut it short.
   */
  cancel(inFlight: boolean): void {
    if (this.done) return;
    if (inFlight) this.#recorder.attemptCount(this.stepId, Outcome.cancelled);
    this.#recorder.final(this.stepId, Outcome.cancelled, -1);
    this.#end(false);
  }

  /**
   * In a poll wait (Act.Wait, WaitKind.Poll): the mail is readable from `mailAtNs`, so the polls
   * before the first useful one are counted as "no mail yet" and not sent; `wakeNs` moves to it.
   * Only a transport that knows mail arrivals (a model) gives the scheduler a reason to call it.
   */
  skipPolls(mailAtNs: number): void {
    if (this.waitKind !== WaitKind.Poll) return;
    const step = this.#step();
    // With patience left, the poll at which the user asks again is a useful poll too.
    const patience = this.flow_.reRequest;
    const askAt =
      patience && this.reRequests_ < patience.max
        ? this.stepStartNs_ + patience.afterS * 1e9
        : Number.POSITIVE_INFINITY;
    const u = usefulPollNs(
      this.stepStartNs_,
      this.markNs_,
      step.pollEveryS,
      step.timeoutS,
      Math.min(mailAtNs, askAt),
    );
    if (u.nextNs < 0 || u.skipped === 0) return;
    this.#recorder.poll(this.stepId, u.skipped);
    this.wakeNs = u.nextNs;
  }

  /** The next uniform draw of the session's generator, seeded from (seed, seq) on first use. */
  #draw(): number {
    if (!this.seeded_) {
      scratch.reseed(this.seed, this.seq);
      this.seeded_ = true;
    } else this.loadWords_();
    const u = scratch.float();
    this.setWords_();
    return u;
  }

  #step(): FlowStep {
    return this.flow_.steps[this.pos_]!;
  }

  /**
   * The user's patience with the mail (`flow.reRequest`): waited `after` with no mail, and asked
   * fewer than `max` times again, the user goes back to the flow's reset-request step at once.
   * The wait so far ends unserved (the mail step is re-entered after the new request).
   */
  #askAgain(atNs: number): Act | null {
    const patience = this.flow_.reRequest;
    if (!patience || this.reRequests_ >= patience.max) return null;
    if (atNs - this.stepStartNs_ < patience.afterS * 1e9) return null;
    let back = this.pos_ - 1;
    while (back >= 0 && this.flow_.steps[back]!.kind !== 'reset-request') back--;
    if (back < 0) return null;
    this.reRequests_++;
    this.pos_ = back;
    this.#recorder.reRequest(this.stepId);
    return this.#beginStep(atNs, WaitKind.Think);
  }

  #beginStep(intendedNs: number, kind: WaitKind): Act {
    this.attempt_ = 1;
    this.stepStartNs_ = intendedNs;
    return this.#wait(intendedNs, kind);
  }

  #wait(atNs: number, kind: WaitKind): Act {
    this.wakeNs = atNs;
    this.waitKind = kind;
    this.request = null;
    return Act.Wait;
  }

  #failed(
    atNs: number,
    step: FlowStep,
    outcome: OutcomeIndex,
    latencyUs: number,
    serviceUs: number,
    headers: ResponseHeaders | null,
  ): Act {
    const stepId = this.stepId;
    this.#recorder.attempt(stepId, outcome, latencyUs, serviceUs);
    if (this.attempt_ < step.retry.maxAttempts && shouldRetry(step.retry, outcome)) {
      this.attempt_++;
      const delayS = retryDelayS(step.retry, this.attempt_, this.#draw(), retryAfterS(headers));
      return this.#wait(atNs + delayS * 1e9, WaitKind.Backoff);
    }
    this.#recorder.final(stepId, outcome, (atNs - this.stepStartNs_) / 1e3);
    return this.#end(false);
  }

  #targetError(err: unknown): Act {
    this.#recorder.targetError(this.stepId, errorMessage(err));
    return this.#end(false);
  }

  #end(succeeded: boolean): Act {
    this.done = true;
    this.succeeded = succeeded;
    this.request = null;
    this.#recorder.sessionDone(this.flowIndex, succeeded);
    return Act.Done;
  }
}
