/**
 * Whether a probe's run counts: the one place capacity reads a run's validity from its summary.
 *
 * A probe counts when the run is valid by the run-validity rules (`summary.validity`: target
 * errors, a lost worker, a schedule kept late; docs/measurement.md#validity) AND no arrival was
 * turned away by the client's in-flight cap (a probe that dropped part of its rate did not offer
 * it) AND it ran to its end (an aborted or degraded run is missing part of its load).
 */
import type { Summary, ValidityProblem } from '../../reports/run-dir/summary.js';

/** A run's validity as capacity sees it. */
export interface ProbeValidity {
  readonly valid: boolean;
  /** One line per problem, e.g. `dropped: 120 arrivals turned away by the in-flight cap (500)`. */
  readonly problems: readonly string[];
}

function problemText(p: ValidityProblem): string {
  return `${p.kind}: ${p.message}`;
}

/** Reads the validity of a probe's run from its summary. */
export function probeValidity(summary: Summary): ProbeValidity {
  const problems: string[] = [];
  if (summary.aborted) problems.push(`aborted: ${summary.abortReason ?? 'no reason recorded'}`);
  for (const d of summary.degraded) problems.push(`degraded: ${d}`);
  problems.push(...summary.validity.problems.map(problemText));
  if (summary.dropped > 0) {
    const cap = summary.settings['maxInFlight'];
    problems.push(
      `dropped: ${summary.dropped} of ${summary.arrivals} arrivals turned away by the in-flight cap${cap === undefined ? '' : ` (${cap})`}`,
    );
  }
  return { valid: problems.length === 0, problems };
}
