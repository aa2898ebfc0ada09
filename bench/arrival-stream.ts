/**
 * Arrival-stream throughput and memory: streams 50 M arrivals through `next(into)` (whole stream and
 * one shard of 4), then plans a 100 M-arrival profile analytically. Targets: >= 10 M arrivals/s on
 * one core, RSS flat and under 150 MB. Run: `node --import tsx bench/arrival-stream.ts [millions]`.
 */
import { resourceUsage } from 'node:process';
import { emptyArrival } from '../harness/arrivals/arrival.js';
import { createArrivalStream } from '../harness/arrivals/arrival-stream.js';
import { planProfile } from '../harness/arrivals/plan.js';
import type { Flow, Phase, Profile } from '../harness/profile/profile.js';

const MILLIONS = Number(process.argv[2] ?? 50);

function flowOf(name: string, weight: number, accounts: Flow['accounts']): Flow {
  return { name, weight, accounts, steps: [] };
}

/** A relaunch-shaped profile holding about `total` arrivals: three regions, ramps, a spike, Poisson. */
function surge(total: number): Profile {
  // Each region: 60 s ramp 0 -> r, 600 s hold at r, a spike phase; sized so the sum is ~total.
  const phases = (r: number): Phase[] => [
    { name: 'open', durationS: 60, process: 'poisson', shape: 'ramp', from: 0, to: r },
    { name: 'hold', durationS: 600, process: 'poisson', shape: 'constant', rate: r },
    {
      name: 'rush',
      durationS: 120,
      process: 'uniform',
      shape: 'spike',
      base: r,
      peak: 2 * r,
      atS: 30,
      widthS: 30,
    },
  ];
  const perRegion = total / 3;
  const r = perRegion / (30 + 600 + 120 + 30); // expected arrivals per unit of rate
  return {
    name: 'bench-surge',
    description: 'benchmark',
    file: 'bench',
    population: { accounts: 300_000_000, seed: 1, mustResetShare: 0.8, domains: [] },
    flows: [
      flowOf('reset', 0.7, 'must-reset'),
      flowOf('login', 0.25, 'no-reset'),
      flowOf('probe', 0.05, 'all'),
    ],
    regions: ['eu', 'us', 'ap'].map((name, i) => ({ name, startS: i * 120, phases: phases(r) })),
    outages: [],
    gates: [],
    client: {
      maxInFlight: 1,
      connections: 1,
      pipelining: 1,
      connectTimeoutS: 1,
      requestTimeoutS: 1,
      intervalS: 1,
    },
    reference: {},
    rateScale: 1,
    timeScale: 1,
  };
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);

interface Row {
  case: string;
  arrivals: string;
  /** Arrivals generated, yielded or skipped (seq of the last one + 1). */
  walked: string;
  seconds: string;
  'M arrivals/s': string;
  'M walked/s': string;
  'cpu s': string;
  'M arrivals/cpu-s': string;
  'rss start MB': string;
  'rss max sampled MB': string;
  'rss end MB': string;
}

function walk(label: string, profile: Profile, limit: number, shard?: { index: number; count: number }): Row {
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  let rssMax = rss0;
  const s = createArrivalStream(profile, shard);
  const a = emptyArrival();
  let n = 0;
  let check = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (n < limit && s.next(a)) {
    n++;
    // Sample RSS every 4 M arrivals: rare enough not to disturb the loop being measured.
    if (++check === 4_000_000) {
      check = 0;
      rssMax = Math.max(rssMax, process.memoryUsage().rss);
    }
  }
  const dt = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const rss1 = process.memoryUsage().rss;
  return {
    case: label,
    arrivals: n.toLocaleString('en-US'),
    walked: (a.seq + 1).toLocaleString('en-US'),
    seconds: dt.toFixed(2),
    'M arrivals/s': (n / dt / 1e6).toFixed(1),
    'M walked/s': ((a.seq + 1) / dt / 1e6).toFixed(1),
    // CPU time too: on a shared 2-core machine wall time includes waiting for the core.
    'cpu s': cpuS.toFixed(2),
    'M arrivals/cpu-s': (n / cpuS / 1e6).toFixed(1),
    'rss start MB': mb(rss0),
    'rss max sampled MB': mb(Math.max(rssMax, rss1)),
    'rss end MB': mb(rss1),
  };
}

const target = MILLIONS * 1e6;
const profile = surge(target * 1.02); // a little over, so the limit (not the end) stops the walk
const rows: Row[] = [];
rows.push(walk('next(into), whole stream', profile, target));
rows.push(walk('next(into), shard 1/4 (walks all, yields 1/4)', profile, target / 4, { index: 1, count: 4 }));
console.table(rows);

const big = surge(100e6);
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const plan = planProfile(big);
const planMs = performance.now() - t0;
console.table([
  {
    case: 'planProfile, analytic',
    'total arrivals': plan.totalArrivals.toLocaleString('en-US'),
    ms: planMs.toFixed(1),
    'rss before MB': mb(rssBefore),
    'rss after MB': mb(process.memoryUsage().rss),
  },
]);
console.log(`maxRSS (whole process, resourceUsage): ${mb(resourceUsage().maxRSS * 1024)} MB`);
console.log('targets: >= 10 M arrivals/s on one core; RSS flat, under 150 MB');
