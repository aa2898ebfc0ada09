/**
 * Per-session randomness (think times, retry jitter), seeded from the population seed and the
 * arrival's position in the stream. A session draws the same numbers whichever worker runs it, so
 * `--workers 1` and `--workers 4` replay the same surge.
 */

/** Initial state for the session of arrival `seq`. */
export function sessionSeed(seed: number, seq: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (seq >>> 0), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ Math.floor(seq / 4294967296), 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * One mulberry32 step on the caller's state: returns a uniform draw in
 * [0,1) and advances `state.rng`, so a session needs no generator object of its own.
 */
export function nextRandom(state: { rng: number }): number {
  state.rng = (state.rng + 0x6d2b79f5) >>> 0;
  let t = state.rng;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
