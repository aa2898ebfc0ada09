/**
 * Self time by function in a slice of a V8 CPU profile: where a long run (the simulated day) spent
 * its CPU between two instants, e.g. in a take-down herd's release only. Takes a `.cpuprofile`
 * written by `node --cpu-prof`, and the slice in seconds from the profile's start.
 *
 *   node --import tsx bench/cpuprofile-slice.ts FILE.cpuprofile [FROM_S] [TO_S]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, from = '0', to = 'Infinity'] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: cpuprofile-slice FILE.cpuprofile [FROM_S] [TO_S]\n');
  process.exit(2);
}
const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const fromUs = Number(from) * 1e6;
const toUs = Number(to) * 1e6;
const frames = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
let t = 0;
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i] ?? 0;
  if (t < fromUs || t > toUs) continue;
  // A sample's time is the gap to the next one.
  const us = p.timeDeltas[i + 1] ?? 0;
  const f = frames.get(p.samples[i]!)!;
  if (f.functionName === '(idle)') continue;
  const where = f.url.split('/').slice(-2).join('/');
  const key = `${f.functionName || '(anonymous)'} ${where}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  byFile.set(where, (byFile.get(where) ?? 0) + us);
  total += us;
}
const top = (m: Map<string, number>, n: number): string =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`)
    .join('\n');
process.stdout.write(
  `${top(byFunction, 30)}\n--- by file\n${top(byFile, 15)}\nself time in the slice: ${(total / 1e6).toFixed(1)} s\n`,
);
