/**
 * How figures read for people, shared by the text, Markdown and HTML renderers so the three say
 * the same thing the same way. Locale-independent (a golden file must not depend on the machine).
 */
import type { LatencyModel } from '../run-dir/run-meta.js';
import type { FellBehind, GateResult, MetastableHint, Summary, TakeDown } from '../run-dir/summary.js';

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

/** A share 0..1 as a percentage with up to 3 significant digits, "-" when unknown. */
export function fmtShare(x: number | null): string {
  return x === null ? '-' : `${sig3(x * 100)}%`;
}

/** One sentence per fall-behind finding. */
export function fallBehindSentence(f: FellBehind): string {
  const recovered =
    f.recoveredAtS === null
      ? 'never recovered'
      : `backlog and latency back to baseline at ${fmtOffset(f.recoveredAtS)}`;
  const why = f.reason === 'throughput' ? 'ok/s trailed offered/s' : 'p99 left its baseline';
  return (
    `${f.step} fell behind at ${clockOf(f.at)} (${fmtOffset(f.atS)}) at ${fmtPerS(f.offeredRatePerS)} new requests/s ` +
    `(achieved ${fmtPerS(f.achievedRatePerS)}/s; ${why}); p99 ${fmtMs(f.p99BeforeMs)} → ${fmtMs(f.p99AfterMs)} ` +
    `(peak ${fmtMs(f.p99PeakMs)}); backlog grew ${fmtPerS(Math.max(0, f.backlogGrowthPerS))}/s to a peak of ` +
    `${fmtCount(f.peakBacklog)}; ${recovered}`
  );
}

/** One sentence per take-down. */
export function takeDownSentence(t: TakeDown): string {
  const drain = t.drainS === null ? 'not drained' : `drained ${fmtCount(t.drainS)} s after its end`;
  const herd =
    t.inBackoffAtEnd === null ? '' : `, ${fmtCount(t.inBackoffAtEnd)} session(s) in backoff at its end`;
  return (
    `${t.name} ${fmtOffset(t.startS)} to ${fmtOffset(t.endS)}: backlog ${fmtCount(t.backlogAtStart)} at its start, ` +
    `${fmtCount(t.responses503)} 503s during it${herd}; ${drain}`
  );
}

/** Cells of the take-downs table (same columns in every renderer). */
export const TAKEDOWN_HEAD: readonly string[] = [
  'take-down',
  'start',
  'end',
  'backlog at start',
  '503s',
  'in backoff at end',
  'drain',
];

/** One row of the take-downs table. */
export function takeDownRow(t: TakeDown): string[] {
  return [
    t.name,
    fmtOffset(t.startS),
    fmtOffset(t.endS),
    fmtCount(t.backlogAtStart),
    fmtCount(t.responses503),
    t.inBackoffAtEnd === null ? '-' : fmtCount(t.inBackoffAtEnd),
    t.drainS === null ? 'not drained' : `${t.drainS} s`,
  ];
}

/** One sentence per metastability hint. */
export function metastableSentence(m: MetastableHint): string {
  const after = m.after === 'take-down' ? 'after a take-down' : 'after its load dropped';
  return (
    `${m.step} stayed degraded ${after} from ${fmtOffset(m.atS)} at ${fmtPerS(m.offeredRatePerS)} new requests/s, ` +
    `below the ${fmtPerS(m.sustainedRatePerS)}/s it had sustained: a metastable state (retry storm, cold cache?)`
  );
}

/** The validity lines shown at the top of every report (empty when the run is valid). */
export function validityLines(s: Summary): string[] {
  return s.validity.problems.map((p) => `INVALID (${p.kind}): ${p.message}`);
}

/** Where the backlog figures come from, in words. */
export function backlogText(s: Summary): string {
  const b = s.backlog;
  if (b.source === 'cumulative-estimate')
    return `peak backlog ${fmtCount(b.peakTotal)} (cumulative estimate: offered − answered; no gauges in this run)`;
  return (
    `peak backlog ${fmtCount(b.peakTotal)}` +
    (b.peakAtS === null ? '' : ` at ${fmtOffset(b.peakAtS)}`) +
    ` (at target ${fmtCount(b.peakAtTarget ?? 0)}, in client ${fmtCount(b.peakInClient ?? 0)}; ` +
    `in backoff ${fmtCount(b.peakInBackoff ?? 0)})`
  );
}

/** How far behind schedule the driver started arrivals: p99 and worst, or only the worst without a schedule. */
export function latenessText(s: Summary): string {
  // k6 does not say when it started an iteration against its schedule: unknown, never 0 ms.
  if (s.latencyModel === 'k6-import') return 'driver lateness unknown (k6 does not report it)';
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
  switch (m) {
    case 'intended-time':
      return 'latency from the intended send time (coordinated-omission free)';
    case 'simulated':
      return 'latency from the intended send time, simulated against the reference model in virtual time';
    case 'k6-import':
      return "latency from k6's actual send (http_req_duration, arrival-rate scenarios)";
    default:
      return 'latency from the actual send (closed model: a stalled target hides behind a slowed client)';
  }
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
