/**
 * Checks made before the first request: everything a run would otherwise discover only as "no
 * data" or a crash mid-surge is refused up front with a one-line error (exit 2).
 */
import type { Gate } from '../../reports/gates/gate.js';
import { checkGateSteps } from '../../reports/gates/gate-parser.js';
import { declaresSteps, type Target } from '../../targets/target.js';
import { StampedeError } from '../errors.js';
import type { Profile } from '../profile/profile.js';
import { buildStepIndex } from '../profile/step-index.js';

/** The target can perform every step of every flow, and every gate names a step (flow, take-down) of the run. */
export function checkRunPlan(profile: Profile, target: Target, gates: readonly Gate[]): void {
  if (declaresSteps(target)) {
    const supported = new Set(target.supportedKinds());
    for (const flow of profile.flows) {
      for (const step of flow.steps) {
        if (!supported.has(step.kind)) {
          throw new StampedeError(
            'E_TARGET_FILE',
            `${target.name}: no request for step kind "${step.kind}" (flow ${flow.name}, step ${step.name}); the target defines ${[...supported].join(', ') || 'no steps'}`,
          );
        }
      }
    }
  }
  checkGateSteps(gates, buildStepIndex(profile).names, {
    flows: profile.flows.map((f) => f.name),
    takedowns: profile.outages.map((o) => o.name),
  });
}
