/**
 * The http1 transport driven directly, in its own process so its CPU can be measured alone: either
 * a flood (`connections` requests in flight, each answer sends the next: the closed model of
 * autocannon and wrk) or a fixed open-model rate (requests at their intended times whether or not
 * answers are back, at most `maxInFlight`; the excess is counted as dropped). Every request's
 * latency (from its intended send time) and service time (from `onWritten`) is recorded in an HDR
 * histogram, as the driver does. Prints one JSON line (Http1GenResult).
 *
 *   node --import tsx bench/gen-http1.ts '{"origin":"http://127.0.0.1:8080","mode":"flood","seconds":5}'
 *
 * CPU is `process.cpuUsage()` from the first request to the last answer: module loading and
 * connecting are left out, as for the CLIs' start-up (bench/sections/transport-cpu.ts).
 */
import type { Histogram } from 'hdr-histogram-js';
import { createHttp1Transport, type Http1Parser } from '../harness/transports/http1/http1-transport.js';
import type { Exchange, ResponseHeaders } from '../harness/transports/transport.js';
import type { OutcomeIndex } from '../harness/vocabulary/outcome.js';
import { clampUs, recordingHistogram } from '../reports/recorder/histogram-factory.js';
import type { RequestSpec } from '../targets/target.js';

/** What the section asks for. */
export interface Http1GenRequest {
  readonly origin: string;
  readonly mode: 'flood' | 'rate';
  readonly seconds: number;
  /** Arrivals per second (rate mode). */
  readonly rate?: number;
  readonly connections?: number;
  readonly pipelining?: number;
  /** Rate mode: cap on requests in flight (default 10,000). */
  readonly maxInFlight?: number;
  /** The transport's response parser (default: the transport's own default). */
  readonly parser?: Http1Parser;
}

/** What it prints. */
export interface Http1GenResult {
  readonly requests: number;
  readonly ok: number;
  readonly failed: number;
  readonly dropped: number;
  readonly wallS: number;
  readonly reqPerS: number;
  readonly cpuUs: number;
  readonly cpuUsPerRequest: number;
  /** The user and system (kernel: the socket calls) parts of cpuUsPerRequest. */
  readonly userUsPerRequest: number;
  readonly systemUsPerRequest: number;
  /** Written requests per second of the firing time, counted from the first request. */
  readonly writtenPerSecond: number[];
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly serviceP50Ms: number;
  readonly serviceP99Ms: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Http1GenRequest;
const connections = args.connections ?? 50;
const t0 = process.hrtime.bigint();
const now = (): number => Number(process.hrtime.bigint() - t0);
const transport = createHttp1Transport(args.origin, {
  now,
  connections,
  pipelining: args.pipelining ?? 1,
  ...(args.parser === undefined ? {} : { parser: args.parser }),
});
const REQ: RequestSpec = { method: 'GET', path: '/', headers: { 'user-agent': 'stampede-bench' } };
const latency: Histogram = recordingHistogram();
const service: Histogram = recordingHistogram();
const written: number[] = new Array<number>(Math.ceil(args.seconds) + 2).fill(0);

let ok = 0;
let failed = 0;
let dropped = 0;
let inFlight = 0;
let startNs = 0;
let firingEndsNs = 0;
let firing = true;
let done: () => void = () => undefined;

/** One request slot: the generator's stand-in for a driver session. */
class GenExchange implements Exchange {
  wire: unknown = null;
  intendedNs = 0;
  writtenNs = 0;
  readonly #spare: GenExchange[];

  constructor(spare: GenExchange[]) {
    this.#spare = spare;
  }

  onWritten(atNs: number): void {
    this.writtenNs = atNs;
    const s = Math.floor((atNs - startNs) / 1e9);
    if (s < written.length) written[s]!++;
  }

  onResponse(atNs: number, status: number, _h: ResponseHeaders, _b: string | undefined): void {
    if (status === 200) ok++;
    else failed++;
    this.#ended(atNs);
  }

  onFailure(atNs: number, _o: OutcomeIndex, _d: string): void {
    failed++;
    this.#ended(atNs);
  }

  #ended(atNs: number): void {
    latency.recordValue(clampUs((atNs - this.intendedNs) / 1e3));
    service.recordValue(clampUs((atNs - this.writtenNs) / 1e3));
    inFlight--;
    if (args.mode === 'flood' && firing && atNs < firingEndsNs) {
      this.intendedNs = atNs;
      inFlight++;
      transport.send(REQ, false, this);
      return;
    }
    this.#spare.push(this);
    if (!firing && inFlight === 0) done();
  }
}

await transport.warm();
const spare: GenExchange[] = [];
const cpu0 = process.cpuUsage();
// Seconds of the schedule are counted from here.
startNs = now();
firingEndsNs = startNs + args.seconds * 1e9;
const finished = new Promise<void>((r) => {
  done = r;
});

if (args.mode === 'flood') {
  for (let i = 0; i < connections; i++) {
    const ex = new GenExchange(spare);
    ex.intendedNs = now();
    inFlight++;
    transport.send(REQ, false, ex);
  }
  setTimeout(() => {
    firing = false;
    if (inFlight === 0) done();
  }, args.seconds * 1000);
} else {
  const rate = args.rate ?? 1000;
  const cap = args.maxInFlight ?? 10_000;
  const intervalNs = 1e9 / rate;
  const total = Math.floor(args.seconds * rate);
  let sent = 0;
  // One 1 ms timer: every arrival due by now goes out with its own intended time, so a late
  // tick shows up as latency, not as a slower schedule.
  const tick = (): void => {
    const t = now();
    while (sent < total) {
      const intended = startNs + sent * intervalNs;
      if (intended > t) break;
      sent++;
      if (inFlight >= cap) {
        dropped++;
        continue;
      }
      const ex = spare.pop() ?? new GenExchange(spare);
      ex.intendedNs = intended;
      inFlight++;
      transport.send(REQ, false, ex);
    }
    if (sent < total) setTimeout(tick, 1);
    else {
      firing = false;
      if (inFlight === 0) done();
    }
  };
  tick();
}

await finished;
const wallNs = now() - startNs;
const cpu = process.cpuUsage(cpu0);
const cpuUs = cpu.user + cpu.system;
const requests = ok + failed;
await transport.close();
const ms = (h: Histogram, p: number): number => h.getValueAtPercentile(p) / 1e3;
const result: Http1GenResult = {
  requests,
  ok,
  failed,
  dropped,
  wallS: wallNs / 1e9,
  reqPerS: requests / (wallNs / 1e9),
  cpuUs,
  cpuUsPerRequest: cpuUs / Math.max(1, requests),
  userUsPerRequest: cpu.user / Math.max(1, requests),
  systemUsPerRequest: cpu.system / Math.max(1, requests),
  writtenPerSecond: written.slice(0, Math.floor(args.seconds)),
  latencyP50Ms: ms(latency, 50),
  latencyP99Ms: ms(latency, 99),
  serviceP50Ms: ms(service, 50),
  serviceP99Ms: ms(service, 99),
};
latency.destroy();
service.destroy();
process.stdout.write(`${JSON.stringify(result)}\n`);
