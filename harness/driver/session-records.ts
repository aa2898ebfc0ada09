/**
 * The state of every session in flight, one 64-byte record a session in one ArrayBuffer,
 * addressed by the session's number. A simulated take-down herd holds ~3 M sessions at once: as
 * objects they cost ~410 bytes each and a wake-up read them across five or six cache lines; as
 * records 64 bytes, one line (bench/session-layout.ts: 587 against 1,311 ns a wake at 3 M).
 *
 * The record (byte offsets; the views below index it by their element size):
 *   0 wake f64 · 8 step start f64 · 16 mark f64 · 24 seq f64 ·
 *   32-47 the generator's four state words i32 · 48 account index u32 ·
 *   52 attempt u16 · 54 re-requests u16 · 56 step position u16 · 58 flow u16 · 60 region u16 ·
 *   62 state u8 (the STATE_ bits below) · 63 flags u8 (the FLAG_ bits below).
 * Hence the profile schema's bounds: maxAttempts, reRequest.max, steps per flow, flows and regions
 * at most 65,535. What is not a number (captures, held credentials, the exchange in flight) sits
 * in arrays indexed by the same number.
 */
import type { Exchange } from '../transports/transport.js';

/** Bytes a record. */
export const RECORD_BYTES = 64;

/** Element offsets of the fields within a record, per view. */
export const F_WAKE = 0;
export const F_START = 1;
export const F_MARK = 2;
export const F_SEQ = 3;
export const I_R0 = 8;
export const I_ACCOUNT = 12;
export const H_ATTEMPT = 26;
export const H_REREQUESTS = 27;
export const H_POS = 28;
export const H_FLOW = 29;
export const H_REGION = 30;
export const B_STATE = 62;
export const B_FLAGS = 63;

/** Bits of the state byte: where the scheduler has the session (SlotState), why it waits (WaitKind, shifted). */
export const STATE_WHERE = 0b0000_0011;
export const STATE_WAIT_KIND = 0b0000_1100;
export const STATE_WAIT_KIND_SHIFT = 2;
export const STATE_IN_BACKOFF = 0b0001_0000;
export const STATE_DONE = 0b0010_0000;
export const STATE_SUCCEEDED = 0b0100_0000;
export const STATE_CANCELLING = 0b1000_0000;

/** Bits of the flags byte. */
export const FLAG_SEEDED = 1;
export const FLAG_IN_USE = 2;

/** The records of one scheduler's sessions: numbers handed out and taken back, storage grown by doubling. */
export class SessionRecords<E extends Exchange = Exchange> {
  f64: Float64Array;
  i32: Int32Array;
  u32: Uint32Array;
  u16: Uint16Array;
  u8: Uint8Array;
  /** Captured values by session number (null: none yet). */
  readonly captures: (Record<string, string> | null)[] = [];
  /** Held account name and password by session number (null: derived from the index). */
  readonly account: (string | null)[] = [];
  readonly password: (string | null)[] = [];
  /** The exchange of the session's request in flight, or null. */
  readonly exchange: (E | null)[] = [];
  #capacity = 0;
  /** Numbers handed out so far (the highest is `highWater - 1`). */
  #highWater = 0;
  readonly #free: number[] = [];
  #inUse = 0;

  constructor(capacity = 1024) {
    this.f64 = new Float64Array(0);
    this.i32 = new Int32Array(0);
    this.u32 = new Uint32Array(0);
    this.u16 = new Uint16Array(0);
    this.u8 = new Uint8Array(0);
    this.#grow(capacity);
  }

  /** Sessions holding a number now. */
  get inUse(): number {
    return this.#inUse;
  }

  /** One more than the highest number ever handed out: every number in use is below it. */
  get highWater(): number {
    return this.#highWater;
  }

  /**
   * A free number, its flags byte set to in-use and its state byte to 0. The rest of the record
   * and its entries in the arrays are as its last session left them: `Session.start` writes
   * every field a session reads before writing it (no fill per arrival).
   */
  take(): number {
    let id = this.#free.pop();
    if (id === undefined) {
      if (this.#highWater >= this.#capacity) this.#grow(this.#capacity * 2);
      id = this.#highWater++;
      this.captures.push(null);
      this.account.push(null);
      this.password.push(null);
      this.exchange.push(null);
    }
    this.u8[id * RECORD_BYTES + B_FLAGS] = FLAG_IN_USE;
    this.u8[id * RECORD_BYTES + B_STATE] = 0;
    this.#inUse++;
    return id;
  }

  /** Gives `id` back; its record's in-use flag clears. */
  give(id: number): void {
    const f = id * RECORD_BYTES + B_FLAGS;
    if ((this.u8[f]! & FLAG_IN_USE) === 0) return;
    this.u8[f] = 0;
    this.#free.push(id);
    this.#inUse--;
  }

  /** Whether `id` is handed out. */
  holds(id: number): boolean {
    return id < this.#highWater && (this.u8[id * RECORD_BYTES + B_FLAGS]! & FLAG_IN_USE) !== 0;
  }

  #grow(capacity: number): void {
    const buf = new ArrayBuffer(capacity * RECORD_BYTES);
    const u8 = new Uint8Array(buf);
    u8.set(this.u8);
    this.u8 = u8;
    this.f64 = new Float64Array(buf);
    this.i32 = new Int32Array(buf);
    this.u32 = new Uint32Array(buf);
    this.u16 = new Uint16Array(buf);
    this.#capacity = capacity;
  }
}
