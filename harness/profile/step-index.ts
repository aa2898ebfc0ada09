/**
 * The run's step index space: every distinct step name across flows, in order of first appearance.
 * Recorders, snapshots and reports all count by these indices (`RunMeta.steps`).
 */
import type { Profile } from './profile.js';

export interface StepIndex {
  /** Distinct step names, the index space. */
  readonly names: readonly string[];
  /** `byFlow[f][s]` = index of step `s` of flow `f` in `names`. */
  readonly byFlow: readonly (readonly number[])[];
}

export function buildStepIndex(profile: Profile): StepIndex {
  const names: string[] = [];
  const byFlow = profile.flows.map((flow) =>
    flow.steps.map((step) => {
      let i = names.indexOf(step.name);
      if (i < 0) {
        i = names.length;
        names.push(step.name);
      }
      return i;
    }),
  );
  return { names, byFlow };
}
