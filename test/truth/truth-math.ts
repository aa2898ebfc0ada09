/**
 * Plain arithmetic for the truth tests: the intended arrival times of a uniform phase (the
 * profile's `process: uniform` puts arrival k at Λ⁻¹(k + ½)), percentiles by nearest rank (what
 * an HDR histogram reports, to its 3 significant digits), and the tolerance check each assertion
 * states. No timers, no driver code: the truth is computed independently of what it checks.
 */

/** Arrival times (s from t0) of a uniform phase at a constant `rate` for `seconds`. */
export function uniformConstant(rate: number, seconds: number): number[] {
  const n = Math.floor(rate * seconds + 0.5);
  return Array.from({ length: n }, (_, k) => (k + 0.5) / rate);
}

/**
 * Arrival times (s from t0) of a uniform linear ramp `from` -> `to` arrivals/s over `seconds`:
 * Λ(t) = from·t + a·t²/2 with a = (to - from)/seconds, so Λ⁻¹(L) = (√(from² + 2aL) - from)/a.
 */
export function uniformRamp(from: number, to: number, seconds: number): number[] {
  const a = (to - from) / seconds;
  const total = from * seconds + (a * seconds * seconds) / 2;
  const n = Math.floor(total + 0.5);
  return Array.from({ length: n }, (_, k) => (Math.sqrt(from * from + 2 * a * (k + 0.5)) - from) / a);
}

/** The offered rate (arrivals/s) of the ramp at time t (s). */
export function rampRate(from: number, to: number, seconds: number, t: number): number {
  return from + ((to - from) * t) / seconds;
}

/** Nearest-rank percentile (p in 0..100) of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/**
 * Within `rel` of `truth`, or within `floor` of it in absolute terms (whichever is wider), plus
 * `plus` on top (a delay the run itself measured, such as the driver's lateness).
 */
export function near(measured: number, truth: number, rel: number, floor = 0, plus = 0): boolean {
  return Math.abs(measured - truth) <= Math.max(rel * Math.abs(truth), floor) + plus;
}

/** A one-line account of a measured figure against its truth, for assertion messages. */
export function versus(name: string, measured: number, truth: number): string {
  const pct = truth === 0 ? 0 : ((measured - truth) / truth) * 100;
  return `${name}: measured ${measured.toFixed(3)}, truth ${truth.toFixed(3)} (${pct >= 0 ? '+' : ''}${pct.toFixed(1)} %)`;
}
