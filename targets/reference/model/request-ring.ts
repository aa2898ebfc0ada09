/**
 * The model transport's requests in flight, as columns in one ring in send order, instead of a
 * record object per request and a Map from exchange to record. A simulated take-down herd holds
 * ~10^6 requests at the model's one core at once (each login costs the core ~70 µs, a herd sends
 * ~10^6 in a second), most of them already given up by their sessions (a 30 s deadline) and
 * served anyway, as a real server would: as records they cost ~280 bytes each (the record, the
 * request object it kept alive, the Map entry), here 32 (the exchange's pointer, two 8-byte
 * columns, a login's password as its 4-byte fingerprint, the endpoint and flags a byte each, the
 * region a 2-byte number into the ring's list of region names; a pointer column more once a plain
 * JSON request is pushed). The whole day's first herd queues 6.6 M requests at once: a string
 * column for the password held ~270 MB of strings and pointers there. A confirm's token and new
 * password, the only other strings, sit in a Map by ticket (a few thousand are queued at once).
 * A model request's fields are copied in, so the request object itself is free once its session
 * lets go of it.
 *
 * A request is addressed by its ticket (0, 1, 2 ... in send order); the ring keeps the tickets
 * from `first` (the oldest its owner still reads) to `tail`. The owner moves `first` forward;
 * the ring doubles when full and halves when an eighth full (from 64 Ki slots up).
 */
import type { Exchange } from '../../../harness/transports/transport.js';
import type { RequestSpec } from '../../target.js';
import { isModelRequest, type ModelEndpoint, type ModelFieldsScratch } from './model-request.js';
import { passwordPrint } from './password-prints.js';

/** The body was asked for. */
export const WANT_BODY = 1;
/** `onWritten` was called. */
export const WRITTEN = 2;
/** Its exchange gave it up (`cancel`): it is still served if it reached the server. */
export const CANCELLED = 4;
/** Given up while waiting in the client: it never reaches the server. */
export const SKIPPED = 8;

/** Capacity from which an eighth-full ring halves (below it the columns are a few MB at most). */
const SHRINK_FROM = 65_536 - 1;

/** A model request's endpoint as a byte: its index here + 1 (0: a plain request). */
const ENDPOINTS: readonly ModelEndpoint[] = ['login', 'password-reset', 'mailbox', 'password-reset-confirm'];
const LOGIN = ENDPOINTS.indexOf('login') + 1;
const CONFIRM = ENDPOINTS.indexOf('password-reset-confirm') + 1;

/** What a queued confirm holds besides the columns. */
interface ConfirmStrings {
  readonly token: string;
  readonly newPassword: string;
}

/** Columns of the requests from `first` to `tail` (see the file's head). */
export class RequestRing {
  /** Oldest ticket the owner still reads: slots before it may be reused. */
  first = 0;
  /** Ticket the next push gets. */
  tail = 0;
  #mask = 1023;
  #ex: (Exchange | null)[] = new Array<Exchange | null>(1024).fill(null);
  /**
   * A plain (JSON) request; null for a model request, whose fields are the columns below. The
   * column exists once a plain request was pushed (a simulation sends none: one pointer a slot less).
   */
  #req: (RequestSpec | null)[] | null = null;
  /** The endpoint's index in ENDPOINTS + 1, 0 for a plain request. */
  #endpoint = new Uint8Array(1024);
  #account = new Float64Array(1024);
  /** Index into `#regionNames`. */
  #region = new Uint16Array(1024);
  /** The region names seen, each once (a profile has a handful). */
  readonly #regionNames: string[] = [];
  /** A login's `passwordPrint(secret)`, else 0. */
  #print = new Uint32Array(1024);
  /** The token and new password of each confirm held, by ticket. */
  readonly #confirms = new Map<number, ConfirmStrings>();
  /** When it reached the server (its send time unless it waited for a connection). */
  #arrivedNs = new Float64Array(1024);
  #flags = new Uint8Array(1024);

  /** Confirms whose token and new password are held (each until its ticket is forgotten). */
  get confirmsHeld(): number {
    return this.#confirms.size;
  }

  /** Adds a request sent on `ex` at `nowNs`; returns its ticket. */
  push(ex: Exchange, req: RequestSpec, wantBody: boolean, nowNs: number): number {
    const held = this.tail - this.first;
    if (held > this.#mask) this.#resize((this.#mask + 1) * 2);
    // A herd's queue drained: the columns shrink again (else ~10^7 slots are kept all day).
    else if (this.#mask >= SHRINK_FROM && held < this.#mask >>> 3) this.#resize((this.#mask + 1) / 2);
    const t = this.tail++;
    const i = t & this.#mask;
    this.#ex[i] = ex;
    if (isModelRequest(req)) {
      if (this.#req !== null) this.#req[i] = null;
      const code = ENDPOINTS.indexOf(req.endpoint) + 1;
      this.#endpoint[i] = code;
      this.#account[i] = req.accountIndex;
      this.#region[i] = this.#regionOf(req.region);
      this.#print[i] = code === LOGIN ? passwordPrint(req.secret) : 0;
      if (code === CONFIRM) this.#confirms.set(t, { token: req.secret, newPassword: req.newPassword });
    } else {
      this.#req ??= new Array<RequestSpec | null>(this.#mask + 1).fill(null);
      this.#req[i] = req;
      this.#endpoint[i] = 0;
    }
    this.#arrivedNs[i] = nowNs;
    this.#flags[i] = wantBody ? WANT_BODY : 0;
    return t;
  }

  /** Whether `t` is a ticket the ring holds for `ex` (a stale or foreign ticket is not). */
  holds(t: unknown, ex: Exchange): t is number {
    return typeof t === 'number' && t >= this.first && t < this.tail && this.#ex[t & this.#mask] === ex;
  }

  /** The exchange still waiting for `t`'s answer, or null once it was answered or given up. */
  exchange(t: number): Exchange | null {
    return this.#ex[t & this.#mask]!;
  }

  /** The plain request of `t`, or null for a model request (read `fields`). */
  plain(t: number): RequestSpec | null {
    return this.#req === null ? null : this.#req[t & this.#mask]!;
  }

  /** Fills `into` with model request `t`'s fields. */
  fields(t: number, into: ModelFieldsScratch): void {
    const i = t & this.#mask;
    const code = this.#endpoint[i]!;
    into.endpoint = ENDPOINTS[code - 1]!;
    into.accountIndex = this.#account[i]!;
    into.region = this.#regionNames[this.#region[i]!]!;
    into.passwordPrint = this.#print[i]!;
    const c = code === CONFIRM ? this.#confirms.get(t) : undefined;
    into.secret = c === undefined ? '' : c.token;
    into.newPassword = c === undefined ? '' : c.newPassword;
  }

  arrivedNs(t: number): number {
    return this.#arrivedNs[t & this.#mask]!;
  }

  setArrivedNs(t: number, ns: number): void {
    this.#arrivedNs[t & this.#mask] = ns;
  }

  /** Whether `t` has `flag` (WANT_BODY, WRITTEN, CANCELLED, SKIPPED). */
  has(t: number, flag: number): boolean {
    return (this.#flags[t & this.#mask]! & flag) !== 0;
  }

  mark(t: number, flag: number): void {
    this.#flags[t & this.#mask]! |= flag;
  }

  /** `t`'s exchange is done with (answered or given up): the ring stops holding it. */
  release(t: number): void {
    this.#ex[t & this.#mask] = null;
  }

  /** `t` needs nothing more (served or skipped): its strings and request may be collected. */
  forget(t: number): void {
    const i = t & this.#mask;
    this.#ex[i] = null;
    if (this.#req !== null) this.#req[i] = null;
    if (this.#endpoint[i] === CONFIRM) this.#confirms.delete(t);
  }

  #resize(cap: number): void {
    const m = cap - 1;
    const ex = new Array<Exchange | null>(cap).fill(null);
    const req = this.#req === null ? null : new Array<RequestSpec | null>(cap).fill(null);
    const endpoint = new Uint8Array(cap);
    const account = new Float64Array(cap);
    const region = new Uint16Array(cap);
    const print = new Uint32Array(cap);
    const arrivedNs = new Float64Array(cap);
    const flags = new Uint8Array(cap);
    for (let t = this.first; t < this.tail; t++) {
      const i = t & this.#mask;
      const j = t & m;
      ex[j] = this.#ex[i]!;
      if (req !== null) req[j] = this.#req![i]!;
      endpoint[j] = this.#endpoint[i]!;
      account[j] = this.#account[i]!;
      region[j] = this.#region[i]!;
      print[j] = this.#print[i]!;
      arrivedNs[j] = this.#arrivedNs[i]!;
      flags[j] = this.#flags[i]!;
    }
    this.#ex = ex;
    this.#req = req;
    this.#endpoint = endpoint;
    this.#account = account;
    this.#region = region;
    this.#print = print;
    this.#arrivedNs = arrivedNs;
    this.#flags = flags;
    this.#mask = m;
  }

  /**
   * The number of region name `name` (added on first sight). A scan, not a Map: a profile has a
   * handful of regions, and a request's region is the profile's own string (a pointer compare).
   */
  #regionOf(name: string): number {
    const names = this.#regionNames;
    for (let k = 0; k < names.length; k++) if (names[k] === name) return k;
    // A 2-byte column; the profile schema allows at most 65,535 regions (and 'global').
    if (names.length > 0xffff) throw new RangeError(`RequestRing: more than 65,536 region names (${name})`);
    names.push(name);
    return names.length - 1;
  }
}
