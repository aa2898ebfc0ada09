/**
 * Runs one shard of the arrival stream: fires each arrival at its time whether or not the target
 * keeps up (open model), runs its session, records, and cuts an interval snapshot every
 * `intervalMs`. One loop, one OS timer: arrivals and every session's wake-ups share a clock.
 *
 * The loop never waits for a response. When it runs late (the event loop was busy), arrivals are
 * still started with their *intended* time, so the lateness lands in the latency, not in a
 * slowed schedule; the worst lateness per interval is recorded too.
 */
import { Pool } from 'undici';
import type { IntervalSnapshot } from '../../reports/recorder/interval-snapshot.js';
import { ShardRecorder } from '../../reports/recorder/shard-recorder.js';
import type { Target } from '../../targets/target.js';
import { emptyArrival } from '../arrivals/arrival.js';
import { createArrivalStream } from '../arrivals/arrival-stream.js';
import { buildStepIndex } from '../profile/step-index.js';
import { DeadlineRing } from './deadline-ring.js';
import { deadlineError } from './error-class.js';
import { Session, type SessionHost } from './session.js';
import type { ShardConfig } from './shard-config.js';
import { TimerHeap } from './timer-heap.js';

/** Below this, the loop spins on setImmediate instead of a timer (timers are ~1 ms coarse). */
const SPIN_NS = 1.5e6;

export interface ShardRunResult {
  /** Sessions cancelled at the end (drain deadline or stop). */
  readonly cancelled: number;
}

export class ShardRunner {
  readonly #cfg: ShardConfig;
  readonly #target: Target;
  readonly #onSnapshot: (s: IntervalSnapshot) => void;
  readonly #recorder: ShardRecorder;
  readonly #pool: Pool;
  readonly #heap = new TimerHeap<Session>();
  readonly #deadlines = new DeadlineRing<Session>();
  readonly #live = new Set<Session>();
  /** Ended sessions kept for reuse: a surge allocates about as many as it has in flight at once. */
  readonly #spare: Session[] = [];
  readonly #clockOffsetMs: number;
  #stopping = false;
  #stopDeadlineNs = Number.POSITIVE_INFINITY;
  #interval = 0;
  #timer: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  #finish: ((r: ShardRunResult) => void) | null = null;
  #cancelled = 0;
  #tick: (() => void) | null = null;
  /** When the loop will run next (ns from t0); Infinity while it is running. */
  #wakeAtNs = Number.POSITIVE_INFINITY;

  readonly #t0Ms: number;

  constructor(cfg: ShardConfig, t0Ms: number, target: Target, onSnapshot: (s: IntervalSnapshot) => void) {
    this.#cfg = cfg;
    this.#t0Ms = t0Ms;
    this.#target = target;
    this.#onSnapshot = onSnapshot;
    this.#recorder = new ShardRecorder(buildStepIndex(cfg.profile).names.length);
    this.#pool = new Pool(target.origin(), {
      connections: cfg.connections,
      pipelining: cfg.pipelining,
      connect: { timeout: cfg.connectTimeoutMs },
      // The driver enforces the precise deadline itself; these only catch what slips past it.
      headersTimeout: cfg.requestTimeoutMs + 5_000,
      bodyTimeout: cfg.requestTimeoutMs + 5_000,
    });
    // performance.now() is per thread; anchoring to the shared epoch t0 puts every shard on one clock.
    this.#clockOffsetMs = performance.timeOrigin - t0Ms;
  }

  /** ns since the run's t0. */
  nowNs(): number {
    return (this.#clockOffsetMs + performance.now()) * 1e6;
  }

  /** Stops firing arrivals; sessions in flight get `graceMs` before they are cancelled. */
  stop(graceMs: number): void {
    this.#stopping = true;
    this.#stopDeadlineNs = Math.min(this.#stopDeadlineNs, this.nowNs() + graceMs * 1e6);
    this.#wakeSoon();
  }

  run(): Promise<ShardRunResult> {
    const cfg = this.#cfg;
    const steps = buildStepIndex(cfg.profile);
    const stream = createArrivalStream(cfg.profile, cfg.shard);
    const next = emptyArrival();
    let haveNext = stream.next(next);
    const recorder = this.#recorder;
    const heap = this.#heap;
    const live = this.#live;
    const flows = cfg.profile.flows;
    const regions = cfg.profile.regions.map((r) => r.name);
    const seed = cfg.profile.population.seed;
    const intervalNs = cfg.intervalMs * 1e6;
    let lastArrivalNs = 0;
    let drainDeadlineNs = Number.POSITIVE_INFINITY;

    const deadlines = this.#deadlines;
    const spare = this.#spare;
    const host: SessionHost = {
      target: this.#target,
      pool: this.#pool,
      recorder,
      heap,
      deadlines,
      nowNs: () => this.nowNs(),
      wakeBy: (dueNs) => {
        if (dueNs < this.#wakeAtNs) this.#armAt(dueNs);
      },
      requestTimeoutNs: cfg.requestTimeoutMs * 1e6,
      deadlineError: deadlineError(),
      sessionEnded: (s) => {
        live.delete(s);
        recorder.sessionDone();
        if (!this.#stopping) spare.push(s);
      },
    };
    // The start record is reused: Session.start copies what it needs.
    const init = {
      flow: flows[0]!,
      stepIds: steps.byFlow[0]!,
      accountIndex: 0,
      account: '',
      password: '',
      region: '',
      seed,
      seq: 0,
    };

    const tick = (): void => {
      this.#clearWake();
      // While it runs, sessions need not re-arm the loop: it computes its next wake at the end.
      this.#wakeAtNs = Number.NEGATIVE_INFINITY;
      let now = this.nowNs();
      this.#cutIntervals(now, intervalNs);

      // Arrivals due now, each with its own intended time.
      while (haveNext && !this.#stopping && next.atNs <= now) {
        const lateNs = now - next.atNs;
        recorder.lateness(lateNs / 1e3);
        if (live.size >= cfg.maxInFlight) {
          recorder.arrival(false);
        } else {
          recorder.arrival(true);
          const creds = this.#target.credentials(next.account);
          init.flow = flows[next.flow]!;
          init.stepIds = steps.byFlow[next.flow]!;
          init.accountIndex = next.account;
          init.account = creds.account;
          init.password = creds.password;
          init.region = regions[next.region] ?? 'global';
          init.seq = next.seq;
          const session = spare.pop() ?? new Session(host);
          live.add(session);
          session.start(init, next.atNs);
        }
        lastArrivalNs = next.atNs;
        haveNext = stream.next(next);
      }
      if (!haveNext && drainDeadlineNs === Number.POSITIVE_INFINITY) {
        drainDeadlineNs = Math.max(lastArrivalNs, now) + cfg.drainMs * 1e6;
      }

      now = this.nowNs();
      while (heap.size > 0 && heap.peekTime() <= now) heap.pop().onTimer(now);
      while (deadlines.peekTime() <= now) deadlines.pop()?.onDeadline(now);

      const endNs = this.#stopping ? this.#stopDeadlineNs : drainDeadlineNs;
      if ((!haveNext || this.#stopping) && (live.size === 0 || now >= endNs)) {
        this.#end();
        return;
      }

      // Next wake: the earliest of the next arrival, the next session timer, the next interval cut.
      let wakeNs = Math.min(heap.peekTime(), deadlines.peekTime());
      if (haveNext && !this.#stopping && next.atNs < wakeNs) wakeNs = next.atNs;
      const cutNs = (this.#interval + 1) * intervalNs;
      if (cutNs < wakeNs) wakeNs = cutNs;
      if (endNs < wakeNs) wakeNs = endNs;
      this.#armAt(wakeNs);
    };
    this.#tick = tick;

    return new Promise<ShardRunResult>((resolve) => {
      this.#finish = resolve;
      this.#interval = Math.max(0, Math.floor(this.nowNs() / intervalNs));
      tick();
    });
  }

  #wakeSoon(): void {
    if (this.#tick) this.#armAt(this.nowNs());
  }

  /** (Re)arms the loop to run at `atNs`: spinning the last stretch, since timers are ~1 ms coarse. */
  #armAt(atNs: number): void {
    const tick = this.#tick;
    if (tick === null) return;
    this.#clearWake();
    this.#wakeAtNs = atNs;
    const delayNs = atNs - this.nowNs();
    if (delayNs <= SPIN_NS) this.#immediate = setImmediate(tick);
    else this.#timer = setTimeout(tick, Math.floor((delayNs - SPIN_NS) / 1e6) + 1);
  }

  #clearWake(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#timer = null;
    this.#immediate = null;
  }

  /** Ships every interval that has ended by `now` (empty ones too, so the coordinator can close them). */
  #cutIntervals(now: number, intervalNs: number): void {
    const current = Math.floor(now / intervalNs);
    while (this.#interval < current) this.#cut();
  }

  #cut(): void {
    const i = this.#interval;
    const ms = this.#cfg.intervalMs;
    this.#onSnapshot(this.#recorder.cut(i, this.#t0Ms + i * ms, this.#t0Ms + (i + 1) * ms, this.#live.size));
    this.#interval = i + 1;
  }

  #end(): void {
    // The loop is over: nothing may re-arm it (late callbacks of cancelled requests included).
    this.#clearWake();
    this.#tick = null;
    // Sessions still running at the deadline are cancelled: their request in flight is aborted and
    // recorded as a timeout, waits are dropped, and the count is reported.
    const reason = deadlineError();
    for (const s of [...this.#live]) {
      this.#cancelled++;
      s.cancel(reason);
    }
    this.#heap.clear();
    // Give aborted requests their error callbacks before the last cut.
    setImmediate(() => {
      this.#cut();
      this.#recorder.destroy();
      void this.#pool.destroy().catch(() => undefined);
      this.#finish?.({ cancelled: this.#cancelled });
    });
  }
}
