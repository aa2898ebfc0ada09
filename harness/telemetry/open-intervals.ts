/**
 * What the live telemetry holds of an interval until every shard has delivered it: the shards'
 * gauges (summed: each shard holds its own sessions) and their encoded histograms, kept encoded
 * until the interval closes so a snapshot costs the main thread nothing but a push. On close the
 * histograms are decoded and added exactly (HDR addition), once per interval.
 */
import type { Histogram } from 'hdr-histogram-js';
import { aggregateHistogram, decodeHistogram } from '../../reports/recorder/histogram-factory.js';
import type { IntervalSnapshot } from '../../reports/recorder/interval-snapshot.js';

/** The three latency figures of a step, each an encoded HDR payload list (µs). */
interface OpenStep {
  readonly latency: string[];
  readonly service: string[];
  readonly userWait: string[];
}

interface OpenInterval {
  inFlight: number;
  backlog: { atTarget: number; inClient: number; inBackoff: number } | null;
  maxLatenessUs: number;
  readonly lateness: string[];
  busy: number | null;
  loopDelayP99Us: number | null;
  readonly steps: Map<number, OpenStep>;
}

/** One step's merged histograms of a closed interval; a figure no shard shipped is null. */
export interface ClosedStep {
  readonly step: number;
  readonly latency: Histogram;
  readonly service: Histogram;
  readonly userWait: Histogram | null;
}

/** One interval's figures, added over every shard that delivered it. */
export interface ClosedInterval {
  readonly index: number;
  readonly inFlight: number;
  /** Null when no shard could see its waiting states. */
  readonly backlog: {
    readonly atTarget: number;
    readonly inClient: number;
    readonly inBackoff: number;
  } | null;
  readonly maxLatenessUs: number;
  /** Null when no shard had a send schedule. */
  readonly lateness: Histogram | null;
  /** The busiest shard's utilization and the worst loop delay; null without health figures. */
  readonly busy: number | null;
  readonly loopDelayP99Us: number | null;
  readonly steps: readonly ClosedStep[];
}

/** Open intervals by index; `close` hands back the ones complete across shards. */
export class OpenIntervals {
  readonly #open = new Map<number, OpenInterval>();
  #closedThrough = -1;

  /** Whether interval `index` was closed already (a late snapshot only feeds the counters). */
  isClosed(index: number): boolean {
    return index <= this.#closedThrough;
  }

  /** Holds one shard's snapshot of an open interval. */
  add(s: IntervalSnapshot): void {
    if (this.isClosed(s.index)) return;
    let o = this.#open.get(s.index);
    if (o === undefined) {
      o = {
        inFlight: 0,
        backlog: null,
        maxLatenessUs: 0,
        lateness: [],
        busy: null,
        loopDelayP99Us: null,
        steps: new Map(),
      };
      this.#open.set(s.index, o);
    }
    o.inFlight += s.inFlight;
    if (s.backlog !== undefined) {
      o.backlog ??= { atTarget: 0, inClient: 0, inBackoff: 0 };
      o.backlog.atTarget += s.backlog.atTarget;
      o.backlog.inClient += s.backlog.inClient;
      o.backlog.inBackoff += s.backlog.inBackoff;
    }
    if (s.maxLatenessUs > o.maxLatenessUs) o.maxLatenessUs = s.maxLatenessUs;
    if (s.lateness !== undefined) o.lateness.push(s.lateness);
    if (s.health !== undefined) {
      o.busy = Math.max(o.busy ?? 0, s.health.busy);
      o.loopDelayP99Us = Math.max(o.loopDelayP99Us ?? 0, s.health.loopDelayP99Us);
    }
    for (const st of s.steps) {
      let os = o.steps.get(st.step);
      if (os === undefined) {
        os = { latency: [], service: [], userWait: [] };
        o.steps.set(st.step, os);
      }
      os.latency.push(st.latency);
      os.service.push(st.service);
      if (st.userWait !== undefined) os.userWait.push(st.userWait);
    }
  }

  /** Removes and returns, in index order, every open interval with index <= `index`, merged. */
  close(index: number): ClosedInterval[] {
    if (index <= this.#closedThrough) return [];
    this.#closedThrough = index;
    const due = [...this.#open.keys()].filter((i) => i <= index).sort((a, b) => a - b);
    const out: ClosedInterval[] = [];
    for (const i of due) {
      const o = this.#open.get(i)!;
      this.#open.delete(i);
      const steps: ClosedStep[] = [];
      for (const [step, os] of [...o.steps].sort((a, b) => a[0] - b[0])) {
        steps.push({
          step,
          latency: merged(os.latency)!,
          service: merged(os.service)!,
          userWait: merged(os.userWait),
        });
      }
      out.push({
        index: i,
        inFlight: o.inFlight,
        backlog: o.backlog,
        maxLatenessUs: o.maxLatenessUs,
        lateness: merged(o.lateness),
        busy: o.busy,
        loopDelayP99Us: o.loopDelayP99Us,
        steps,
      });
    }
    return out;
  }
}

/** The exact sum of encoded histograms; null when there are none. */
function merged(payloads: readonly string[]): Histogram | null {
  if (payloads.length === 0) return null;
  const h = aggregateHistogram();
  for (const p of payloads) h.add(decodeHistogram(p));
  return h;
}
