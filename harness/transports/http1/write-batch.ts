/**
 * The http1 transport's writes of one event-loop turn, sent together at its end. A connection that
 * is given a request does not write it at once: it joins the batch, and when the turn's I/O
 * callbacks are done (`setImmediate`) every connection in the batch writes what it was given, back
 * to back, each in one socket write.
 *
 * Why: in a flood, one turn reads the answers of many connections and each answer sends the next
 * request. Written one by one between the reads, every write wakes the server anew; written
 * together, the server's wake-ups and the client's reads are shared by the whole turn. Measured
 * (bench/gen-http1.ts flood against nginx, interleaved with writing at once): 0.75x the client CPU
 * per request and 1.5x the requests/s. The cost: a request goes out at the end of the turn in
 * which it got its connection rather than inside `send` (`onWritten` says when; service time is
 * counted from there, latency from the intended time as always).
 */

/** What the batch asks of a connection. */
export interface BatchedWriter {
  /** Writes every request it was given since its last flush (nothing when it is gone). */
  flush(): void;
}

export class WriteBatch {
  readonly #writers: BatchedWriter[] = [];
  #scheduled = false;
  readonly #run = (): void => this.#flush();

  /** `w` has requests to write: it is flushed at the end of this turn (once, however often it is added). */
  add(w: BatchedWriter): void {
    this.#writers.push(w);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#run);
    }
  }

  #flush(): void {
    this.#scheduled = false;
    const ws = this.#writers;
    // A writer added while flushing (a callback sent again) is flushed in the same pass.
    for (let i = 0; i < ws.length; i++) ws[i]!.flush();
    ws.length = 0;
  }
}
