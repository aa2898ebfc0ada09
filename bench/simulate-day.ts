/**
 * The whole psn-relaunch day in virtual time: `stampede simulate profiles/psn-relaunch.yaml` as
 * the CLI runs it (the profile's capacity, no in-flight cap unless `--max-in-flight N`), timed. Prints wall time, CPU time,
 * peak RSS (the process's maxRSS), sessions, µs of CPU per session and the clock events fired.
 * The acceptance asks < 2 min wall and < 1 GB RSS on the 2-core machine. Like the CLI, it runs
 * itself again with simulate's V8 flags unless given them (harness/runtime/relaunch-with-flags.ts).
 *
 *   node --import tsx bench/simulate-day.ts [--profile profiles/psn-relaunch.yaml] [--out DIR] [--max-in-flight N]
 *     [--every S]          a progress line every S virtual seconds (default 900)
 *   node --expose-gc --import tsx bench/simulate-day.ts --live-heap 1 ...
 *                          beside each line, after a forced full GC: the live JS heap and the
 *                          array buffers (what the day holds, not what V8 has grown to)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDrain } from '../harness/cli/run-args.js';
import { loadProfile } from '../harness/profile/load-profile.js';
import { needsRelaunch, relaunchWith, SIMULATE_NODE_FLAGS } from '../harness/runtime/relaunch-with-flags.js';
import { simulate } from '../harness/simulate/simulate-run.js';
import { findingsOf, findingsText, writeFindings } from '../harness/simulate/simulation-findings.js';
import { applyInFlightCap, simulateCapacity } from '../harness/simulate/what-if.js';
import { flag } from './support/flag.js';

if (needsRelaunch(SIMULATE_NODE_FLAGS)) {
  const code = await relaunchWith(SIMULATE_NODE_FLAGS);
  if (code !== null) process.exit(code);
}

const file = flag('profile') ?? 'profiles/psn-relaunch.yaml';
const given = flag('out');
const out = given ?? mkdtempSync(join(tmpdir(), 'stampede-day-'));
const cap = flag('max-in-flight');
const profile = applyInFlightCap(await loadProfile(file), cap === undefined ? undefined : Number(cap));
const liveHeap = flag('live-heap') !== undefined;
const gc = (globalThis as { gc?: () => void }).gc;
if (liveHeap && gc === undefined) {
  process.stderr.write('simulate-day: --live-heap needs node --expose-gc\n');
  process.exit(2);
}
const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

/** RSS (and with --live-heap, the V8 heap's size, then the live heap and array buffers after a full GC). */
function memoryNote(): string {
  const before = process.memoryUsage();
  if (!liveHeap || gc === undefined) return `rss ${mb(before.rss)} MB`;
  gc();
  const after = process.memoryUsage();
  return `rss ${mb(before.rss)} MB, heap ${mb(before.heapTotal)} MB, live heap ${mb(after.heapUsed)} MB, array buffers ${mb(after.arrayBuffers)} MB`;
}

const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const r = await simulate({
  profile,
  capacity: simulateCapacity(profile, []),
  outDir: out,
  drainS: parseDrain(undefined, profile),
  // RSS beside each progress line: where in the day the memory goes.
  progress: (line) => process.stderr.write(`${line}  ${memoryNote()}\n`),
  progressEveryS: Number(flag('every') ?? 900),
});
const wallS = (performance.now() - wall0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
const findings = findingsOf(r, profile);
process.stdout.write(findingsText(findings));
// With --out the run directory is kept: the findings go in as the CLI writes them.
if (given !== undefined) await writeFindings(out, findings);
process.stdout.write(
  `${JSON.stringify(
    {
      profile: file,
      sessions: r.summary.arrivals,
      started: r.summary.started,
      dropped: r.summary.dropped,
      wallS: Math.round(wallS * 10) / 10,
      cpuS: Math.round(cpuS * 10) / 10,
      cpuUsPerSession: Math.round((cpuS / Math.max(1, r.summary.arrivals)) * 1e7) / 10,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      alarmsFired: r.alarmsFired,
      virtualS: r.summary.durationS,
    },
    null,
    2,
  )}\n`,
);
if (given === undefined) rmSync(out, { recursive: true, force: true });
