/**
 * Reads a connection's responses with llhttp in WebAssembly (llhttp-wasm.ts): the default parser.
 * Reads land in the instance's input area (the socket's `onread` buffer) and are parsed there
 * before the next read. Header names arrive as offsets: a name is matched against the selection
 * as bytes (a string is never made of it), and a selected header's value is made a string, or
 * reused when it repeats (HeaderSelection.valueAt). When the step reads the whole response (it
 * may capture any header) every name and value becomes a string.
 *
 * A header can arrive in pieces: llhttp hands over what it has of an open name or value when a
 * read ends, and the rest with the next read. What is open when a read ends is made a string then
 * (its bytes are overwritten by the next read) and completed with the next read's piece.
 */
import type { Socket } from 'node:net';
import { LLHTTP_PAUSED_UPGRADE, type LlhttpWasm, type WasmParserEvents } from './llhttp-wasm.js';
import {
  type HeaderSelection,
  type ResponseListener,
  ResponseReader,
  type SocketReads,
} from './response-reader.js';

enum Span {
  None = 0,
  Name = 1,
  Value = 2,
}

export class LlhttpWasmReader extends ResponseReader implements WasmParserEvents {
  readonly reads: SocketReads;
  readonly #wasm: LlhttpWasm;
  readonly #parser: number;
  /** The candidate `[name, value, ...]` pairs of the response being read (HeaderSelection picks). */
  readonly #raw: string[] = [];
  /** Every header is a candidate (the step reads this response). */
  #all = false;
  #span = Span.None;
  /** The open name's pieces from earlier reads. */
  #namePrefix = '';
  /** The open name's piece in this read, still in the instance's memory (-1: none). */
  #nameAt = -1;
  #nameLength = 0;
  /** Whether the current header is a candidate (decided when its name is complete). */
  #keepHeader = false;
  /** The current header's index in the selection (-1: not known by index: `#all`, or a name in pieces). */
  #index = -1;
  /** The open value's pieces from earlier reads, and its piece in this read (-1: none). */
  #valuePrefix = '';
  #valueAt = -1;
  #valueLength = 0;
  #failed = false;
  #released = false;

  /** `wasm` has room for this reader's parser (`instanceWithRoom`). */
  constructor(wasm: LlhttpWasm, listener: ResponseListener, selection: HeaderSelection) {
    super(listener, selection);
    this.#wasm = wasm;
    this.#parser = wasm.alloc();
    this.reads = { buffer: wasm.input, callback: (n) => this.#feed(n) };
  }

  attach(_socket: Socket): void {
    // The reads come through `reads`, given to net.connect.
  }

  end(): Error | null {
    if (this.#failed || this.#released) return null;
    const errno = this.#wasm.finish(this.#parser, this);
    return errno === 0 || errno === LLHTTP_PAUSED_UPGRADE ? null : this.#wasm.error(this.#parser, errno);
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    // Freed once no parser call can be on the stack (a callback may have closed the socket).
    const wasm = this.#wasm;
    const p = this.#parser;
    if (wasm.executing) setImmediate(() => wasm.free(p));
    else wasm.free(p);
  }

  onMessageBegin(): void {
    this.#all = this.listener.bodyWanted();
    this.#span = Span.None;
    this.#nameAt = -1;
    this.#valueAt = -1;
    // Emptied by pops: setting the length to 0 is a runtime call (and may drop the array's store).
    const raw = this.#raw;
    while (raw.length > 0) raw.pop();
  }

  onHeaderField(at: number, length: number): void {
    if (this.#span === Span.Value) this.#headerDone();
    if (this.#span !== Span.Name) {
      this.#span = Span.Name;
      this.#namePrefix = '';
    }
    this.#nameAt = at;
    this.#nameLength = length;
  }

  onHeaderValue(at: number, length: number): void {
    if (this.#span === Span.Name) this.#nameDone();
    this.#span = Span.Value;
    if (!this.#keepHeader) return;
    if (this.#valueAt >= 0) this.#valuePrefix += this.#wasm.latin1(this.#valueAt, this.#valueLength);
    this.#valueAt = at;
    this.#valueLength = length;
  }

  onHeadersComplete(status: number, upgrade: boolean, keepAlive: boolean): void {
    if (this.#span !== Span.None) this.#headerDone();
    this.headersRead(status, this.#raw, keepAlive && !upgrade);
  }

  onBody(at: number, length: number): void {
    if (this.keepingBody) this.bodyRead(this.#wasm.copy(at, length));
  }

  onMessageComplete(): void {
    this.messageRead();
  }

  /**
   * The name is complete. A whole name (the common case) is matched as bytes and stands in the
   * candidates as the selection's own key; a name in pieces, or any name when `#all`, as a string.
   */
  #nameDone(): void {
    this.#valuePrefix = '';
    this.#valueAt = -1;
    const wasm = this.#wasm;
    if (!this.#all && this.#namePrefix === '') {
      const index = this.selection.indexAt(wasm.bytes, this.#nameAt, this.#nameLength);
      this.#index = index;
      this.#keepHeader = index >= 0;
      if (index >= 0) this.#raw.push(this.selection.keyOf(index));
    } else {
      this.#index = -1;
      this.#keepHeader = true;
      this.#raw.push(
        this.#nameAt < 0 ? this.#namePrefix : this.#namePrefix + wasm.latin1(this.#nameAt, this.#nameLength),
      );
    }
    this.#namePrefix = '';
    this.#nameAt = -1;
  }

  /** The header is complete (a name with no value has the empty value). */
  #headerDone(): void {
    if (this.#span === Span.Name) this.#nameDone();
    if (this.#keepHeader) {
      const wasm = this.#wasm;
      let value = this.#valuePrefix;
      if (this.#valueAt >= 0)
        value =
          value === '' && this.#index >= 0
            ? this.selection.valueAt(this.#index, wasm.bytes, this.#valueAt, this.#valueLength)
            : value + wasm.latin1(this.#valueAt, this.#valueLength);
      this.#raw.push(value);
    }
    this.#keepHeader = false;
    this.#valuePrefix = '';
    this.#valueAt = -1;
    this.#span = Span.None;
  }

  #feed(length: number): boolean {
    if (this.#failed || this.#released) return false;
    const errno = this.#wasm.execute(this.#parser, this, length);
    // A name or value cut by the end of the read: its bytes are overwritten by the next one.
    if (this.#span === Span.Name && this.#nameAt >= 0) {
      this.#namePrefix += this.#wasm.latin1(this.#nameAt, this.#nameLength);
      this.#nameAt = -1;
    } else if (this.#span === Span.Value && this.#valueAt >= 0) {
      this.#valuePrefix += this.#wasm.latin1(this.#valueAt, this.#valueLength);
      this.#valueAt = -1;
    }
    if (errno === 0) return true;
    // After an upgrade (a 101 the transport did not ask for) the connection is closed: nothing more is read.
    if (errno === LLHTTP_PAUSED_UPGRADE) return false;
    this.#failed = true;
    this.listener.onProtocolError(this.#wasm.error(this.#parser, errno));
    return false;
  }
}
