/**
 * Per-region counts of one step's requests in a simulation: a Transport decorator around the
 * model that watches the requests of one endpoint (the reset request: the admin pool's work),
 * reads their region from the request header, and tallies per region and interval what the
 * fall-behind analysis reads per step: offered attempts (by send time, which in virtual time is
 * the intended time), of them retries, and completed attempts by outcome class (by completion
 * time). The run directory keeps steps, not regions; this is how simulate says when the admin
 * pool fell behind *in each region*. Latency is not kept per region: only throughput verdicts.
 *
 * A watched exchange's watcher rides on its `wire` (the probe is the transport it was sent on);
 * the inner transport then owns the watcher's `wire`, and that of every exchange passed straight
 * through. No table per request.
 */

import type { RequestSpec } from '../../targets/target.js';
import { SlotExchange } from '../driver/session-slot.js';
import { isMailArrivalOracle, type MailArrivalOracle } from '../transports/mail-arrival-oracle.js';
import type { Exchange, ResponseHeaders, Transport } from '../transports/transport.js';
import { OUTCOME_CLASSES, Outcome, type OutcomeIndex, outcomeOfStatus } from '../vocabulary/outcome.js';

/** One region's tallies, one entry per interval. */
export interface RegionTally {
  readonly offered: number[];
  readonly retries: number[];
  /** Completed attempts per interval, indexed as OUTCOME_CLASSES. */
  readonly outcomes: number[][];
}

/** What to watch. */
export interface RegionProbeOptions {
  /** Request path of the watched step (exact). */
  readonly path: string;
  /** Header carrying the region. */
  readonly regionHeader: string;
  /** Statuses counted ok (the step's `expect`). */
  readonly okStatuses: readonly number[];
  readonly intervalNs: number;
  readonly now: () => number;
}

/** The decorator; every request it does not watch passes straight through. */
export class RegionProbe implements Transport, MailArrivalOracle {
  readonly name: string;
  readonly #inner: Transport;
  readonly #o: RegionProbeOptions;
  readonly #regions = new Map<string, RegionTally>();
  /** Watchers whose request ended, for reuse (one per reset-request otherwise). */
  readonly #spare: WatchedExchange[] = [];

  constructor(inner: Transport, o: RegionProbeOptions) {
    this.#inner = inner;
    this.#o = o;
    this.name = inner.name;
  }

  /** Tallies by region name. */
  get regions(): ReadonlyMap<string, RegionTally> {
    return this.#regions;
  }

  /** The wrapped transport's answer; Infinity (poll as usual) when it cannot tell. */
  mailArrivalNs(account: string): number {
    return isMailArrivalOracle(this.#inner) ? this.#inner.mailArrivalNs(account) : Number.POSITIVE_INFINITY;
  }

  warm(): Promise<void> {
    return this.#inner.warm();
  }

  send(req: RequestSpec, wantBody: boolean, ex: Exchange): void {
    if (req.path !== this.#o.path) return this.#inner.send(req, wantBody, ex);
    const h = req.headers[this.#o.regionHeader];
    const tally = this.#tally(typeof h === 'string' ? h : 'global');
    const i = this.#index(this.#o.now());
    grow(tally, i);
    tally.offered[i]!++;
    if (ex instanceof SlotExchange && ex.attempt > 1) tally.retries[i]!++;
    const w = this.#spare.pop() ?? new WatchedExchange(this);
    w.ex = ex;
    w.tally = tally;
    ex.wire = w;
    this.#inner.send(req, wantBody, w);
  }

  cancel(ex: Exchange, outcome: OutcomeIndex): void {
    const w = ex.wire;
    this.#inner.cancel(w instanceof WatchedExchange && w.ex === ex ? w : ex, outcome);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /** @internal: a watched request ended. */
  done(w: WatchedExchange, ex: Exchange, atNs: number, outcome: OutcomeIndex): void {
    ex.wire = null;
    const i = this.#index(atNs);
    grow(w.tally, i);
    w.tally.outcomes[i]![outcome]!++;
  }

  /** @internal: the watched request's last event is passed on; `w` may be reused. */
  release(w: WatchedExchange): void {
    this.#spare.push(w);
  }

  /** @internal */
  okStatus(status: number): boolean {
    return this.#o.okStatuses.includes(status);
  }

  #index(atNs: number): number {
    return Math.max(0, Math.floor(atNs / this.#o.intervalNs));
  }

  #tally(region: string): RegionTally {
    let t = this.#regions.get(region);
    if (!t) {
      t = { offered: [], retries: [], outcomes: [] };
      this.#regions.set(region, t);
    }
    return t;
  }
}

/** Extends a tally's arrays through interval `i`. */
function grow(t: RegionTally, i: number): void {
  while (t.offered.length <= i) {
    t.offered.push(0);
    t.retries.push(0);
    t.outcomes.push(new Array<number>(OUTCOME_CLASSES.length).fill(0));
  }
}

/** Passes a watched request's events on after counting its outcome. */
class WatchedExchange implements Exchange {
  wire: unknown = null;
  ex: Exchange | null = null;
  tally: RegionTally = { offered: [], retries: [], outcomes: [] };
  readonly #probe: RegionProbe;

  constructor(probe: RegionProbe) {
    this.#probe = probe;
  }

  onWritten(atNs: number): void {
    this.ex?.onWritten(atNs);
  }

  onResponse(atNs: number, status: number, headers: ResponseHeaders, body: string | undefined): void {
    const ex = this.#end(atNs, this.#probe.okStatus(status) ? Outcome.ok : outcomeOfStatus(status));
    ex?.onResponse(atNs, status, headers, body);
  }

  onFailure(atNs: number, outcome: OutcomeIndex, detail: string): void {
    this.#end(atNs, outcome)?.onFailure(atNs, outcome, detail);
  }

  /** Counts the outcome and frees the watcher before passing on (the callback may send again). */
  #end(atNs: number, outcome: OutcomeIndex): Exchange | null {
    const ex = this.ex;
    if (ex === null) return null;
    this.#probe.done(this, ex, atNs, outcome);
    this.ex = null;
    this.#probe.release(this);
    return ex;
  }
}
