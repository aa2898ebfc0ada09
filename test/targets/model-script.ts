/**
 * Test helper (not a test): drives the reference model in virtual time with a script of
 * (time, step) sends through the real ReferenceTarget's buildRequest, recording every exchange
 * event with its time, so a test can compare them with hand-computed truth.
 */

import { VirtualClock } from '../../harness/driver/virtual-clock.js';
import type { StepKind } from '../../harness/profile/profile.js';
import type { Exchange, ResponseHeaders } from '../../harness/transports/transport.js';
import type { OutcomeIndex } from '../../harness/vocabulary/outcome.js';
import type { ReferenceModelOptions } from '../../targets/reference/model/model-options.js';
import { ReferenceModel } from '../../targets/reference/model/reference-model.js';
import { REFERENCE_DEFAULTS, type ReferenceConfig } from '../../targets/reference/reference-config.js';
import { ReferenceTarget } from '../../targets/reference/reference-target.js';
import type { SessionState } from '../../targets/target.js';

/** One exchange's history. */
export interface Recorded {
  readonly sentNs: number;
  writtenNs?: number;
  doneNs?: number;
  status?: number;
  headers?: ResponseHeaders;
  body?: string | undefined;
  failure?: OutcomeIndex;
  events: string[];
}

/** An Exchange that records what happens to one request. */
export class RecordingExchange implements Exchange {
  wire: unknown = null;
  readonly r: Recorded;
  constructor(sentNs: number) {
    this.r = { sentNs, events: [] };
  }
  onWritten(atNs: number): void {
    this.r.writtenNs = atNs;
    this.r.events.push('written');
  }
  onResponse(atNs: number, status: number, headers: ResponseHeaders, body: string | undefined): void {
    this.r.doneNs = atNs;
    this.r.status = status;
    this.r.headers = headers;
    this.r.body = body;
    this.r.events.push('response');
  }
  onFailure(atNs: number, outcome: OutcomeIndex, _detail: string): void {
    this.r.doneNs = atNs;
    this.r.failure = outcome;
    this.r.events.push('failure');
  }
}

/** A model on a fresh VirtualClock, plus the reference Target that builds its requests. */
export interface ModelRig {
  readonly clock: VirtualClock;
  readonly model: ReferenceModel;
  readonly target: ReferenceTarget;
  /** A session of account `index` (initial password) in `region`. */
  session(index: number, region?: string): SessionState;
  /** Sends `kind` for `s` at virtual time `atNs` (an alarm); returns its record. */
  sendAt(atNs: number, kind: StepKind, s: SessionState): Recorded;
  /** The same, asking for the body whatever the target's needsBody says. */
  sendWithBodyAt(atNs: number, kind: StepKind, s: SessionState): Recorded;
}

/** Builds a rig; `config` over the defaults (hashCost 0, 10k accounts, all must reset). */
export function modelRig(
  config: Partial<ReferenceConfig>,
  extra: Omit<ReferenceModelOptions, 'config'> = {},
): ModelRig {
  const clock = new VirtualClock();
  const full: ReferenceConfig = { ...REFERENCE_DEFAULTS, hashCost: 0, accounts: 10_000, ...config };
  const model = new ReferenceModel(clock, { config: full, ...extra });
  const target = new ReferenceTarget({
    origin: 'http://model.invalid',
    seed: full.seed,
    accounts: full.accounts,
  });
  return {
    clock,
    model,
    target,
    session(index, region = 'eu') {
      const c = target.credentials(index);
      return {
        accountIndex: index,
        account: c.account,
        password: c.password,
        newPassword: `new-${index}`,
        region,
        captures: {},
      };
    },
    sendAt(atNs, kind, s) {
      const ex = new RecordingExchange(atNs);
      clock.alarm(() => model.send(target.buildRequest(kind, s), target.needsBody(kind), ex)).set(atNs);
      return ex.r;
    },
    sendWithBodyAt(atNs, kind, s) {
      const ex = new RecordingExchange(atNs);
      clock.alarm(() => model.send(target.buildRequest(kind, s), true, ex)).set(atNs);
      return ex.r;
    },
  };
}

/** Applies the target's reading of a recorded answer to the session (captures on ok). */
export function interpretInto(rig: ModelRig, kind: StepKind, r: Recorded, s: SessionState): string {
  if (r.status === undefined) return 'no-answer';
  const v = rig.target.interpret(kind, { status: r.status, headers: r.headers ?? {}, body: r.body }, s);
  if (v.verdict === 'ok' && v.captures) Object.assign(s.captures, v.captures);
  return v.verdict;
}

/** ns per ms / s, for readable truth. */
export const MS = 1e6;
export const SEC = 1e9;
