/**
 * Which names a gate's selector may hold, checked before the first request: a step for latency,
 * error and onset statistics, a flow for goodput, a take-down for drain, a flow or a step (the
 * flows that start with it) for dropped. A typo fails up front, not as "no data" at the end.
 */
import { StampedeError } from '../../harness/errors.js';
import { EVERY_TAKEDOWN, type Gate } from './gate.js';

/** The names a run's gates may select besides its steps; a list left out is not checked. */
export interface GateNames {
  readonly flows?: readonly string[];
  readonly takedowns?: readonly string[];
}

/** What a gate's selector may name, by statistic, for the message. */
function selectable(g: Gate, steps: readonly string[], names: GateNames): readonly string[] | null {
  switch (g.statistic.kind) {
    case 'goodput':
      return names.flows ?? null;
    case 'drain':
      return names.takedowns ?? null;
    case 'dropped':
      return names.flows ? [...names.flows, ...steps] : null;
    default:
      return steps;
  }
}

/**
 * Checks that every gate names a step of the run (a flow for goodput, a take-down for drain,
 * either for dropped) or `*`, so a typo fails before the first request instead of as "no data"
 * at the end. Lists not given in `names` are not checked.
 */
export function checkGateSteps(
  gates: readonly Gate[],
  steps: readonly string[],
  names: GateNames = {},
): void {
  for (const g of gates) {
    if (g.step === '*' || (g.step === EVERY_TAKEDOWN && g.statistic.kind === 'drain')) continue;
    const allowed = selectable(g, steps, names);
    if (allowed === null || allowed.includes(g.step)) continue;
    const what =
      g.statistic.kind === 'goodput' ? 'flow' : g.statistic.kind === 'drain' ? 'take-down' : 'step';
    throw new StampedeError(
      'E_GATE',
      `${g.source} "${g.expr}": unknown ${what} "${g.step}" at column 1 (expected * or one of ${allowed.join(' ') || '(none)'})`,
    );
  }
}
