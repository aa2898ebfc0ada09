/**
 * The one place that decides how latency histograms are built, so every histogram in a run has
 * the same range and precision and can be added to any other exactly.
 */
import * as hdr from 'hdr-histogram-js';

/** 1 µs .. 1 h at 3 significant digits: enough for a reset that waits out a 30-minute outage. */
export const HISTOGRAM_RANGE = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3_600_000_000,
  numberOfSignificantValueDigits: 3,
} as const;

let wasmReady = false;

/**
 * A histogram for the hot path: WebAssembly-backed (~15 ns a value against ~85 ns in JS,
 * measured in bench/record-cost). The caller must `destroy()` it; prefer `reset()` and reuse.
 */
export function recordingHistogram(): hdr.Histogram {
  if (!wasmReady) {
    hdr.initWebAssemblySync();
    wasmReady = true;
  }
  return hdr.build({ ...HISTOGRAM_RANGE, bitBucketSize: 32, useWebAssembly: true });
}

/** A plain JS histogram for aggregation and analysis (no destroy needed, 64-bit counts). */
export function aggregateHistogram(): hdr.Histogram {
  return hdr.build({ ...HISTOGRAM_RANGE, bitBucketSize: 64, useWebAssembly: false });
}

/** Decodes a payload made by `encodeHistogram` into a JS histogram. */
export function decodeHistogram(base64: string): hdr.Histogram {
  return hdr.decodeFromCompressedBase64(base64, 64, false);
}

/** The bucket-level view of a JS histogram that `addHistogram` walks (public in hdr's JS, not in its types). */
interface Buckets {
  readonly bucketCount: number;
  readonly subBucketCount: number;
  readonly unitMagnitude: number;
  readonly maxValue: number;
  readonly minNonZeroValue: number;
  countsArrayIndex(value: number): number;
  getCountAtIndex(index: number): number;
  addToCountAtIndex(index: number, value: number): void;
  setTotalCount(value: number): void;
  updatedMaxValue(value: number): void;
  updateMinNonZeroValue(value: number): void;
}

function isBuckets(h: hdr.Histogram): boolean {
  return typeof (h as unknown as Partial<Buckets>).addToCountAtIndex === 'function';
}

/**
 * `into.add(from)` for histograms of the common range, exactly, without hdr's walk over every one
 * of the ~24k buckets: an empty `from` costs nothing, a full one only the buckets between its
 * smallest and largest value. Interval histograms are sparse, and a day-long simulation adds
 * ~10^6 of them into the totals. Falls back to `add` for histograms of another shape or WASM ones.
 */
export function addHistogram(into: hdr.Histogram, from: hdr.Histogram): void {
  if (from.totalCount === 0) return;
  if (!isBuckets(into) || !isBuckets(from)) return into.add(from);
  const a = into as unknown as Buckets;
  const b = from as unknown as Buckets;
  if (
    a.bucketCount !== b.bucketCount ||
    a.subBucketCount !== b.subBucketCount ||
    a.unitMagnitude !== b.unitMagnitude
  ) {
    return into.add(from);
  }
  let added = b.getCountAtIndex(0);
  if (added > 0) a.addToCountAtIndex(0, added);
  const lo = Math.max(1, b.countsArrayIndex(b.minNonZeroValue));
  const hi = b.countsArrayIndex(b.maxValue);
  for (let i = lo; i <= hi; i++) {
    const c = b.getCountAtIndex(i);
    if (c > 0) {
      a.addToCountAtIndex(i, c);
      added += c;
    }
  }
  a.setTotalCount(into.totalCount + added);
  a.updatedMaxValue(Math.max(a.maxValue, b.maxValue));
  a.updateMinNonZeroValue(Math.min(a.minNonZeroValue, b.minNonZeroValue));
}

/**
 * Decodes an interval payload into a packed (sparse) JS histogram: an interval's values fill a few
 * hundred of the range's ~24k buckets, and allocating a full 64-bit array per payload (196 KB)
 * was most of the cost of closing an interval. Adds and percentiles read it like any other.
 */
export function decodeIntervalHistogram(base64: string): hdr.Histogram {
  return hdr.decodeFromCompressedBase64(base64, 'packed', false);
}

/** An empty packed histogram on the common range (an interval's absent optional histogram). */
export function emptyIntervalHistogram(): hdr.Histogram {
  return hdr.build({ ...HISTOGRAM_RANGE, bitBucketSize: 'packed', useWebAssembly: false });
}

export function encodeHistogram(h: hdr.Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Clamps a µs value into the histogram's range; latencies beyond 1 h are recorded as 1 h. */
export function clampUs(us: number): number {
  if (us < 1) return 1;
  if (us > HISTOGRAM_RANGE.highestTrackableValue) return HISTOGRAM_RANGE.highestTrackableValue;
  return Math.round(us);
}
