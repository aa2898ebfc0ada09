/**
 * How fast the reference model runs in virtual time, without the driver: N forced-reset sessions
 * (login 403 -> reset-request -> await-mail once, at the arrival the model announces -> confirm
 * -> login-new), arriving evenly at `rate`/s against psn-relaunch's capacity (8 workers x 20 ms,
 * queue 200, mail 300/s, hashCost 1, 77 M accounts), through the real ReferenceTarget. Prints
 * wall time, requests per wall second and RSS: the model's share of a `stampede simulate`.
 *
 *   node --import tsx bench/reference-model-speed.ts [sessions=1000000] [rate=350]
 */
import { VirtualClock } from '../harness/driver/virtual-clock.js';
import type { StepKind } from '../harness/profile/profile.js';
import type { Exchange, ResponseHeaders } from '../harness/transports/transport.js';
import { ReferenceModel } from '../targets/reference/model/reference-model.js';
import { resolveReferenceConfig } from '../targets/reference/reference-config.js';
import { ReferenceTarget } from '../targets/reference/reference-target.js';
import type { SessionState } from '../targets/target.js';

const sessions = Number(process.argv[2] ?? 1_000_000);
const rate = Number(process.argv[3] ?? 350);
const config = resolveReferenceConfig({
  accounts: Number(process.env.ACCOUNTS ?? 77_000_000),
  mustResetShare: 0.9,
  adminWorkers: 8,
  resetServiceMs: 20,
  resetQueue: 200,
  mailPerS: 300,
  hashCost: 1,
});
const clock = new VirtualClock();
const model = new ReferenceModel(clock, { config, forgetConsumedMail: true });
const target = new ReferenceTarget({
  origin: 'http://model.invalid',
  seed: config.seed,
  accounts: config.accounts,
});
const FLOW: StepKind[] = ['login', 'reset-request', 'await-mail', 'reset-confirm', 'login-new'];
let requests = 0;
let finished = 0;
let gaveUp = 0;

/** One session: sends its steps in turn; a 503 or a pending mailbox ends it (no retries here). */
class BenchSession implements Exchange {
  wire: unknown = null;
  readonly s: SessionState;
  #step = 0;
  readonly #wake = clock.alarm(() => this.#send());
  constructor(index: number) {
    const c = target.credentials(index);
    this.s = {
      accountIndex: index,
      account: c.account,
      password: c.password,
      newPassword: `n${index}`,
      region: 'americas',
      captures: {},
    };
  }
  start(atNs: number): void {
    this.#wake.set(atNs);
  }
  #send(): void {
    const kind = FLOW[this.#step]!;
    requests++;
    model.send(target.buildRequest(kind, this.s), target.needsBody(kind), this);
  }
  onWritten(): void {}
  onResponse(_t: number, status: number, headers: ResponseHeaders, body: string | undefined): void {
    const kind = FLOW[this.#step]!;
    if (status >= 500) {
      gaveUp++;
      return;
    }
    const v = target.interpret(kind, { status, headers, body }, this.s);
    if (v.verdict === 'ok' && v.captures) Object.assign(this.s.captures, v.captures);
    if (v.verdict === 'pending') {
      // Skip the empty polls: wake when the model says the mail is in.
      this.#wake.set(model.mailArrivalNs(this.s.account));
      return;
    }
    if (++this.#step === FLOW.length) {
      finished++;
      return;
    }
    this.#wake.set(clock.now());
  }
  onFailure(): void {
    gaveUp++;
  }
}

const t0 = performance.now();
// Arrivals are created lazily, one alarm ahead, so memory is what is in flight.
let next = 0;
const arrivals = clock.alarm((t) => {
  new BenchSession((next * 7919) % Math.floor(config.accounts * 0.9)).start(t);
  next++;
  if (next < sessions) arrivals.set((next * 1e9) / rate);
});
arrivals.set(0);
clock.run();
const wallS = (performance.now() - t0) / 1000;
(globalThis as { gc?: () => void }).gc?.();
const rssMb = process.memoryUsage().rss / 2 ** 20;
const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
console.log(
  `${sessions} sessions at ${rate}/s (${(clock.now() / 1e9).toFixed(0)} s virtual): ${requests} requests in ` +
    `${wallS.toFixed(1)} s wall = ${(requests / wallS / 1000).toFixed(0)}k req/s; finished ${finished}, ` +
    `gave up ${gaveUp}; RSS ${rssMb.toFixed(0)} MB, heap after GC ${heapMb.toFixed(0)} MB`,
);
