/**
 * The hot-path recorder of one shard (one worker thread, an engine, a simulation). It only counts
 * and records into preallocated WebAssembly histograms. Interval cuts are two-phase so that a cut
 * never stalls the send path: `cut()` only swaps the live bank of histograms for a spare one (a
 * few pointer moves), and `seal()` encodes the cut bank into a plain `IntervalSnapshot` later,
 * after the due sends (the scheduler calls it from an idle moment).
 *
 * Counts are kept in arrays indexed as OUTCOME_CLASSES inside the process and shipped by class
 * name. Not thread-safe and not meant to be: each shard owns one.
 */
import type { Histogram } from 'hdr-histogram-js';
import {
  countsByName,
  OUTCOME_CLASSES,
  Outcome,
  type OutcomeIndex,
} from '../../harness/vocabulary/outcome.js';
import { clampUs, encodeHistogram, recordingHistogram } from './histogram-factory.js';
import type {
  BacklogGauges,
  FlowInterval,
  GeneratorHealth,
  IntervalSnapshot,
  StepInterval,
} from './interval-snapshot.js';

const OUTCOME_COUNT = OUTCOME_CLASSES.length;
/** Distinct target-error messages kept per interval; the rest are counted under one key. */
const MAX_MESSAGES = 8;
const OTHER_MESSAGES = '(other messages)';

interface StepSlot {
  readonly latency: Histogram;
  readonly latencyOk: Histogram;
  readonly service: Histogram;
  readonly userWait: Histogram;
  readonly attempts: Float64Array;
  readonly finals: Float64Array;
  offered: number;
  retries: number;
  polls: number;
  reRequests: number;
  touched: boolean;
}

interface FlowSlot {
  arrivals: number;
  dropped: number;
  completed: number;
  succeeded: number;
}

/** One set of everything an interval accumulates. Two exist; they swap at each cut. */
interface Bank {
  readonly steps: StepSlot[];
  readonly flows: FlowSlot[];
  readonly lateness: Histogram;
  /** Sends on time (lateness under 1 µs, recorded as 1 µs): counted, recorded once at the seal. */
  onTime: number;
  arrivals: number;
  started: number;
  dropped: number;
  completed: number;
  succeeded: number;
  maxLatenessUs: number;
  targetErrors: Map<string, number>;
}

/** What `cut` captured besides the bank: the interval's place and the gauges at its end. */
interface CutInfo {
  index: number;
  startMs: number;
  endMs: number;
  inFlight: number;
  backlog: BacklogGauges | undefined;
  health: GeneratorHealth | undefined;
}

function newBank(stepCount: number, flowCount: number): Bank {
  const steps: StepSlot[] = [];
  for (let i = 0; i < stepCount; i++) {
    steps.push({
      latency: recordingHistogram(),
      latencyOk: recordingHistogram(),
      service: recordingHistogram(),
      userWait: recordingHistogram(),
      attempts: new Float64Array(OUTCOME_COUNT),
      finals: new Float64Array(OUTCOME_COUNT),
      offered: 0,
      retries: 0,
      polls: 0,
      reRequests: 0,
      touched: false,
    });
  }
  const flows: FlowSlot[] = [];
  for (let i = 0; i < flowCount; i++) flows.push({ arrivals: 0, dropped: 0, completed: 0, succeeded: 0 });
  return {
    steps,
    flows,
    lateness: recordingHistogram(),
    onTime: 0,
    arrivals: 0,
    started: 0,
    dropped: 0,
    completed: 0,
    succeeded: 0,
    maxLatenessUs: 0,
    targetErrors: new Map(),
  };
}

export class ShardRecorder {
  readonly #flowNames: readonly string[];
  #live: Bank;
  #spare: Bank;
  #sealed: CutInfo | null = null;
  #destroyed = false;

  /**
   * `stepCount`: distinct step names of the run (indices as in `RunMeta.steps`); `flowNames`: the
   * profile's flows, in order (indices as the arrival stream's `flow`).
   */
  constructor(stepCount: number, flowNames: readonly string[]) {
    this.#flowNames = flowNames;
    this.#live = newBank(stepCount, flowNames.length);
    this.#spare = newBank(stepCount, flowNames.length);
  }

  /** An attempt reached its intended send time (it may be sent late, but it was wanted now). */
  offered(step: number, isRetry: boolean): void {
    const s = this.#live.steps[step]!;
    s.offered++;
    if (isRetry) s.retries++;
    s.touched = true;
  }

  /**
   * An attempt got its outcome from the backend (or the transport). `latencyUs` runs from the
   * intended send time, `serviceUs` from the write to the socket (negative: never written).
   */
  attempt(step: number, outcome: OutcomeIndex, latencyUs: number, serviceUs: number): void {
    const s = this.#live.steps[step]!;
    s.latency.recordValue(clampUs(latencyUs));
    if (outcome === Outcome.ok) s.latencyOk.recordValue(clampUs(latencyUs));
    if (serviceUs >= 0) s.service.recordValue(clampUs(serviceUs));
    s.attempts[outcome]!++;
    s.touched = true;
  }

  /** An attempt that ended without a backend outcome (cancelled, target-error): counted only. */
  attemptCount(step: number, outcome: OutcomeIndex): void {
    const s = this.#live.steps[step]!;
    s.attempts[outcome]!++;
    s.touched = true;
  }

  /**
   * `n` mailbox polls answered "no mail yet" (n > 1: a run of polls a simulation answered
   * analytically, counted in the interval where it was answered).
   */
  poll(step: number, n = 1): void {
    const s = this.#live.steps[step]!;
    s.polls += n;
    s.touched = true;
  }

  /** A user asked again (reset-request) because the mail had not come: the step's re-requests. */
  reRequest(step: number): void {
    const s = this.#live.steps[step]!;
    s.reRequests++;
    s.touched = true;
  }

  /** The step ended with `outcome` after all its attempts; `userWaitUs` < 0: not a user's wait. */
  final(step: number, outcome: OutcomeIndex, userWaitUs: number): void {
    const s = this.#live.steps[step]!;
    s.finals[outcome]!++;
    if (userWaitUs >= 0) s.userWait.recordValue(clampUs(userWaitUs));
    s.touched = true;
  }

  /** Target code threw: the attempt and the step end as target-error; the message is tallied. */
  targetError(step: number, message: string): void {
    this.attemptCount(step, Outcome.targetError);
    this.final(step, Outcome.targetError, -1);
    const m = this.#live.targetErrors;
    const key = m.has(message) || m.size < MAX_MESSAGES ? message : OTHER_MESSAGES;
    m.set(key, (m.get(key) ?? 0) + 1);
  }

  arrival(flow: number, started: boolean): void {
    const b = this.#live;
    const f = b.flows[flow]!;
    b.arrivals++;
    f.arrivals++;
    if (started) b.started++;
    else {
      b.dropped++;
      f.dropped++;
    }
  }

  sessionDone(flow: number, succeeded: boolean): void {
    const b = this.#live;
    const f = b.flows[flow]!;
    b.completed++;
    f.completed++;
    if (succeeded) {
      b.succeeded++;
      f.succeeded++;
    }
  }

  lateness(us: number): void {
    const b = this.#live;
    if (us > b.maxLatenessUs) b.maxLatenessUs = us;
    // Every send of a virtual-time run is on time: one count instead of a histogram call each.
    if (us < 1) b.onTime++;
    else b.lateness.recordValue(clampUs(us));
  }

  /**
   * Closes interval `index` spanning [startMs, endMs) (epoch ms): swaps the live bank out. Cheap;
   * call `seal()` afterwards, off the send path, to get its snapshot. A second cut before the
   * seal seals the first one and returns it (never lost).
   */
  cut(
    index: number,
    startMs: number,
    endMs: number,
    inFlight: number,
    backlog?: BacklogGauges,
    health?: GeneratorHealth,
  ): IntervalSnapshot | null {
    const earlier = this.#sealed ? this.seal() : null;
    const cut = this.#live;
    this.#live = this.#spare;
    this.#spare = cut;
    this.#sealed = { index, startMs, endMs, inFlight, backlog, health };
    return earlier;
  }

  /** Whether a cut interval waits for `seal()`. */
  get hasCut(): boolean {
    return this.#sealed !== null;
  }

  /** Encodes the last cut interval into its snapshot and resets that bank for reuse. */
  seal(): IntervalSnapshot | null {
    const info = this.#sealed;
    if (!info) return null;
    this.#sealed = null;
    const b = this.#spare;
    if (b.onTime > 0) {
      b.lateness.recordValueWithCount(clampUs(0), b.onTime);
      b.onTime = 0;
    }
    const steps: StepInterval[] = [];
    for (let i = 0; i < b.steps.length; i++) {
      const s = b.steps[i]!;
      if (!s.touched) continue;
      steps.push({
        step: i,
        latency: encodeReset(s.latency, info),
        // Empty optional histograms are left out: encoding and decoding them is most of a cut's cost.
        ...(s.latencyOk.totalCount > 0 ? { latencyOk: encodeReset(s.latencyOk, info) } : {}),
        service: encodeReset(s.service, info),
        ...(s.userWait.totalCount > 0 ? { userWait: encodeReset(s.userWait, info) } : {}),
        outcomes: countsByName(s.attempts),
        finals: countsByName(s.finals),
        offered: s.offered,
        retries: s.retries,
        ...(s.polls > 0 ? { polls: s.polls } : {}),
        ...(s.reRequests > 0 ? { reRequests: s.reRequests } : {}),
      });
      s.attempts.fill(0);
      s.finals.fill(0);
      s.offered = 0;
      s.retries = 0;
      s.polls = 0;
      s.reRequests = 0;
      s.touched = false;
    }
    const flows: Record<string, FlowInterval> = {};
    for (let i = 0; i < b.flows.length; i++) {
      const f = b.flows[i]!;
      if (f.arrivals + f.completed > 0) flows[this.#flowNames[i]!] = { ...f };
      f.arrivals = 0;
      f.dropped = 0;
      f.completed = 0;
      f.succeeded = 0;
    }
    const snapshot: IntervalSnapshot = {
      index: info.index,
      startMs: info.startMs,
      endMs: info.endMs,
      arrivals: b.arrivals,
      started: b.started,
      dropped: b.dropped,
      completed: b.completed,
      succeeded: b.succeeded,
      inFlight: info.inFlight,
      ...(info.backlog ? { backlog: info.backlog } : {}),
      maxLatenessUs: b.maxLatenessUs,
      ...(b.lateness.totalCount > 0 ? { lateness: encodeReset(b.lateness, info) } : {}),
      ...(info.health ? { health: info.health } : {}),
      flows,
      ...(b.targetErrors.size > 0 ? { targetErrors: Object.fromEntries(b.targetErrors) } : {}),
      steps,
    };
    b.arrivals = 0;
    b.started = 0;
    b.dropped = 0;
    b.completed = 0;
    b.succeeded = 0;
    b.maxLatenessUs = 0;
    if (b.targetErrors.size > 0) b.targetErrors = new Map();
    return snapshot;
  }

  /** Frees the WebAssembly memory. The recorder is unusable afterwards. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const bank of [this.#live, this.#spare]) {
      for (const s of bank.steps) {
        s.latency.destroy();
        s.latencyOk.destroy();
        s.service.destroy();
        s.userWait.destroy();
      }
      bank.lateness.destroy();
    }
  }
}

function encodeReset(h: Histogram, info: CutInfo): string {
  h.startTimeStampMsec = info.startMs;
  h.endTimeStampMsec = info.endMs;
  const encoded = encodeHistogram(h);
  h.reset();
  return encoded;
}
