/**
 * The text summary of a capacity search: the answer in one sentence an SRE can read out in a
 * meeting, what limits it, each step's requests/s at it, and the probe list.
 */
import { alignColumns } from '../../reports/render/figures-format.js';
import { fmtBracket, fmtRate } from './capacity-progress.js';
import type { CapacityReport } from './capacity-report.js';

function headline(r: CapacityReport): string {
  const mix = `arrivals/s of ${r.profile.name}'s mix`;
  switch (r.verdict) {
    case 'found':
      return `capacity: ${fmtRate(r.capacityPerS)} (${mix}); bracket ${fmtBracket(r.bracket)}`;
    case 'max-reached':
      return `capacity: at least ${fmtRate(r.capacityPerS)} (${mix}): every probe up to --max met the SLOs`;
    case 'none-met':
      return `capacity: no rate met the SLOs: even --min ${fmtRate(r.bracket[1])} failed`;
    case 'generator-bound':
      return (
        `capacity: generator-bound above ${fmtRate(r.capacityPerS)}: the probe at ${fmtRate(r.generator?.invalidAtPerS ?? null)} was invalid` +
        (r.capacityPerS === null
          ? ' (no valid probe met the SLOs)'
          : ` (${mix} met every SLO up to ${fmtRate(r.capacityPerS)})`)
      );
  }
}

/** The summary printed at the end of `stampede capacity` and written as capacity.txt. */
export function renderCapacityText(r: CapacityReport): string {
  const out: string[] = [headline(r)];
  if (r.interrupted) out.push('interrupted: the search stopped before its bracket reached the precision');
  out.push(`mode: ${r.mode}; target ${r.target}; SLOs: ${r.slos.join(', ')}`);
  if (r.limitingSlo) {
    out.push(
      `limited by: ${r.limitingStep ?? 'the run'}: ${r.limitingSlo.expr} (${r.limitingSlo.message}) at ${fmtRate(r.bracket[1])}`,
    );
  }
  if (r.generator) {
    out.push(`invalid at ${fmtRate(r.generator.invalidAtPerS)}: ${r.generator.problems.join('; ')}`);
    out.push(`what to do: ${r.generator.advice}`);
  }
  if (r.stepCapacityPerS) {
    const parts = Object.entries(r.stepCapacityPerS).map(([s, v]) => `${s} ${fmtRate(v)}`);
    out.push(`at capacity, requests/s per step: ${parts.join(', ')}`);
  }
  if (r.step)
    out.push(`--step ${r.step.name}: capacity ${fmtRate(r.step.capacityPerS)} requests of that step`);
  out.push('');
  const rows: string[][] = [['probe', 'rate', 'verdict', 'settle', ...r.slos, 'run dir']];
  for (const p of r.probes) {
    rows.push([
      String(p.index),
      fmtRate(p.ratePerS),
      !p.valid ? 'invalid' : p.pass ? 'pass' : 'fail',
      p.settle ? `${p.settle.tookS.toFixed(1)}s${p.settle.settled ? '' : '!'}` : '-',
      ...p.slos.map((s) => (s.actual === null ? 'no data' : `${Number(s.actual.toPrecision(4))}${s.unit}`)),
      p.runDir,
    ]);
  }
  out.push(
    ...alignColumns(
      rows,
      rows[0]!.map((_, i) => i > 0 && i < rows[0]!.length - 1),
    ),
  );
  out.push('', `${r.probes.length} probe(s) in ${r.wallS.toFixed(0)} s`);
  return `${out.join('\n')}\n`;
}
