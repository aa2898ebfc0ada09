/**
 * Benchmark: an error storm. The compiled CLI fires at a loopback port with nothing listening
 * (100 % connection refused, `--no-preflight`) at 10k arrivals/s for 30 s; this samples the CLI
 * process's resident memory (VmRSS, worker threads included) every 500 ms and counts the lines it
 * printed. The target: RSS flat and under 300 MB, output a few lines (errors aggregated with counts).
 *
 *   npx tsc -p tsconfig.build.json && node --import tsx bench/error-storm.ts [--rate 10000] [--seconds 30]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const flag = (name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const RATE = flag('rate', 10_000);
const SECONDS = flag('seconds', 30);
const BIN = fileURLToPath(new URL('../bin/stampede.js', import.meta.url));

/** A loopback port nobody listens on: bound, read, released. */
async function closedPort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as { port: number };
  s.close();
  await once(s, 'close');
  return port;
}

function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'stampede-storm-'));
const port = await closedPort();
writeFileSync(
  join(dir, 'profile.yaml'),
  `name: error-storm
population: { accounts: 10000000, seed: 1 }
client: { maxInFlight: 20000, connections: 64, requestTimeout: 2s, connectTimeout: 1s }
flows:
  login-only: { weight: 1, steps: [login] }
phases:
  - { constant: ${RATE}, duration: ${SECONDS}s, process: poisson }
`,
);
writeFileSync(
  join(dir, 'target.yaml'),
  `name: nothing-there
baseUrl: http://127.0.0.1:${port}
accounts: { name: "user-{{index}}", password: "pw" }
steps:
  login: { method: GET, path: "/login/{{account}}", expect: [200] }
`,
);

const out = join(dir, 'run');
const started = Date.now();
const child = spawn(
  process.execPath,
  [
    BIN,
    'run',
    join(dir, 'profile.yaml'),
    '--target',
    join(dir, 'target.yaml'),
    '--no-preflight',
    '--out',
    out,
    '--drain',
    '2',
  ],
  { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } },
);
let stdout = '';
let stderr = '';
child.stdout.on('data', (d: Buffer) => {
  stdout += d.toString();
});
child.stderr.on('data', (d: Buffer) => {
  stderr += d.toString();
});
const samples: Array<{ s: number; mb: number }> = [];
const timer = setInterval(() => {
  const mb = child.pid === undefined ? null : rssMb(child.pid);
  if (mb !== null) samples.push({ s: (Date.now() - started) / 1000, mb });
}, 500);
// Bounded: the run stops itself; this only guards against a hang.
const guard = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 60) * 1000);
const [code] = (await once(child, 'exit')) as [number | null];
clearInterval(timer);
clearTimeout(guard);

const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
  arrivals: number;
  dropped: number;
  steps: Record<string, { count: number; ok: number; errors: Record<string, number> }>;
};
const login = summary.steps['login']!;
const peak = Math.max(...samples.map((x) => x.mb));
const at = (frac: number): number =>
  samples[Math.min(samples.length - 1, Math.floor(samples.length * frac))]!.mb;
const lines = (t: string): number => t.split('\n').filter((l) => l !== '').length;

console.log(`error storm: ${RATE}/s for ${SECONDS}s at 127.0.0.1:${port} (nothing listening), exit ${code}`);
console.log('| figure | value |');
console.log('| --- | --- |');
console.log(`| arrivals / dropped | ${summary.arrivals} / ${summary.dropped} |`);
console.log(
  `| login requests / connect errors / other | ${login.count} / ${login.errors['connect'] ?? 0} / ${login.count - (login.errors['connect'] ?? 0)} |`,
);
console.log(
  `| RSS at 25 % / 50 % / 75 % / end of run, MB | ${[0.25, 0.5, 0.75, 0.99].map((f) => at(f).toFixed(0)).join(' / ')} |`,
);
console.log(`| peak RSS, MB (target < 300) | ${peak.toFixed(0)} |`);
console.log(`| lines printed: stdout / stderr | ${lines(stdout)} / ${lines(stderr)} |`);
console.log(`| wall time, s | ${((Date.now() - started) / 1000).toFixed(1)} |`);
