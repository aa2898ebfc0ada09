/**
 * The fixed part of every exported k6 script, first half: session state, account synthesis, think
 * times, retry delays with backoff/jitter/Retry-After, outcome classes and captures. The second
 * half (k6-session-source.ts) runs steps and sessions and records them. Both are TypeScript
 * source text (checked by the test suite with the real tsc against @types/k6, and run under
 * plain Node with a fake k6 module surface); the per-profile part is generated around them.
 *
 * Kept free of backticks and `${` so it can live in a plain template literal here.
 */

/** The runtime helpers, placed after the imports of the generated script. */
export const K6_RUNTIME_SOURCE = `
type Outcome = 'ok' | '4xx' | '429' | '5xx' | '503' | 'timeout' | 'connect' | 'reset' | 'mail-timeout' | 'invalid';


/** Per-session values, as the stampede driver keeps them. */
interface Session {
  account: string;
  password: string;
  newPassword: string;
  region: string;
  captures: Record<string, string>;
  /** Epoch ms of the latest reset request: a sink message older than it is a previous session's. */
  mailAfterMs: number;
}

type Think =
  | { dist: 'fixed'; s: number }
  | { dist: 'uniform'; minS: number; maxS: number }
  | { dist: 'exponential'; meanS: number }
  | { dist: 'normal'; meanS: number; sdS: number };

interface RetryPolicy {
  maxAttempts: number;
  backoff: 'none' | 'linear' | 'exponential';
  baseS: number;
  maxS: number;
  jitter: 'none' | 'full' | 'equal';
  on: string[];
  respectRetryAfter: boolean;
}

interface Capture {
  json?: string[];
  header?: string;
  regex?: string;
  group?: number;
  optional?: boolean;
  /** Read the token of stampede's mail sink answer (Mailpit-shaped search, newest first). */
  sink?: boolean;
}

interface Req {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

interface StepSpec {
  name: string;
  kind: string;
  think: Think;
  expect: number[];
  retry: RetryPolicy;
  pollEveryS: number;
  timeoutS: number;
  captures: [string, Capture][];
  success: { json: string[]; equals: string | number | boolean | null; hasEquals: boolean } | null;
  /** The URL template, as the request's name tag: one k6 time series per step, not per session. */
  nameTag: string;
  build: (s: Session) => Req;
}

interface Pool {
  start: number;
  size: number;
  stride: number;
  offset: number;
}

type Res = ReturnType<typeof http.request>;

/** (a * b) mod m without leaving 2^53 (m < 2^31): b is split into 15-bit halves. */
function mulmod(a: number, b: number, m: number): number {
  const hi = Math.floor(b / 32768);
  const lo = b % 32768;
  return (((a * hi) % m) * 32768 + a * lo) % m;
}

/** The account of this iteration: a seeded affine walk over the flow's pool, like the driver's. */
function accountIndex(pool: Pool): number {
  if (pool.size <= 1) return pool.start;
  const k = (Number(__ENV.STAMPEDE_ACCOUNT_OFFSET ?? '0') + exec.scenario.iterationInTest) % pool.size;
  return pool.start + ((mulmod(k, pool.stride, pool.size) + pool.offset) % pool.size);
}

function pad(v: string, width: number): string {
  return v.length >= width ? v : '0'.repeat(width - v.length) + v;
}

function jsonEsc(v: string): string {
  return JSON.stringify(v).slice(1, -1);
}

function thinkS(t: Think): number {
  switch (t.dist) {
    case 'fixed':
      return t.s;
    case 'uniform':
      return t.minS + (t.maxS - t.minS) * Math.random();
    case 'exponential':
      return -t.meanS * Math.log(1 - Math.random());
    case 'normal': {
      const z = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
      return Math.max(0, t.meanS + t.sdS * z);
    }
  }
}

function headerOf(res: Res, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const k of Object.keys(res.headers)) if (k.toLowerCase() === want) return res.headers[k];
  return undefined;
}

function retryAfterS(res: Res): number {
  const v = headerOf(res, 'retry-after');
  if (v === undefined) return NaN;
  const n = Number(v);
  if (isFinite(n)) return n;
  const at = Date.parse(v);
  return isFinite(at) ? Math.max(0, (at - Date.now()) / 1000) : NaN;
}

/** The driver's retry delay (harness/driver/retry-backoff.ts), Retry-After not capped. */
function retryDelayS(p: RetryPolicy, nextAttempt: number, res: Res): number {
  const n = nextAttempt - 1;
  let base = p.backoff === 'none' ? p.baseS : p.backoff === 'linear' ? p.baseS * n : p.baseS * Math.pow(2, n - 1);
  if (p.maxS > 0 && base > p.maxS) base = p.maxS;
  const r = Math.random();
  let delay = p.jitter === 'full' ? base * r : p.jitter === 'equal' ? base / 2 + (base / 2) * r : base;
  const after = retryAfterS(res);
  if (p.respectRetryAfter && after > delay) delay = after;
  return delay;
}

/** stampede's outcome class of a response (k6 error codes for transport failures). */
function outcomeOf(res: Res, expect: number[]): Outcome {
  const st = res.status;
  if (st === 0) {
    const code = res.error_code;
    if (code === 1050 || code === 1211) return 'timeout';
    if (code === 1201 || code === 1220) return 'reset';
    return 'connect';
  }
  if (expect.indexOf(st) >= 0) return 'ok';
  if (st === 429) return '429';
  if (st === 503) return '503';
  if (st >= 500) return '5xx';
  if (st >= 400) return '4xx';
  return 'invalid';
}

function pointer(doc: unknown, tokens: string[]): unknown {
  let cur: unknown = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      const i = t === '-1' ? cur.length - 1 : /^(0|[1-9][0-9]*)$/.test(t) ? Number(t) : NaN;
      if (!(i >= 0 && i < cur.length)) return undefined;
      cur = cur[i];
    } else if (cur !== null && typeof cur === 'object') {
      if (!Object.prototype.hasOwnProperty.call(cur, t)) return undefined;
      cur = (cur as Record<string, unknown>)[t];
    } else {
      return undefined;
    }
  }
  return cur;
}

function bodyJson(res: Res): unknown {
  try {
    return res.json();
  } catch (_e) {
    return undefined;
  }
}

function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.length === 0 ? undefined : JSON.stringify(v);
  return Object.keys(v).length === 0 ? undefined : JSON.stringify(v);
}

function readCapture(res: Res, c: Capture): string | undefined {
  let text: string | undefined;
  if (c.json !== undefined) text = asText(pointer(bodyJson(res), c.json));
  else if (c.header !== undefined) text = headerOf(res, c.header);
  else text = typeof res.body === 'string' ? res.body : undefined;
  if (text === undefined || c.regex === undefined) return text;
  const m = new RegExp(c.regex).exec(text);
  if (m === null) return undefined;
  return m[c.group ?? (m.length > 1 ? 1 : 0)] ?? undefined;
}
`;
