/**
 * The gate results as a plain-text table for the terminal: one line per gate, PASS/FAIL first so
 * the eye finds the failures, then the measured value against the threshold.
 */
import type { GateResult } from '../run-dir/summary.js';
import { formatGateValue, formatMeasured } from './gate-evaluator.js';

/** Renders the results as an aligned table followed by a verdict line. */
export function renderGateTable(results: readonly GateResult[]): string {
  if (results.length === 0) return 'no gates evaluated\n';
  const rows = results.map((r) => [
    r.pass ? 'PASS' : 'FAIL',
    r.expr,
    formatMeasured(r),
    formatGateValue(r.threshold, r.unit),
    r.message,
  ]);
  const header = ['', 'gate', 'measured', 'threshold', 'detail'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (c === 2 || c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const failed = results.filter((r) => !r.pass).length;
  const verdict =
    failed === 0 ? `gates: all ${results.length} passed` : `gates: ${failed} of ${results.length} FAILED`;
  return `${[line(header), ...rows.map(line), verdict].join('\n')}\n`;
}
