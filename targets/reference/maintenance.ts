/**
 * Maintenance windows: the operators take the service (or some regions of it) down until a time,
 * and every request in scope answers 503 with the remaining seconds in `Retry-After`. The rule is
 * `rules/maintenance-windows.ts`, shared with the model; this holds its state on a clock.
 */
import {
  anyWindowOpen,
  beginWindow,
  type MaintenanceWindows,
  maintenanceRetryAfterS,
  noWindows,
} from './rules/maintenance-windows.js';

/** Down-until times, global and per region. */
export class Maintenance {
  readonly #windows: MaintenanceWindows = noWindows();
  readonly #now: () => number;

  /** `now` is a monotonic clock in ms. */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Takes `regions` (empty = all) down for `durationS` seconds from now; a later end wins. */
  begin(durationS: number, regions: readonly string[]): void {
    beginWindow(this.#windows, this.#now(), durationS, regions);
  }

  /** Seconds (ceil) until a request from `region` is served again; 0 when it is served now. */
  retryAfterS(region: string | undefined): number {
    return maintenanceRetryAfterS(this.#windows, region, this.#now());
  }

  /** Whether any window (global or regional) is open now, for the metrics gauge. */
  get active(): boolean {
    return anyWindowOpen(this.#windows, this.#now());
  }
}
