/**
 * Does a 1 s scrape of `--metrics-listen` slow the send path? Runs the compiled CLI (`stampede
 * run`, embedded reference target, hash cost 0) at a constant 5k logins/s, alternating runs
 * without telemetry and with the endpoint scraped every second by a client in this process, and
 * prints each run's send lateness (summary.json `latenessMs`: every send's lateness against its
 * schedule, HDR) and the medians per mode.
 *
 *   npm run build && node --import tsx bench/telemetry-scrape.ts '{"rate":5000,"seconds":8,"pairs":3}'
 *
 * The scrape is answered on the coordinator's main thread; the worker threads that send never see
 * it, so the expectation is "unchanged within noise". Say whether the machine was shared.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loginProfileYaml } from './support/login-profile.js';

interface Request {
  readonly rate?: number;
  readonly seconds?: number;
  readonly pairs?: number;
}

interface RunFigures {
  readonly mode: 'plain' | 'scraped';
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly arrivals: number;
  readonly scrapes: number;
}

const BIN = fileURLToPath(new URL('../bin/stampede.js', import.meta.url));
const req = JSON.parse(process.argv[2] ?? '{}') as Request;
const rate = req.rate ?? 5000;
const seconds = req.seconds ?? 8;
const pairs = req.pairs ?? 3;

const dir = mkdtempSync(join(tmpdir(), 'stampede-bench-telemetry-'));
const profile = join(dir, 'profile.yaml');
writeFileSync(
  profile,
  loginProfileYaml({
    name: 'bench-telemetry',
    rate,
    seconds,
    maxInFlight: 10_000,
    connections: 64,
    requestTimeout: '5s',
    reference: { hashCost: 0 },
  }),
);

async function oneRun(mode: RunFigures['mode'], n: number): Promise<RunFigures> {
  const out = join(dir, `run-${n}-${mode}`);
  const args = [BIN, 'run', profile, '--out', out, '--workers', '1', '--json'];
  if (mode === 'scraped') args.push('--metrics-listen', '127.0.0.1:0');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), (seconds + 60) * 1000);
  let err = '';
  let scrapes = 0;
  let scraper: NodeJS.Timeout | null = null;
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    const url = /metrics at (http:\/\/\S+)/.exec(err)?.[1];
    if (url && scraper === null) {
      // Prometheus's habit: one full scrape a second, the body read to the end.
      scraper = setInterval(() => {
        void fetch(url).then(
          (r) => r.text().then(() => scrapes++),
          () => undefined,
        );
      }, 1000);
    }
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(killer);
  if (scraper) clearInterval(scraper);
  if (code !== 0) throw new Error(`run ${n} (${mode}) exited ${code}: ${err.slice(-400)}`);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
    arrivals: number;
    latenessMs: { p50: number; p99: number; max: number };
  };
  return {
    mode,
    p50Ms: s.latenessMs.p50,
    p99Ms: s.latenessMs.p99,
    maxMs: s.latenessMs.max,
    arrivals: s.arrivals,
    scrapes,
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

try {
  const runs: RunFigures[] = [];
  for (let i = 0; i < pairs; i++) {
    // Alternate the order so drift on a shared machine does not favour one mode.
    const order: RunFigures['mode'][] = i % 2 === 0 ? ['plain', 'scraped'] : ['scraped', 'plain'];
    for (const mode of order) {
      const r = await oneRun(mode, i);
      runs.push(r);
      process.stderr.write(`${JSON.stringify(r)}\n`);
    }
  }
  const by = (mode: RunFigures['mode']) => runs.filter((r) => r.mode === mode);
  const result = {
    rate,
    seconds,
    pairs,
    plain: {
      latenessP99MedianMs: median(by('plain').map((r) => r.p99Ms)),
      p99Ms: by('plain').map((r) => r.p99Ms),
    },
    scraped: {
      latenessP99MedianMs: median(by('scraped').map((r) => r.p99Ms)),
      p99Ms: by('scraped').map((r) => r.p99Ms),
      scrapes: by('scraped').map((r) => r.scrapes),
    },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
