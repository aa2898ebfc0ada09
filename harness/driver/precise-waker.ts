/**
 * Sub-millisecond wake-ups without a spin. Node's timers are ~1 ms coarse, so the real clock used
 * to spin on `setImmediate` for the last stretch before a due time; at a few thousand arrivals/s
 * every gap is such a stretch and the spin burned a whole core. Here a helper thread sleeps in
 * `Atomics.wait` until the earliest due time (a µs-resolution timed wait) and notifies; the
 * thread that armed it wakes from `Atomics.waitAsync` like from any other event, between socket
 * reads, so a response that comes meanwhile is read at once, not after the wait.
 *
 * Cost and accuracy (bench/README.md): the wake lands ~50-100 µs after the due time (the kernel's
 * timer slack and the cross-thread hand-off); a `RealAlarm` fires only once its time is reached.
 *
 * Shared memory: i32[0] bumps on every re-arm (the helper's wait word), i32[1] counts the helper's
 * notifications (the armer's wait word), f64[0] is the due time in ms of `process.hrtime`, which
 * every thread of a process shares (a thread's `performance.now()` has its own origin).
 */
import { Worker } from 'node:worker_threads';

const HELPER = `
const { workerData } = require('node:worker_threads');
const i32 = new Int32Array(workerData, 0, 2);
const f64 = new Float64Array(workerData, 8, 1);
const now = () => Number(process.hrtime.bigint()) / 1e6;
for (;;) {
  const gen = Atomics.load(i32, 0);
  const due = f64[0];
  const rest = due - now();
  if (rest > 0) Atomics.wait(i32, 0, gen, rest === Infinity ? undefined : rest);
  else {
    Atomics.add(i32, 1, 1);
    Atomics.notify(i32, 1);
    Atomics.wait(i32, 0, gen);
  }
}`;

/** `Atomics.waitAsync` (Node 16+), missing from the ES2022 lib the project compiles against. */
interface AtomicsWaitAsync {
  waitAsync(a: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string };
}

/** One helper thread that wakes its owner thread at the earliest armed time. */
export class PreciseWaker {
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #onWake: () => void;
  #worker: Worker | null;
  #waiting = false;
  /** A ref'd handle while armed: a pending `waitAsync` alone does not keep the process alive. */
  #keepAlive: NodeJS.Timeout | null = null;

  /**
   * `onWake` runs on this thread, from the event loop, when the armed time has come; `onLost`
   * once if the helper thread dies (the owner must then wait some other way).
   */
  constructor(onWake: () => void, onLost: () => void) {
    const sab = new SharedArrayBuffer(16);
    this.#i32 = new Int32Array(sab, 0, 2);
    this.#f64 = new Float64Array(sab, 8, 1);
    this.#f64[0] = Number.POSITIVE_INFINITY;
    this.#onWake = onWake;
    // No inherited flags: the helper is plain CommonJS and needs no loader (tsx, --input-type).
    this.#worker = new Worker(HELPER, { eval: true, workerData: sab, execArgv: [] });
    this.#worker.unref();
    this.#worker.on('error', () => {
      this.#worker = null;
      this.disarm();
      onLost();
    });
  }

  /** Wakes the owner at `hrMs` (ms of process.hrtime) or soon after; replaces the earlier time. */
  arm(hrMs: number): void {
    const i32 = this.#i32;
    if (!this.#waiting) {
      // The notification count is read before the time is published, so none is missed.
      const seen = Atomics.load(i32, 1);
      const w = (Atomics as unknown as AtomicsWaitAsync).waitAsync(i32, 1, seen);
      this.#waiting = true;
      if (w.async) void (w.value as Promise<string>).then(this.#woken);
      else queueMicrotask(this.#woken);
    }
    this.#f64[0] = hrMs;
    Atomics.add(i32, 0, 1);
    Atomics.notify(i32, 0);
    this.#keepAlive ??= setInterval(noop, 1 << 30);
  }

  /** Nothing to wake for (the helper sleeps until the next `arm`). */
  disarm(): void {
    this.#f64[0] = Number.POSITIVE_INFINITY;
    Atomics.add(this.#i32, 0, 1);
    Atomics.notify(this.#i32, 0);
    if (this.#keepAlive !== null) clearInterval(this.#keepAlive);
    this.#keepAlive = null;
  }

  /** Stops the helper thread. */
  close(): void {
    this.disarm();
    void this.#worker?.terminate();
    this.#worker = null;
  }

  readonly #woken = (): void => {
    this.#waiting = false;
    // The owner re-arms or disarms from onWake; the keep-alive handle stays until it disarms.
    this.#onWake();
  };
}

function noop(): void {}
