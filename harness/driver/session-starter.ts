/**
 * Resolves an arrival into what its session starts from: the flow, its step ids, the region's
 * name and the account's credentials from the target (unless it derives them from the index:
 * `DerivedCredentials`; the session derives them when read). One reused `SessionStart` object: the
 * session copies what it keeps, so an arrival allocates nothing here.
 *
 * Target code is user code: when `credentials` throws, the flow's first step is counted as a
 * target error and the session never runs (`resolve` answers null).
 */
import type { ShardRecorder } from '../../reports/recorder/shard-recorder.js';
import { hasDerivedCredentials } from '../../targets/derived-credentials.js';
import type { Target } from '../../targets/target.js';
import type { Arrival } from '../arrivals/arrival.js';
import { errorMessage } from '../errors.js';
import type { Profile } from '../profile/profile.js';
import type { StepIndex } from '../profile/step-index.js';
import type { SessionStart } from './session.js';

/** Turns arrivals into session starts for one scheduler. */
export class SessionStarter {
  readonly #profile: Profile;
  readonly #steps: StepIndex;
  readonly #target: Target;
  readonly #recorder: ShardRecorder;
  readonly #start: { -readonly [K in keyof SessionStart]: SessionStart[K] };
  /** The target derives credentials from the index (`DerivedCredentials`): none to resolve. */
  readonly #derived: boolean;

  constructor(profile: Profile, steps: StepIndex, target: Target, recorder: ShardRecorder) {
    this.#profile = profile;
    this.#steps = steps;
    this.#target = target;
    this.#recorder = recorder;
    this.#derived = hasDerivedCredentials(target);
    this.#start = {
      flow: profile.flows[0]!,
      flowIndex: 0,
      stepIds: steps.byFlow[0]!,
      accountIndex: 0,
      account: '',
      password: '',
      region: '',
      regionIndex: 0,
      seed: profile.population.seed,
      seq: 0,
    };
  }

  /** The start of `a`'s session (valid until the next call), or null when the target threw. */
  resolve(a: Arrival): SessionStart | null {
    const init = this.#start;
    init.flow = this.#profile.flows[a.flow]!;
    init.flowIndex = a.flow;
    init.stepIds = this.#steps.byFlow[a.flow]!;
    init.accountIndex = a.account;
    init.region = this.#profile.regions[a.region]?.name ?? 'global';
    init.regionIndex = a.region;
    init.seq = a.seq;
    // Credentials derived from the index are not built here: the session derives them when read.
    if (this.#derived) return init;
    try {
      const creds = this.#target.credentials(a.account);
      init.account = creds.account;
      init.password = creds.password;
    } catch (err: unknown) {
      // Target code threw at arrival: the flow's first step is a target error; no session runs.
      this.#recorder.targetError(init.stepIds[0]!, errorMessage(err));
      this.#recorder.sessionDone(a.flow, false);
      return null;
    }
    return init;
  }
}
