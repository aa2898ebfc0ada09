/**
 * The admin servers that process password resets: `workers` of them, each busy for `serviceMs`
 * per reset, behind one bounded FIFO queue. The work is simulated with a timer, not CPU, because
 * in the relaunched service it happens on other machines: what matters here is the queueing.
 *
 * Jobs run on the shared schedule (`rules/admin-schedule.ts`) against the monotonic clock: the
 * timer only says "something has ended by now", and every job whose computed end has passed is
 * completed, the next ones starting at their computed times. The event loop also runs the login
 * hashing, so timers fire late under load; with this schedule lateness delays a completion's
 * callback but never the next job, and the capacity stays exactly workers / serviceMs.
 */

import { AdminSchedule } from './rules/admin-schedule.js';
import { type Admission, queueFullRetryAfterS } from './rules/admission.js';

export type { Admission } from './rules/admission.js';

/** Sizes of the pool. */
export interface AdminPoolOptions {
  readonly workers: number;
  readonly serviceMs: number;
  /** Jobs that may wait for a worker; one more is rejected. */
  readonly queueLimit: number;
  /** Monotonic clock in ms (default performance.now). */
  readonly now?: () => number;
}

type Job = () => void;

const runJob = (job: Job): void => job();

/** A fixed set of workers on computed times, with a bounded FIFO queue and one timer. */
export class AdminPool {
  readonly #schedule: AdminSchedule<Job>;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #closed = false;

  constructor(opts: AdminPoolOptions) {
    this.#schedule = new AdminSchedule<Job>(opts.workers, opts.serviceMs, opts.queueLimit);
    this.#now = opts.now ?? (() => performance.now());
  }

  /** Queues `onDone` to run once its job has ended, or rejects when the queue is full. */
  submit(onDone: () => void): Admission {
    if (this.#closed) return { accepted: false, retryAfterS: 1 };
    const now = this.#now();
    const offer = this.#schedule.offer(now, onDone, runJob);
    this.#arm();
    if (offer.accepted) return { accepted: true };
    return { accepted: false, retryAfterS: queueFullRetryAfterS((offer.drainEndsAt - now) / 1000) };
  }

  /** Jobs waiting for a worker now. */
  get depth(): number {
    this.#catchUp();
    return this.#schedule.depth;
  }

  /** Workers processing a job now. */
  get busy(): number {
    this.#catchUp();
    return this.#schedule.busy;
  }

  /** Jobs finished since start. */
  get completed(): number {
    this.#catchUp();
    return this.#schedule.completed;
  }

  /** Jobs turned away because the queue was full. */
  get rejected(): number {
    return this.#schedule.rejected;
  }

  /** Cancels the timer; queued jobs never run. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#schedule.clear();
  }

  /** Completes what has ended by now (a scrape may come before the late timer). */
  #catchUp(): void {
    if (this.#closed) return;
    this.#schedule.advance(this.#now(), runJob);
    this.#arm();
  }

  /** Keeps one timer set for the earliest computed end. */
  #arm(): void {
    const at = this.#schedule.nextEndAt;
    if (at === this.#timerAt && this.#timer) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    // setTimeout may fire up to 1 ms early against performance.now(): the callback re-arms then.
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#catchUp();
      },
      Math.max(0, at - this.#now()),
    );
  }
}
