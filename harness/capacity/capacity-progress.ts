/**
 * Progress of a capacity search: one plain line per probe (its rate, the verdict, the figures
 * that decided it, the bracket left) and an estimate of the time left, from the mean wall time
 * of the probes so far (settling included) times the probes the search may still need.
 */
import { formatDuration } from '../profile/duration.js';
import type { CapacityProbe } from './capacity-report.js';

/** A rate for lines: `137.5/s`. */
export function fmtRate(r: number | null): string {
  return r === null ? '-' : `${Number(r.toPrecision(4))}/s`;
}

/** `[135/s, 140/s]`, with `-` for a missing end. */
export function fmtBracket(b: readonly [number | null, number | null]): string {
  return `[${fmtRate(b[0])}, ${fmtRate(b[1])}]`;
}

/** The figures that decided a probe: its problems if invalid, its failed SLOs, else every SLO. */
export function decidingFigures(p: CapacityProbe): string {
  if (!p.valid) return p.problems.join('; ');
  const failed = p.slos.filter((s) => !s.pass);
  return (failed.length > 0 ? failed : p.slos).map((s) => `${s.expr}: ${s.message}`).join('; ');
}

/** Seconds left: mean seconds per probe so far times the probes left. */
export function etaS(probes: readonly CapacityProbe[], remaining: number): number {
  if (probes.length === 0) return 0;
  let total = 0;
  for (const p of probes) total += p.wallS + (p.settle?.tookS ?? 0);
  return (total / probes.length) * remaining;
}

/** The line printed after a probe. */
export function probeLine(
  p: CapacityProbe,
  bracket: readonly [number | null, number | null],
  remaining: { readonly probes: number; readonly atLeast: boolean },
  eta: number,
): string {
  const verdict = !p.valid ? 'INVALID' : p.pass ? 'pass' : 'FAIL';
  const settle = p.settle
    ? ` settled ${p.settle.tookS.toFixed(1)}s${p.settle.settled ? '' : ' (bound reached)'};`
    : '';
  const left =
    remaining.probes === 0
      ? 'done'
      : `${remaining.atLeast ? '>=' : '<='}${remaining.probes} probe(s) left, ETA ${remaining.atLeast ? '>=' : '<='}${formatDuration(Math.round(eta))}`;
  return (
    `capacity: probe ${p.index} at ${fmtRate(p.ratePerS)} (${p.phase}):${settle} ${verdict}: ${decidingFigures(p)}; ` +
    `bracket ${fmtBracket(bracket)}; ${left}`
  );
}
