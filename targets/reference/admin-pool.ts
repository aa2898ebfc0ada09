/**
 * The admin servers that process password resets: `workers` of them, each busy for `serviceMs`
 * per reset, behind one bounded FIFO queue. The work is simulated with timers, not CPU, because
 * in the relaunched service it happens on other machines: what matters here is the queueing.
 */

/** Outcome of offering a job to the pool. */
export type Admission =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly retryAfterS: number };

interface Job {
  readonly run: () => void;
}

/** Sizes of the pool. */
export interface AdminPoolOptions {
  readonly workers: number;
  readonly serviceMs: number;
  /** Jobs that may wait for a worker; one more is rejected. */
  readonly queueLimit: number;
}

/** A fixed set of timer-driven workers with a bounded FIFO queue. */
export class AdminPool {
  readonly #opts: AdminPoolOptions;
  // A ring of pending jobs: shift() on a large array is O(n), a head index is O(1).
  #queue: (Job | undefined)[] = [];
  #head = 0;
  #busy = 0;
  #completed = 0;
  #rejected = 0;
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(opts: AdminPoolOptions) {
    this.#opts = opts;
  }

  /** Queues `onDone` to run after one service time on a free worker, or rejects when the queue is full. */
  submit(onDone: () => void): Admission {
    if (this.#closed) return { accepted: false, retryAfterS: 1 };
    const job: Job = { run: onDone };
    if (this.#busy < this.#opts.workers) {
      this.#start(job);
      return { accepted: true };
    }
    if (this.depth >= this.#opts.queueLimit) {
      this.#rejected++;
      return { accepted: false, retryAfterS: this.#drainEstimateS() };
    }
    this.#queue.push(job);
    return { accepted: true };
  }

  /** Jobs waiting for a worker. */
  get depth(): number {
    return this.#queue.length - this.#head;
  }

  /** Workers processing a job now. */
  get busy(): number {
    return this.#busy;
  }

  /** Jobs finished since start. */
  get completed(): number {
    return this.#completed;
  }

  /** Jobs turned away because the queue was full. */
  get rejected(): number {
    return this.#rejected;
  }

  /** Cancels every pending timer; queued jobs never run. */
  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#queue = [];
    this.#head = 0;
  }

  #start(job: Job): void {
    this.#busy++;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      this.#busy--;
      this.#completed++;
      job.run();
      this.#next();
    }, this.#opts.serviceMs);
    this.#timers.add(t);
  }

  #next(): void {
    while (this.#busy < this.#opts.workers && this.depth > 0) {
      const job = this.#queue[this.#head];
      this.#queue[this.#head] = undefined;
      this.#head++;
      if (job) this.#start(job);
    }
    // Compact once the consumed prefix dominates, keeping memory bounded by the queue limit.
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Seconds until the queue has drained at full speed: the honest Retry-After, at least 1. */
  #drainEstimateS(): number {
    const ms = ((this.depth + this.#busy) * this.#opts.serviceMs) / Math.max(1, this.#opts.workers);
    return Math.max(1, Math.ceil(ms / 1000));
  }
}
