/**
 * The model's mail records, as columns of typed arrays instead of one object per mail. A full
 * relaunch day keeps ~10^6 mails at once (400 admitted resets a second, each kept until ~31 min
 * after it became readable); as objects in per-account arrays they cost ~350 bytes each (the
 * object, four boxed doubles, the list and its Map entry), here ~60 (six 8-byte columns, a flag
 * byte and the account's Map entry, shared by its mails).
 *
 * A mail is addressed by its sequence number (1, 2, 3 ... in issue order). The columns hold the
 * window of sequence numbers from the oldest still kept to the newest; a mail leaves the window
 * only from its old end (`dropOldest`), one removed out of order (`unlink`: a consumed token) is
 * only unlinked from its account's chain. Each account's kept mails form a chain, newest first.
 */

/** One account's chain ends here. */
const NONE = 0;

/** Columns of the kept mails and the per-account chains. */
export class MailRecords {
  /** Sequence number of the window's first slot (its oldest mail still kept). */
  #base = 1;
  /** Sequence numbers issued so far (the newest mail's). */
  #last = 0;
  #cap = 0;
  /** Window start within the columns (the ring's head). */
  #head = 0;
  #index = new Float64Array(0);
  #issued = new Float64Array(0);
  #sent = new Float64Array(0);
  #arrival = new Float64Array(0);
  #expires = new Float64Array(0);
  /** Next older kept mail of the same account (NONE = end of its chain). */
  #older = new Float64Array(0);
  /** 0 = unlinked (consumed and forgotten, or forgotten), 1 = linked, 2 = linked and consumed. */
  #linked = new Uint8Array(0);
  /** Account index -> its newest linked mail. */
  readonly #newest = new Map<number, number>();

  /** Sequence number of the oldest mail still in the window (> `last` when empty). */
  get oldest(): number {
    return this.#base;
  }

  /** Sequence number of the newest mail issued (0 before the first). */
  get last(): number {
    return this.#last;
  }

  /** Adds the next mail (sequence `last + 1`) for account `index`; returns its sequence number. */
  add(index: number, issuedNs: number, sentNs: number, arrivalNs: number, expiresNs: number): number {
    const seq = ++this.#last;
    if (seq - this.#base >= this.#cap) this.#grow();
    const i = this.#slot(seq);
    this.#index[i] = index;
    this.#issued[i] = issuedNs;
    this.#sent[i] = sentNs;
    this.#arrival[i] = arrivalNs;
    this.#expires[i] = expiresNs;
    this.#older[i] = this.#newest.get(index) ?? NONE;
    this.#linked[i] = 1;
    this.#newest.set(index, seq);
    return seq;
  }

  /** Newest linked mail of account `index` (NONE = none); walk on with `older`. */
  newestOf(index: number): number {
    return this.#newest.get(index) ?? NONE;
  }

  /** The next older linked mail of the same account (NONE = end). */
  older(seq: number): number {
    return this.#older[this.#slot(seq)]!;
  }

  index(seq: number): number {
    return this.#index[this.#slot(seq)]!;
  }

  issuedNs(seq: number): number {
    return this.#issued[this.#slot(seq)]!;
  }

  sentNs(seq: number): number {
    return this.#sent[this.#slot(seq)]!;
  }

  arrivalNs(seq: number): number {
    return this.#arrival[this.#slot(seq)]!;
  }

  expiresNs(seq: number): number {
    return this.#expires[this.#slot(seq)]!;
  }

  /** Whether `seq` is in the window and still in its account's chain. */
  linked(seq: number): boolean {
    return seq >= this.#base && seq <= this.#last && this.#linked[this.#slot(seq)] !== 0;
  }

  /** Whether linked mail `seq`'s token was consumed (kept when consumed mail is not forgotten). */
  consumed(seq: number): boolean {
    return this.#linked[this.#slot(seq)] === 2;
  }

  /** Marks linked mail `seq`'s token consumed. */
  markConsumed(seq: number): void {
    this.#linked[this.#slot(seq)] = 2;
  }

  /** Takes `seq` out of its account's chain (consumed or forgotten); it stays in the window. */
  unlink(seq: number): void {
    if (!this.linked(seq)) return;
    const i = this.#slot(seq);
    const index = this.#index[i]!;
    const next = this.#older[i]!;
    this.#linked[i] = 0;
    const head = this.#newest.get(index) ?? NONE;
    if (head === seq) {
      if (next === NONE) this.#newest.delete(index);
      else this.#newest.set(index, next);
      return;
    }
    // Chains are short (an account's mails of the last ~half hour): walk to the predecessor.
    for (let s = head; s !== NONE; ) {
      const j = this.#slot(s);
      const o = this.#older[j]!;
      if (o === seq) {
        this.#older[j] = next;
        return;
      }
      s = o;
    }
  }

  /** Drops the oldest mail of the window (unlinking it first if it still is). */
  dropOldest(): void {
    if (this.#base > this.#last) return;
    this.unlink(this.#base);
    this.#head = (this.#head + 1) % Math.max(1, this.#cap);
    this.#base++;
  }

  #slot(seq: number): number {
    return (this.#head + (seq - this.#base)) % this.#cap;
  }

  /** Doubles the columns, copying the window to their start. */
  #grow(): void {
    const cap = Math.max(1024, this.#cap * 2);
    const n = this.#last - 1 - this.#base + 1; // mails in the window before the one being added
    const move = <A extends Float64Array | Uint8Array>(old: A, fresh: A): A => {
      for (let k = 0; k < n; k++) fresh[k] = old[(this.#head + k) % this.#cap]!;
      return fresh;
    };
    this.#index = move(this.#index, new Float64Array(cap));
    this.#issued = move(this.#issued, new Float64Array(cap));
    this.#sent = move(this.#sent, new Float64Array(cap));
    this.#arrival = move(this.#arrival, new Float64Array(cap));
    this.#expires = move(this.#expires, new Float64Array(cap));
    this.#older = move(this.#older, new Float64Array(cap));
    this.#linked = move(this.#linked, new Uint8Array(cap));
    this.#head = 0;
    this.#cap = cap;
  }
}
