/**
 * What a session's memory layout costs on the simulator's wake path, apart from everything else:
 * N sessions wait in one binary heap (the scheduler's TimerHeap); each step pops the earliest,
 * reads and writes the fields a wake-up touches (`Scheduler.#wakeUp`, `Session.due`), and pushes
 * it back a random wait later, as a day's think times, backoffs and mail waits do. The layouts:
 * - `object`: a class of the SessionSlot's shape before sessions became records (2e3aa29: 38
 *   fields, three of them doubles that V8 keeps boxed), one object per session;
 * - `object, times unboxed`: the object without its three doubles, which sit in a 32-byte row per
 *   session of one shared Float64Array (a boxed double is a pointer to 16 bytes elsewhere);
 * - `object by number`: the objects, with the heap holding each one's number (a small integer
 *   into an array of them), not a pointer;
 * - `slim object`: the same state in 22 fields (constants behind one context, small fields packed);
 * - `record`: the same state in a 64-byte record per session in one ArrayBuffer (an Int32Array and
 *   a Float64Array over it), addressed by the session's number, which the heap holds.
 * - `record + 4-ary heap`: the records, with the heap's nodes (time, session number) in one
 *   Float64Array, four children a node.
 * - `thin object + record`: the records, with the heap holding a small object per session that
 *   knows its number (an Exchange that stays with its session): one miss more than the record.
 * A day holds 0.3-3 M sessions in flight; the sizes below span that. Prints ns per wake-up.
 *
 *   node --import tsx bench/session-layout.ts [--n 1000000,3000000] [--wakes 5000000]
 */
import { Rng } from '../harness/arrivals/rng.js';
import { TimerHeap } from '../harness/driver/timer-heap.js';
import { flag } from './support/flag.js';

const sizes = (flag('n') ?? '300000,1000000,3000000').split(',').map(Number);
const wakes = Number(flag('wakes') ?? '5000000');

/** ns per wake-up of a loop that began at `t0`; `sum` (what it read) is used, so nothing is optimised away. */
function nsPerWake(t0: number, sum: number): number {
  if (sum === 0.5) console.log(sum);
  return ((performance.now() - t0) * 1e6) / wakes;
}

/** The SessionSlot's fields but its three doubles, in their order then (2e3aa29). */
class SessionFields {
  target: object = {};
  derived = false;
  recorder: object = {};
  r0 = 0;
  r1 = 0;
  r2 = 0;
  r3 = 0;
  seeded = false;
  flow: object = {};
  stepIds: number[] = [];
  pos = 0;
  attempt = 1;
  account: string | null = null;
  password: string | null = null;
  accountIndex = 0;
  region = '';
  captures: object | null = null;
  seed = 0;
  seq = 0;
  reRequests = 0;
  flowIndex = 0;
  waitKind = 0;
  request: object | null = null;
  wantBody = false;
  succeeded = false;
  done = false;
  wire: unknown = null;
  host: object = {};
  where = 0;
  inBackoff = false;
  liveIndex = -1;
  deadlineTicket = -1;
  cancelling = false;
}

/** The SessionSlot's shape: 38 fields, three of them doubles (boxed by V8). */
class ObjectSession extends SessionFields {
  stepStartNs = 0.5;
  markNs = -1.5;
  wakeNs = 0.5;
}

/** The object without its three doubles: they sit in one 32-byte row per session of a shared Float64Array. */
class UnboxedSession extends SessionFields {
  /** Row in the shared times array: [wake, stepStart, mark, unused]. */
  row = 0;
}

/** What `#wakeUp` and `due()` read and write of a woken session but its times; 0 when it was not waiting. */
function touch(s: SessionFields): number {
  if (s.where !== 1) return 0;
  s.inBackoff = false;
  s.where = 0;
  const read = s.pos + s.attempt + s.flowIndex + s.accountIndex + s.r0 + (s.seeded ? 1 : 0);
  s.r0 = (s.r0 + 1) | 0;
  s.attempt = (s.attempt & 3) + 1;
  return read + 1;
}

/** The object layout, popped from a heap of the objects (`byNumber` false) or of their numbers. */
function runObjects(n: number, rng: Rng, byNumber: boolean): number {
  const heap = new TimerHeap<ObjectSession | number>();
  const all: ObjectSession[] = [];
  for (let i = 0; i < n; i++) {
    const s = new ObjectSession();
    s.accountIndex = i;
    s.wakeNs = rng.float() * 1e12;
    s.where = 1;
    all.push(s);
    heap.push(s.wakeNs, byNumber ? i : s);
  }
  let sum = 0;
  const t0 = performance.now();
  for (let k = 0; k < wakes; k++) {
    const now = heap.peekTime();
    const item = heap.pop();
    const s = typeof item === 'number' ? all[item]! : item;
    const read = touch(s);
    if (read === 0) continue;
    sum += read;
    const late = now - s.wakeNs;
    s.markNs = -1;
    s.stepStartNs = now + late;
    s.wakeNs = now + 1e6 + rng.float() * 2e10;
    s.where = 1;
    heap.push(s.wakeNs, item);
  }
  return nsPerWake(t0, sum);
}

function runUnboxed(n: number, rng: Rng): number {
  const heap = new TimerHeap<UnboxedSession>();
  const times = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const s = new UnboxedSession();
    s.accountIndex = i;
    s.row = i * 4;
    times[s.row] = rng.float() * 1e12;
    s.where = 1;
    heap.push(times[s.row]!, s);
  }
  let sum = 0;
  const t0 = performance.now();
  for (let k = 0; k < wakes; k++) {
    const now = heap.peekTime();
    const s = heap.pop();
    const read = touch(s);
    if (read === 0) continue;
    sum += read;
    const row = s.row;
    const late = now - times[row]!;
    times[row + 2] = -1;
    times[row + 1] = now + late;
    const wake = now + 1e6 + rng.float() * 2e10;
    times[row] = wake;
    s.where = 1;
    heap.push(wake, s);
  }
  return nsPerWake(t0, sum);
}

/**
 * The same state in a slimmer object: the per-scheduler constants (target, recorder, host,
 * derived) behind one shared context, the flow's step list found from the flow, and the eleven
 * small fields (flags, where, waitKind, pos, attempt, re-requests) packed into one integer.
 */
class SlimSession {
  ctx: object = {};
  r0 = 0;
  r1 = 0;
  r2 = 0;
  r3 = 0;
  flow: object = {};
  bits = 0;
  stepStartNs = 0.5;
  markNs = -1.5;
  account: string | null = null;
  password: string | null = null;
  accountIndex = 0;
  region = '';
  captures: object | null = null;
  seed = 0;
  seq = 0;
  flowIndex = 0;
  wakeNs = 0.5;
  request: object | null = null;
  wire: unknown = null;
  liveIndex = -1;
  deadlineTicket = -1;
}

function runSlim(n: number, rng: Rng): number {
  const heap = new TimerHeap<SlimSession>();
  for (let i = 0; i < n; i++) {
    const s = new SlimSession();
    s.accountIndex = i;
    s.wakeNs = rng.float() * 1e12;
    s.bits = 1;
    heap.push(s.wakeNs, s);
  }
  let sum = 0;
  const t0 = performance.now();
  for (let k = 0; k < wakes; k++) {
    const now = heap.peekTime();
    const s = heap.pop();
    const bits = s.bits;
    if ((bits & 3) !== 1) continue;
    sum += (bits >>> 4) + s.flowIndex + s.accountIndex + s.r0;
    const late = now - s.wakeNs;
    s.markNs = -1;
    s.r0 = (s.r0 + 1) | 0;
    s.stepStartNs = now + late;
    s.wakeNs = now + 1e6 + rng.float() * 2e10;
    s.bits = (bits & ~3) | 1;
    heap.push(s.wakeNs, s);
  }
  return nsPerWake(t0, sum);
}

/** Record layout: 16 int32 words = 64 bytes; the doubles at word offsets 0, 2, 4. */
const W = 16;
const F_WAKE = 0; // Float64 index 0 of the record (words 0-1)
const F_START = 1; // words 2-3
const F_MARK = 2; // words 4-5
const I_BITS = 6; // where | waitKind | pos | attempt, packed
const I_ACCOUNT = 7;
const I_SEED = 8;
const I_SEQ = 9;
const I_R0 = 10;
const I_FLOW = 14;
const I_LIVE = 15;

/**
 * A min-heap of (time, session number) nodes in one Float64Array, four children a node: the
 * record layout's heap (a number per entry, no item array), half the levels of a binary heap, a
 * level's four children in 64 bytes side by side.
 */
class IdHeap4 {
  #nodes = new Float64Array(128);
  #n = 0;

  peekTime(): number {
    return this.#n > 0 ? this.#nodes[0]! : Number.POSITIVE_INFINITY;
  }

  push(t: number, id: number): void {
    if (2 * this.#n === this.#nodes.length) {
      const grown = new Float64Array(this.#nodes.length * 2);
      grown.set(this.#nodes);
      this.#nodes = grown;
    }
    const a = this.#nodes;
    let i = this.#n++;
    while (i > 0) {
      const p = (i - 1) >> 2;
      if (a[2 * p]! <= t) break;
      a[2 * i] = a[2 * p]!;
      a[2 * i + 1] = a[2 * p + 1]!;
      i = p;
    }
    a[2 * i] = t;
    a[2 * i + 1] = id;
  }

  pop(): number {
    const a = this.#nodes;
    const top = a[1]!;
    const n = --this.#n;
    const lt = a[2 * n]!;
    const lid = a[2 * n + 1]!;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      let c = first;
      let ct = a[2 * first]!;
      const end = first + 4 < n ? first + 4 : n;
      for (let k = first + 1; k < end; k++) {
        if (a[2 * k]! < ct) {
          ct = a[2 * k]!;
          c = k;
        }
      }
      if (ct >= lt) break;
      a[2 * i] = ct;
      a[2 * i + 1] = a[2 * c + 1]!;
      i = c;
    }
    a[2 * i] = lt;
    a[2 * i + 1] = lid;
    return top;
  }
}

interface IdQueue {
  peekTime(): number;
  push(t: number, id: number): void;
  pop(): number;
}

/**
 * What `#wakeUp` and `due()` read and write of a woken session's 64-byte record `id`; its next
 * wake-up time, or -1 when it was not waiting.
 */
function wakeRecord(
  i32: Int32Array,
  f64: Float64Array,
  id: number,
  now: number,
  k: number,
  rng: Rng,
): number {
  const b = id * W;
  const f = b / 2;
  const bits = i32[b + I_BITS]!;
  if ((bits & 3) !== 1) return -1;
  const read =
    (bits >>> 4) +
    i32[b + I_FLOW]! +
    i32[b + I_ACCOUNT]! +
    i32[b + I_R0]! +
    i32[b + I_SEED]! +
    i32[b + I_SEQ]!;
  const late = now - f64[f + F_WAKE]!;
  f64[f + F_MARK] = -1;
  i32[b + I_R0] = (i32[b + I_R0]! + 1) | 0;
  i32[b + I_LIVE] = k;
  f64[f + F_START] = now + late + (read & 1);
  const wake = now + 1e6 + rng.float() * 2e10;
  f64[f + F_WAKE] = wake;
  i32[b + I_BITS] = (bits & ~3) | 1;
  return wake;
}

function runRecords(n: number, rng: Rng, heap: IdQueue): number {
  const buf = new ArrayBuffer(n * W * 4);
  const i32 = new Int32Array(buf);
  const f64 = new Float64Array(buf);
  for (let i = 0; i < n; i++) {
    const w = rng.float() * 1e12;
    f64[(i * W) / 2 + F_WAKE] = w;
    i32[i * W + I_ACCOUNT] = i;
    i32[i * W + I_BITS] = 1;
    heap.push(w, i);
  }
  let sum = 0;
  const t0 = performance.now();
  for (let k = 0; k < wakes; k++) {
    const now = heap.peekTime();
    const id = heap.pop();
    const wake = wakeRecord(i32, f64, id, now, k, rng);
    if (wake < 0) continue;
    sum += wake % 7;
    heap.push(wake, id);
  }
  return nsPerWake(t0, sum);
}

/** A thin object (the Exchange a transport holds) whose state is a 64-byte record: the heap holds the objects. */
class ThinSession {
  wire: unknown = null;
  constructor(
    readonly table: Int32Array,
    readonly id: number,
  ) {}
}

function runThin(n: number, rng: Rng): number {
  const buf = new ArrayBuffer(n * W * 4);
  const i32 = new Int32Array(buf);
  const f64 = new Float64Array(buf);
  const heap = new TimerHeap<ThinSession>();
  for (let i = 0; i < n; i++) {
    const w = rng.float() * 1e12;
    f64[(i * W) / 2 + F_WAKE] = w;
    i32[i * W + I_ACCOUNT] = i;
    i32[i * W + I_BITS] = 1;
    heap.push(w, new ThinSession(i32, i));
  }
  let sum = 0;
  const t0 = performance.now();
  for (let k = 0; k < wakes; k++) {
    const now = heap.peekTime();
    const s = heap.pop();
    const id = s.id;
    const wake = wakeRecord(i32, f64, id, now, k, rng);
    if (wake < 0) continue;
    sum += wake % 7;
    heap.push(wake, s);
  }
  return nsPerWake(t0, sum);
}

for (const n of sizes) {
  // Interleaved, twice each: the second of each pair is the one printed (the first warms the JIT).
  const o = [runObjects(n, new Rng(1), false), runObjects(n, new Rng(2), false)];
  const ob = [runObjects(n, new Rng(1), true), runObjects(n, new Rng(2), true)];
  const ub = [runUnboxed(n, new Rng(1)), runUnboxed(n, new Rng(2))];
  const sl = [runSlim(n, new Rng(1)), runSlim(n, new Rng(2))];
  const r = [
    runRecords(n, new Rng(1), new TimerHeap<number>()),
    runRecords(n, new Rng(2), new TimerHeap<number>()),
  ];
  const th = [runThin(n, new Rng(1)), runThin(n, new Rng(2))];
  const r4 = [runRecords(n, new Rng(1), new IdHeap4()), runRecords(n, new Rng(2), new IdHeap4())];
  console.log(
    `${n.toLocaleString('en-US').padStart(10)} sessions: object ${o[1]!.toFixed(0)} ns/wake, object with its times unboxed ${ub[1]!.toFixed(0)}, object by number ${ob[1]!.toFixed(0)}, slim object ${sl[1]!.toFixed(0)}, 64-byte record ${r[1]!.toFixed(0)}, record + 4-ary (time, id) heap ${r4[1]!.toFixed(0)}, thin object + record ${th[1]!.toFixed(0)}`,
  );
}
