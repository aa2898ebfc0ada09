/**
 * Maintenance windows, shared by the real server and its model: the operators take the service
 * (or some regions of it) down until a time; a request in scope is answered 503 with the
 * remaining whole seconds in Retry-After. State is two plain values, times in ms of the caller's
 * monotonic clock (the model passes virtual ms).
 */

/** Down-until times: global and per region (0 / absent = up). */
export interface MaintenanceWindows {
  allUntilMs: number;
  readonly regionUntilMs: Map<string, number>;
}

/** No window open. */
export function noWindows(): MaintenanceWindows {
  return { allUntilMs: 0, regionUntilMs: new Map() };
}

/** Takes `regions` (empty = all) down for `durationS` from `nowMs`; a later end wins over an earlier one. */
export function beginWindow(
  w: MaintenanceWindows,
  nowMs: number,
  durationS: number,
  regions: readonly string[],
): void {
  const until = nowMs + durationS * 1000;
  if (regions.length === 0) {
    w.allUntilMs = Math.max(w.allUntilMs, until);
    return;
  }
  for (const r of regions) w.regionUntilMs.set(r, Math.max(w.regionUntilMs.get(r) ?? 0, until));
}

/**
 * Retry-After for a request from `region` at `nowMs`: ceil of the seconds until it is served
 * again, 0 when it is served now. A window that has passed is forgotten on the way.
 */
export function maintenanceRetryAfterS(
  w: MaintenanceWindows,
  region: string | undefined,
  nowMs: number,
): number {
  let until = w.allUntilMs;
  if (region !== undefined && w.regionUntilMs.size > 0) {
    const r = w.regionUntilMs.get(region);
    if (r !== undefined) {
      if (r <= nowMs) w.regionUntilMs.delete(region);
      else until = Math.max(until, r);
    }
  }
  return until > nowMs ? Math.ceil((until - nowMs) / 1000) : 0;
}

/** Whether any window (global or regional) is open at `nowMs`. */
export function anyWindowOpen(w: MaintenanceWindows, nowMs: number): boolean {
  if (w.allUntilMs > nowMs) return true;
  for (const until of w.regionUntilMs.values()) if (until > nowMs) return true;
  return false;
}
