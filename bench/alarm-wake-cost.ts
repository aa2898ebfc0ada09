/**
 * The real clock's alarm alone: chains `count` alarms `gapMs` apart (each set when the previous
 * one fires, due times on a fixed grid) and prints, as one JSON line, the lateness of each wake
 * (fired-at minus due, ms: p50, p99, max) and the CPU share of a core the process used meanwhile.
 * At gaps under 1.5 ms every wait is the alarm's last stretch, a setImmediate spin. (A helper
 * thread's timed Atomics.wait was tried in its place and removed: bench/README.md.)
 *
 *   node --import tsx bench/alarm-wake-cost.ts '{"gapMs":0.2,"count":10000}'
 */
import { RealClock, takeT0 } from '../harness/driver/real-clock.js';

const req = JSON.parse(process.argv[2] ?? '{}') as { gapMs?: number; count?: number };
const gapNs = (req.gapMs ?? 0.2) * 1e6;
const count = req.count ?? 10_000;
const clock = new RealClock(takeT0());
const late: number[] = [];
let due = clock.now() + 50e6;
const c0 = process.cpuUsage();
const w0 = performance.now();
await new Promise<void>((resolve) => {
  const alarm = clock.alarm((now) => {
    late.push((now - due) / 1e6);
    if (late.length >= count) return resolve();
    due += gapNs;
    alarm.set(due);
  });
  alarm.set(due);
});
const cpu = process.cpuUsage(c0);
const wallMs = performance.now() - w0;
late.sort((a, b) => a - b);
const q = (p: number): number => late[Math.min(late.length - 1, Math.floor(p * late.length))]!;
process.stdout.write(
  `${JSON.stringify({
    gapMs: gapNs / 1e6,
    count,
    latenessP50Ms: q(0.5),
    latenessP99Ms: q(0.99),
    latenessMaxMs: late.at(-1),
    cpuShare: (cpu.user + cpu.system) / 1000 / wallMs,
  })}\n`,
);
