/**
 * The admin pool's schedule, shared by the real server (driven by one timer) and its model
 * (driven by the virtual clock): `workers` workers, `serviceTime` per job, a FIFO of at most
 * `queueLimit` waiting jobs. Times are numbers in the caller's unit (ms for the server, ns for
 * the model); nothing here reads a clock or sets a timer.
 *
 * Jobs are scheduled against computed times, never against when a callback ran: a job that a
 * worker takes from the queue ends at max(that worker's previous end, the job's enqueue time) +
 * serviceTime. A late timer therefore completes every job whose end has passed and starts the next
 * ones at their computed times, so lateness never accumulates and capacity is exactly
 * workers / serviceTime.
 *
 * Because every job has the same service time and jobs start in FIFO order, starts are
 * non-decreasing, hence so are ends: the jobs in service finish in the order they started, and a
 * queue of them (oldest end first) replaces a heap of workers.
 */
import { RingQueue } from '../ring-queue.js';
import { admit } from './admission.js';

interface Slot<J> {
  readonly job: J;
  /** Enqueue time while waiting; computed end once in service. */
  at: number;
}

/** Outcome of `offer`: accepted with the job's computed end, or rejected with the drain end. */
export type Offer =
  | { readonly accepted: true; readonly endsAt: number }
  | { readonly accepted: false; readonly drainEndsAt: number };

/** c workers × service time behind a bounded FIFO, on computed times. */
export class AdminSchedule<J> {
  readonly workers: number;
  readonly serviceTime: number;
  readonly queueLimit: number;
  readonly #inService = new RingQueue<Slot<J>>();
  readonly #waiting = new RingQueue<Slot<J>>();
  #completed = 0;
  #rejected = 0;

  constructor(workers: number, serviceTime: number, queueLimit: number) {
    this.workers = workers;
    this.serviceTime = serviceTime;
    this.queueLimit = queueLimit;
  }

  /**
   * Offers `job` at `now` (after completing what has ended by `now`, via `done`): it starts now
   * on a free worker, waits, or is rejected when the queue is full. The computed end of an
   * accepted job is exact: later offers cannot overtake it (FIFO).
   */
  offer(now: number, job: J, done: (job: J, endedAt: number) => void): Offer {
    this.advance(now, done);
    const decision = admit(this.#inService.length, this.workers, this.#waiting.length, this.queueLimit);
    if (decision === 'reject') {
      this.#rejected++;
      return { accepted: false, drainEndsAt: this.drainEndsAt() };
    }
    if (decision === 'start') {
      // A free worker's previous end is <= now (advance completed it), so max(prev, now) = now.
      const endsAt = now + this.serviceTime;
      this.#inService.push({ job, at: endsAt });
      return { accepted: true, endsAt };
    }
    this.#waiting.push({ job, at: now });
    return { accepted: true, endsAt: this.#waitingEnd(this.#waiting.length - 1) };
  }

  /** Completes, in end order, every job whose computed end is <= `now`, starting waiting jobs as workers free. */
  advance(now: number, done: (job: J, endedAt: number) => void): void {
    for (;;) {
      const head = this.#inService.at(0);
      if (head === undefined || head.at > now) return;
      this.#inService.shift();
      this.#completed++;
      const next = this.#waiting.shift();
      if (next) {
        next.at = Math.max(head.at, next.at) + this.serviceTime;
        this.#inService.push(next);
      }
      done(head.job, head.at);
    }
  }

  /** Computed end of the earliest job in service, or Infinity when every worker is idle. */
  get nextEndAt(): number {
    return this.#inService.at(0)?.at ?? Number.POSITIVE_INFINITY;
  }

  /**
   * When every accepted job will have finished: the end of the last one in service when none
   * waits, else the end of the last waiting job. `now` when idle is the caller's business.
   */
  drainEndsAt(): number {
    if (this.#waiting.length > 0) return this.#waitingEnd(this.#waiting.length - 1);
    return this.#inService.at(this.#inService.length - 1)?.at ?? Number.NEGATIVE_INFINITY;
  }

  /** Jobs waiting for a worker (as of the last offer/advance). */
  get depth(): number {
    return this.#waiting.length;
  }

  /** Jobs in service (as of the last offer/advance). */
  get busy(): number {
    return this.#inService.length;
  }

  /** Jobs finished. */
  get completed(): number {
    return this.#completed;
  }

  /** Jobs turned away because the queue was full. */
  get rejected(): number {
    return this.#rejected;
  }

  /** Drops every job, in service or waiting; none completes. */
  clear(): void {
    this.#inService.clear();
    this.#waiting.clear();
  }

  /**
   * Computed end of the k-th waiting job. Asked only right after an offer, when all workers are
   * busy and every end in service is > now >= every enqueue time: waiting job k is served by the
   * worker of in-service job (k mod c), after floor(k / c) jobs ahead of it there, so it ends at
   * that end + (floor(k / c) + 1) × serviceTime. (In integer units, as the model uses, this is the
   * same number advance() reaches by repeated additions.)
   */
  #waitingEnd(k: number): number {
    const c = this.#inService.length;
    const first = this.#inService.at(k % c);
    if (first === undefined) return Number.NaN;
    return first.at + (Math.floor(k / c) + 1) * this.serviceTime;
  }
}
