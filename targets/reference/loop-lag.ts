/**
 * How late the server's own event loop ran, since it started: a timer asks to run every
 * `RESOLUTION_MS` and each run records how much later than that it came. The reference target
 * shares the load generator's machine; when that machine is short of CPU the target reads its
 * requests in bunches and fills its queues sooner than its capacity would, and these figures say
 * so (docs/measurement.md, "Target loop lag"). Node's `monitorEventLoopDelay` records the whole
 * gap between two runs, the resolution included; the lag is that gap less the resolution.
 */
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 1;

export class LoopLag {
  readonly #h: IntervalHistogram;

  constructor() {
    this.#h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.#h.enable();
  }

  /** The lag's 99th percentile, ms (0 before the first sample). */
  p99Ms(): number {
    return lagMs(this.#h.count > 0 ? this.#h.percentile(99) : 0);
  }

  /** The longest lag, ms. */
  maxMs(): number {
    return lagMs(this.#h.count > 0 ? this.#h.max : 0);
  }

  stop(): void {
    this.#h.disable();
  }
}

function lagMs(gapNs: number): number {
  return Math.max(0, gapNs / 1e6 - RESOLUTION_MS);
}
