/**
 * One step's figures over one interval of an import, as IntervalSnapshot v2 ships them: latency
 * of every attempt, of the ok ones, service time, user wait, attempts and final outcomes by class
 * name, offered attempts, retries and "no mail yet" polls. Histograms record µs and are reused
 * from interval to interval (reset at each cut); the import owns its slots, not the driver's
 * recorder, so the two can change apart.
 */
import type { Histogram } from 'hdr-histogram-js';
import { addCounts } from '../../harness/vocabulary/outcome.js';
import { clampUs, encodeHistogram, recordingHistogram } from '../recorder/histogram-factory.js';
import type { StepInterval } from '../recorder/interval-snapshot.js';

export class StepSlot {
  readonly #latency: Histogram = recordingHistogram();
  readonly #latencyOk: Histogram = recordingHistogram();
  readonly #service: Histogram = recordingHistogram();
  readonly #userWait: Histogram = recordingHistogram();
  #outcomes: Record<string, number> = {};
  #finals: Record<string, number> = {};
  #offered = 0;
  #retries = 0;
  #polls = 0;
  /** ok attempts the flow then found unusable (`invalid`): moved from ok at the cut. */
  #invalidated = 0;
  #touched = false;

  /** An attempt with a backend outcome; `serviceUs` null when k6 gives none for it. */
  attempt(outcome: string, latencyUs: number, serviceUs: number | null): void {
    this.#latency.recordValue(clampUs(latencyUs));
    if (outcome === 'ok') this.#latencyOk.recordValue(clampUs(latencyUs));
    if (serviceUs !== null) this.#service.recordValue(clampUs(serviceUs));
    this.#outcomes[outcome] = (this.#outcomes[outcome] ?? 0) + 1;
    this.#touched = true;
  }

  /** A service time without an attempt of its own (an answered mailbox poll). */
  serviceOnly(serviceUs: number): void {
    this.#service.recordValue(clampUs(serviceUs));
    this.#touched = true;
  }

  /** An outcome no request shows by itself (a mail that never came, an unusable body). */
  outcomeOnly(outcome: string, fromOk: boolean): void {
    this.#outcomes[outcome] = (this.#outcomes[outcome] ?? 0) + 1;
    if (fromOk) this.#invalidated++;
    this.#touched = true;
  }

  /** An attempt whose intended send time falls in this interval. */
  offered(retry: boolean): void {
    this.#offered++;
    if (retry) this.#retries++;
    this.#touched = true;
  }

  /** The step's final outcome and the user's wait for it. */
  final(outcome: string, waitUs: number): void {
    this.#finals[outcome] = (this.#finals[outcome] ?? 0) + 1;
    this.#userWait.recordValue(clampUs(waitUs));
    this.#touched = true;
  }

  /** `n` mailbox answers "no mail yet". */
  polls(n: number): void {
    this.#polls += n;
    this.#touched = true;
  }

  /** Whether anything was recorded since the last cut. */
  get touched(): boolean {
    return this.#touched;
  }

  /** This interval's figures of step `step`, then a reset for the next interval. */
  cut(step: number, startMs: number, endMs: number): StepInterval {
    const enc = (h: Histogram): string => {
      h.startTimeStampMsec = startMs;
      h.endTimeStampMsec = endMs;
      const e = encodeHistogram(h);
      h.reset();
      return e;
    };
    const outcomes: Record<string, number> = {};
    addCounts(outcomes, this.#outcomes);
    // The request was answered ok; the flow then found its body unusable, so it is not ok.
    const moved = Math.min(this.#invalidated, outcomes['ok'] ?? 0);
    if (moved > 0) {
      const ok = (outcomes['ok'] ?? 0) - moved;
      if (ok > 0) outcomes['ok'] = ok;
      else delete outcomes['ok'];
    }
    const hasOk = this.#latencyOk.totalCount > 0;
    const hasWait = this.#userWait.totalCount > 0;
    const finals = Object.keys(this.#finals).length > 0 ? { ...this.#finals } : null;
    const out: StepInterval = {
      step,
      latency: enc(this.#latency),
      ...(hasOk ? { latencyOk: enc(this.#latencyOk) } : {}),
      service: enc(this.#service),
      ...(hasWait ? { userWait: enc(this.#userWait) } : {}),
      outcomes,
      ...(finals ? { finals } : {}),
      offered: this.#offered,
      retries: this.#retries,
      ...(this.#polls > 0 ? { polls: this.#polls } : {}),
    };
    if (!hasOk) this.#latencyOk.reset();
    if (!hasWait) this.#userWait.reset();
    this.#outcomes = {};
    this.#finals = {};
    this.#offered = 0;
    this.#retries = 0;
    this.#polls = 0;
    this.#invalidated = 0;
    this.#touched = false;
    return out;
  }

  /** Frees the WebAssembly memory. */
  destroy(): void {
    this.#latency.destroy();
    this.#latencyOk.destroy();
    this.#service.destroy();
    this.#userWait.destroy();
  }
}
