/**
 * The benchmark suite (issue 8, with the driver benchmark of issue 4): throughput ceiling against
 * wrk and autocannon, rate accuracy and send lateness, latency truth against a freezing server,
 * scale (plan and a long run), recording cost, and the http1 transport's client CPU (issue 19).
 * Prints one table and writes bench/results.json.
 *
 *   npm run bench               # full, ~14 min on 2 cores
 *   npm run bench -- --quick    # ~2.5 min, shorter runs and one round
 *
 * Traffic goes only to 127.0.0.1; every run is bounded in count and time. Targets run on core 1,
 * generators on core 0 (`taskset`) when the machine has two cores. A missing peer gives null
 * figures with the reason; nothing is estimated.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rateSection } from './sections/rate.js';
import { recordSection, scaleSection } from './sections/scale.js';
import { throughputSection } from './sections/throughput.js';
import { transportCpuRows, transportCpuSection } from './sections/transport-cpu.js';
import { truthSection } from './sections/truth.js';
import { findPeers } from './support/peers.js';
import { CAN_PIN, CORES } from './support/processes.js';
import { round } from './support/stats.js';
import { type Row, renderTable } from './support/table.js';

const QUICK = process.argv.includes('--quick');
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const started = Date.now();
const log = (s: string): void => {
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}\n`);
};

const cfg = QUICK
  ? {
      tpSeconds: 3,
      rounds: 1,
      rateSeconds: 6,
      windowS: 2,
      acRates: [5000],
      truthSeconds: 8,
      planM: 20,
      runRate: 5000,
      runS: 10,
      recValues: 2e6,
      tcpuSeconds: 3,
      tcpuRateSeconds: 7,
      tcpuWindowS: 2,
    }
  : {
      tpSeconds: 5,
      rounds: 3,
      rateSeconds: 32,
      windowS: 10,
      acRates: [1000, 5000, 20000],
      truthSeconds: 20,
      planM: 100,
      runRate: 5000,
      runS: 200,
      recValues: 1e7,
      // The http1 floods run 10 s (transport-cpu.ts, FLOOD_SECONDS): a JIT's warm-up is 1/10 of it.
      tcpuSeconds: 10,
      tcpuRateSeconds: 11,
      tcpuWindowS: 5,
    };

log(
  `stampede bench ${QUICK ? '--quick' : '(full)'}: ${CORES} cores, pinning ${CAN_PIN ? 'on (targets core 1, generators core 0)' : 'off'}`,
);
log('building dist/ (the generators run the compiled code, as the CLI does)');
try {
  execFileSync(
    process.execPath,
    [
      fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)),
      '-p',
      'tsconfig.build.json',
    ],
    {
      cwd: ROOT,
      stdio: 'ignore',
    },
  );
} catch {
  log('tsc reported errors (emitted anyway); continuing with what dist/ holds');
}
const peers = findPeers();
log(
  `peers: wrk ${peers.wrk.path ?? 'missing'}, nginx ${peers.nginx.path ?? 'missing'}, vegeta ${peers.vegeta.path ?? 'missing'}`,
);

log('1/6 throughput ceiling');
const tp = await throughputSection(peers, cfg.tpSeconds, cfg.rounds, log);
log('2/6 rate accuracy');
const rate = await rateSection(peers, [1000, 5000, 20000], cfg.acRates, cfg.rateSeconds, cfg.windowS, log);
log('3/6 latency truth');
const truth = await truthSection(peers, 1000, cfg.truthSeconds, log);
log('4/6 scale');
const scale = await scaleSection(cfg.planM, cfg.runRate, cfg.runS, log);
log('5/6 recording cost');
const record = await recordSection(cfg.recValues);
log('6/6 http1 transport CPU against autocannon and wrk');
const tcpu = await transportCpuSection(
  peers,
  cfg.tcpuSeconds,
  cfg.tcpuRateSeconds,
  cfg.tcpuWindowS,
  cfg.rounds,
  log,
);

const results = {
  date: new Date().toISOString(),
  mode: QUICK ? 'quick' : 'full',
  machine: { cores: CORES, pinned: CAN_PIN, node: process.version },
  peers,
  throughput: {
    ratioVsWrk: round(tp.ratioVsWrk, 3),
    ratioVsAutocannon: round(tp.ratioVsAutocannon, 3),
    cpuRatioVsAutocannon: round(tp.cpuRatioVsAutocannon, 3),
    reqPerS: Object.fromEntries(Object.entries(tp.reqPerS).map(([k, v]) => [k, round(v, 0)])),
    cpuUsPerRequest: Object.fromEntries(Object.entries(tp.cpuUsPerRequest).map(([k, v]) => [k, round(v, 1)])),
    detail: tp,
  },
  rate: {
    maxErrorPct: round(rate.maxErrorPct, 3),
    latenessP99Ms: round(rate.latenessP99Ms, 3),
    steadyLatenessP99Ms: round(rate.steadyLatenessP99Ms, 3),
    detail: rate,
  },
  truth: {
    p99Ms: round(truth.p99Ms, 1),
    trueP99Ms: round(truth.trueP99Ms, 1),
    errorPct: round(truth.errorPct, 1),
    detail: truth,
  },
  scale: {
    planArrivalsPerS: round(scale.planArrivalsPerS, 0),
    planPeakRssMb: round(scale.planPeakRssMb, 1),
    peakRssMb: round(scale.peakRssMb, 1),
    detail: scale,
  },
  record: { nsPerValue: record.nsPerValue, note: record.note },
  transportCpu: {
    cpuRatioVsAutocannon: round(tcpu.cpuRatioVsAutocannon, 3),
    reqPerSRatioVsWrk: round(tcpu.reqPerSRatioVsWrk, 3),
    rateErrorPct: round(tcpu.rateErrorPct, 3),
    detail: tcpu,
  },
  wallS: round((Date.now() - started) / 1000, 0),
};
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);

const f = (x: number | null | undefined, d = 1): string =>
  x === null || x === undefined ? 'n/a' : x.toFixed(d);
const rows: Row[] = [];
for (const g of ['stampede-undici', 'stampede-autocannon', 'autocannon-cli', 'wrk'] as const) {
  rows.push(['throughput', `${g} req/s (median)`, f(tp.reqPerS[g], 0), '']);
  rows.push(['throughput', `${g} client CPU µs/req`, f(tp.cpuUsPerRequest[g]), '']);
}
// The undici engine is the conformance reference now (issue 19): the engine's targets are the
// transport-cpu section's, on the default engine (http1); these ratios are kept for comparison.
rows.push(['throughput', 'stampede-undici/wrk req/s ratio', f(tp.ratioVsWrk, 3), '']);
rows.push(['throughput', 'stampede-undici/autocannon req/s ratio', f(tp.ratioVsAutocannon, 3), '']);
rows.push(['throughput', 'stampede-undici/autocannon CPU per req', f(tp.cpuRatioVsAutocannon, 3), '']);
for (const r of rate.runs) {
  rows.push([
    'rate',
    `${r.tool} ${r.rate}/s max window error %`,
    f(r.maxErrorPct, 2),
    r.tool === 'stampede' && r.rate === 5000 ? '< 1 %' : '',
  ]);
  if (r.latenessP99Ms !== null)
    rows.push([
      'rate',
      `${r.tool} ${r.rate}/s lateness p99 / after 1st s / max ms`,
      `${f(r.latenessP99Ms, 2)} / ${f(r.steadyLatenessP99Ms, 2)} / ${f(r.latenessMaxMs, 1)}`,
      r.rate === 5000 ? 'p99 < 2 ms' : '',
    ]);
}
for (const r of truth.runs) {
  rows.push([
    'truth',
    `${r.tool} p99 (true) ms`,
    `${f(r.p99Ms, 0)} (${f(r.trueP99Ms, 0)})`,
    r.tool === 'stampede undici' ? 'within 10 %' : '',
  ]);
}
rows.push([
  'scale',
  `plan --exact ${f((scale.planArrivals ?? 0) / 1e6, 0)} M arrivals/s`,
  f(scale.planArrivalsPerS, 0),
  '',
]);
rows.push(['scale', 'plan peak RSS MB', f(scale.planPeakRssMb), '< 200']);
rows.push([
  'scale',
  `run ${scale.runAskedArrivals} arrivals: ok / dropped`,
  `${scale.runOk ?? 'n/a'} / ${scale.runDropped ?? 'n/a'}`,
  '',
]);
rows.push(['scale', 'run peak RSS MB (stampede process)', f(scale.peakRssMb), '< 400']);
rows.push(['record', 'ns per recorded value', f(record.nsPerValue), '<= 100']);
rows.push(...transportCpuRows(tcpu));
process.stdout.write(renderTable(['section', 'measure', 'value', 'target'], rows));
const notes = [...new Set([...tp.notes, ...rate.notes, ...truth.notes, ...scale.notes, ...tcpu.notes])];
for (const n of notes) process.stdout.write(`note: ${n}\n`);
process.stdout.write(`results: bench/results.json (${results.wallS} s)\n`);
