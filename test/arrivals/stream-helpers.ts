/** Small helpers for the arrival tests: drain a stream into plain arrays. */
import type { Arrival } from '../../harness/arrivals/arrival.js';
import { emptyArrival } from '../../harness/arrivals/arrival.js';
import { createArrivalStream } from '../../harness/arrivals/arrival-stream.js';
import type { Profile } from '../../harness/profile/profile.js';

/** Every arrival of `profile` (or of one shard), as fresh objects, via the `next(into)` hot path. */
export function drain(profile: Profile, shard?: { index: number; count: number }): Arrival[] {
  const s = createArrivalStream(profile, shard);
  const out: Arrival[] = [];
  const a = emptyArrival();
  while (s.next(a)) out.push({ ...a });
  return out;
}

/** Arrival counts per window of `widthS` seconds over [0, durationS). */
export function windowCounts(arrivals: readonly Arrival[], widthS: number, durationS: number): number[] {
  const counts = new Array<number>(Math.ceil(durationS / widthS)).fill(0);
  for (const a of arrivals) {
    const w = Math.floor(a.atNs / 1e9 / widthS);
    if (w < counts.length) counts[w] = (counts[w] ?? 0) + 1;
  }
  return counts;
}
