/**
 * Maintenance windows: the operators take the service (or some regions of it) down until a time,
 * and every request in scope answers 503 with the remaining seconds in `Retry-After`.
 */

/** Down-until times, global and per region. */
export class Maintenance {
  #allUntil = 0;
  readonly #regionUntil = new Map<string, number>();
  readonly #now: () => number;

  /** `now` is a monotonic clock in ms. */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Takes `regions` (empty = all) down for `durationS` seconds from now; a later end wins. */
  begin(durationS: number, regions: readonly string[]): void {
    const until = this.#now() + durationS * 1000;
    if (regions.length === 0) {
      this.#allUntil = Math.max(this.#allUntil, until);
      return;
    }
    for (const r of regions) this.#regionUntil.set(r, Math.max(this.#regionUntil.get(r) ?? 0, until));
  }

  /** Seconds (ceil) until a request from `region` is served again; 0 when it is served now. */
  retryAfterS(region: string | undefined): number {
    const now = this.#now();
    let until = this.#allUntil;
    if (region !== undefined && this.#regionUntil.size > 0) {
      const r = this.#regionUntil.get(region);
      if (r !== undefined) {
        if (r <= now) this.#regionUntil.delete(region);
        else until = Math.max(until, r);
      }
    }
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Whether any window (global or regional) is open now, for the metrics gauge. */
  get active(): boolean {
    const now = this.#now();
    if (this.#allUntil > now) return true;
    for (const until of this.#regionUntil.values()) if (until > now) return true;
    return false;
  }
}
