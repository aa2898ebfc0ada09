/**
 * How figures read for people, shared by the text, Markdown and HTML renderers so the three say
 * the same thing the same way. Locale-independent (a golden file must not depend on the machine).
 */
import type { LatencyModel } from '../run-dir/run-meta.js';
import type { FellBehind, GateResult, Summary } from '../run-dir/summary.js';

/** 1234567 -> "1,234,567" (fractions rounded). */
export function fmtCount(n: number): string {
  const s = String(Math.round(Math.abs(n)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

function sig3(x: number): string {
  return String(Number(x.toPrecision(3)));
}

/** A latency in ms with 3 significant digits: "0.412 ms", "40 ms", "4.1 s", "1,234 s". */
export function fmtMs(ms: number): string {
  if (ms === 0) return '0 ms';
  if (ms < 1000) return `${sig3(ms)} ms`;
  const s = ms / 1000;
  return s < 1000 ? `${sig3(s)} s` : `${fmtCount(s)} s`;
}

/** A rate per second without its unit: "312", "1,250", "4.5". */
export function fmtPerS(perS: number): string {
  return perS >= 100 ? fmtCount(perS) : sig3(perS);
}

/** Seconds from t0 as "+23 s" (seconds even past a minute: they match the charts' axis). */
export function fmtOffset(s: number): string {
  return `+${fmtCount(s)} s`;
}

/** UTC time of day of an ISO time: "00:00:23". */
export function clockOf(iso: string): string {
  return iso.slice(11, 19);
}

/** One sentence per fall-behind finding. */
export function fallBehindSentence(f: FellBehind): string {
  const recovered = f.recoveredAtS === null ? 'never recovered' : `recovered at ${fmtOffset(f.recoveredAtS)}`;
  const why = f.reason === 'throughput' ? 'ok/s trailed offered/s' : 'p99 left its baseline';
  return (
    `${f.step} fell behind at ${clockOf(f.at)} (${fmtOffset(f.atS)}) at ${fmtPerS(f.offeredRatePerS)} offered/s ` +
    `(achieved ${fmtPerS(f.achievedRatePerS)}/s; ${why}); p99 ${fmtMs(f.p99BeforeMs)} → ${fmtMs(f.p99AfterMs)}; ` +
    `peak backlog ${fmtCount(f.peakBacklog)}; ${recovered}`
  );
}

/** How far behind schedule the driver started arrivals: p99 and worst, or only the worst without a schedule. */
export function latenessText(s: Summary): string {
  if (s.latenessMs === null) return `driver lateness max ${fmtMs(s.maxLatenessMs)}`;
  return `driver lateness p99 ${fmtMs(s.latenessMs.p99)}, max ${fmtMs(s.maxLatenessMs)}`;
}

/** One line per gate. */
export function gateLine(g: GateResult): string {
  const actual = g.actual === null ? 'no data' : `${Number(g.actual.toPrecision(4))}${g.unit}`;
  return `${g.pass ? 'PASS' : 'FAIL'} ${g.expr} (actual ${actual}, threshold ${g.threshold}${g.unit})`;
}

/** What the latency figures mean, in words. */
export function latencyModelText(m: LatencyModel): string {
  if (m === 'intended-time') return 'latency from the intended send time (coordinated-omission free)';
  if (m === 'simulated')
    return 'simulated in virtual time against the reference model (latency from the intended send time)';
  if (m === 'k6-import') return "latency is k6's http_req_duration (from the actual send)";
  return 'latency from the actual send (closed model: a stalled target hides behind a slowed client)';
}

/** "503 12, timeout 3" or "-" when a step had no errors. */
export function errorsText(errors: Readonly<Record<string, number>>): string {
  const parts = Object.entries(errors).map(([k, v]) => `${k} ${fmtCount(v)}`);
  return parts.length === 0 ? '-' : parts.join(', ');
}

/** Pads cells into aligned columns; `right[i]` right-aligns column i. */
export function alignColumns(rows: readonly (readonly string[])[], right: readonly boolean[]): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows.map((r) =>
    r
      .map((c, i) => (right[i] ? c.padStart(widths[i]!) : i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}
