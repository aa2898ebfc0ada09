/**
 * `histograms.hlog`: every interval histogram of the run in the HdrHistogram interval log format
 * (version 1.3), written with hdr-histogram-js's `HistogramLogWriter` so the standard tools
 * (HistogramLogProcessor, HistogramLogAnalyzer, `HistogramLogReader`) read it. Timestamps are
 * relative to a `BaseTime` equal to the run's t0; values are µs; tags are `<step>.<kind>` for the
 * kinds of `HLOG_KINDS`, plus `schedule.lateness`. Version-1 logs hold `latency` and `service`
 * only; a reader skips tags whose kind it does not know (a later version's figures).
 */
import type { Histogram } from 'hdr-histogram-js';
import * as hdr from 'hdr-histogram-js';
import { aggregateHistogram, decodeHistogram } from '../recorder/histogram-factory.js';

/**
 * The histograms kept per step and interval: latency of the backend's answers, latency of the ok
 * answers, service time, user wait (docs/measurement.md defines each).
 */
export const HLOG_KINDS = ['latency', 'latency-ok', 'service', 'user-wait'] as const;

/** One of `HLOG_KINDS`. */
export type HlogKind = (typeof HLOG_KINDS)[number];

/** The kind part of a tag (after the last dot), if it is one this build knows. */
export function hlogKindOf(tag: string): HlogKind | null {
  const kind = tag.slice(tag.lastIndexOf('.') + 1);
  return (HLOG_KINDS as readonly string[]).includes(kind) ? (kind as HlogKind) : null;
}

/**
 * The log's tag for the send lateness of arrivals (how far behind schedule the driver started
 * them). Not a step: `.lateness` is no step histogram kind, so it cannot collide with a step's tag.
 */
export const LATENESS_TAG = 'schedule.lateness';

/** The log's tag for a step's histogram: spaces and commas (which the format forbids) become `_`. */
export function hlogTag(step: string, kind: HlogKind): string {
  return `${step.replace(/[\s,]/g, '_')}.${kind}`;
}

/** Formats interval lines into text; the caller decides when and where the text is written. */
export class HlogFormatter {
  #buf = '';
  readonly #writer: hdr.HistogramLogWriter;

  /** `t0Ms`: epoch ms of the run start, the log's StartTime and BaseTime. */
  constructor(t0Ms: number) {
    this.#writer = new hdr.HistogramLogWriter((s: string) => {
      this.#buf += s;
    });
    this.#writer.baseTime = t0Ms;
  }

  /** The header: format version, StartTime, BaseTime, legend. */
  header(t0Ms: number, comment: string): string {
    this.#writer.outputComment(comment.replace(/[\r\n]+/g, ' '));
    this.#writer.outputLogFormatVersion();
    // The library's outputStartTime adds a blank line; the reader skips it, but keep the file tidy.
    this.#buf += `#[StartTime: ${(t0Ms / 1000).toFixed(3)} (seconds since epoch), ${new Date(t0Ms).toISOString()}]\n`;
    this.#buf += `#[BaseTime: ${(t0Ms / 1000).toFixed(3)} (seconds since epoch)]\n`;
    this.#writer.outputLegend();
    return this.take();
  }

  /** Adds one interval line; the histogram's start/end timestamps (epoch ms) must be set. */
  interval(h: Histogram, tag: string): void {
    h.tag = tag;
    this.#writer.outputIntervalHistogram(h);
  }

  /** Returns and clears the text formatted so far. */
  take(): string {
    const s = this.#buf;
    this.#buf = '';
    return s;
  }
}

/** One interval line read back. */
export interface HlogInterval {
  readonly tag: string;
  /** Epoch ms. */
  readonly startMs: number;
  readonly endMs: number;
  readonly histogram: Histogram;
}

/** Why a log could not be read: the caller names the file. */
export class HlogFormatError extends Error {}

/**
 * Strict reader (the library's reader stops silently at a bad line; a report must not). A last
 * line without its newline is dropped when `allowTruncatedTail` (a writer that died mid-line).
 */
export function parseHlog(text: string, allowTruncatedTail: boolean): HlogInterval[] {
  const lines = text.split('\n');
  const tail = lines.pop();
  if (tail !== undefined && tail !== '' && !allowTruncatedTail) {
    throw new HlogFormatError(`line ${lines.length + 1}: truncated (no newline at the end)`);
  }
  let baseSec: number | null = null;
  const out: HlogInterval[] = [];
  lines.forEach((line, i) => {
    const ln = i + 1;
    if (line.startsWith('#[BaseTime:')) {
      baseSec = Number.parseFloat(line.split(' ')[1] ?? '');
      if (!Number.isFinite(baseSec)) throw new HlogFormatError(`line ${ln}: unreadable BaseTime`);
      return;
    }
    if (line === '' || line.startsWith('#') || line.startsWith('"StartTimestamp"')) return;
    const cells = line.split(',');
    const tag = cells[0]?.startsWith('Tag=') ? cells.shift()!.slice(4) : '';
    if (cells.length !== 4) throw new HlogFormatError(`line ${ln}: expected 4 fields after the tag`);
    const start = Number(cells[0]);
    const len = Number(cells[1]);
    if (!Number.isFinite(start) || !Number.isFinite(len)) {
      throw new HlogFormatError(`line ${ln}: timestamp is not a number`);
    }
    if (baseSec === null) throw new HlogFormatError(`line ${ln}: interval before the BaseTime header`);
    let histogram: Histogram;
    try {
      histogram = decodeHistogram(cells[3]!);
    } catch {
      throw new HlogFormatError(`line ${ln}: histogram payload does not decode`);
    }
    const startMs = (baseSec + start) * 1000;
    out.push({ tag, startMs, endMs: startMs + len * 1000, histogram });
  });
  return out;
}

/** Sums every interval of each tag into one histogram per tag (exact). */
export function totalsByTag(intervals: readonly HlogInterval[]): Map<string, Histogram> {
  const totals = new Map<string, Histogram>();
  for (const iv of intervals) {
    let t = totals.get(iv.tag);
    if (t === undefined) {
      t = aggregateHistogram();
      totals.set(iv.tag, t);
    }
    t.add(iv.histogram);
  }
  return totals;
}
