/**
 * The sink's inbox: delivered messages by ID and by recipient, newest first on read, bounded in
 * count (the oldest go first) so a long surge cannot grow it without limit. The records are in
 * Mailpit's field names, so the API serves them as they are.
 */

/** A name and address as Mailpit shows them. */
export interface MailAddress {
  readonly Name: string;
  readonly Address: string;
}

/** One message delivered to one recipient. */
export interface StoredMessage {
  readonly ID: string;
  readonly MessageID: string;
  readonly From: MailAddress;
  readonly To: readonly MailAddress[];
  readonly Subject: string;
  /** ISO time of the 250 (when it reached the inbox). */
  readonly Created: string;
  readonly Date: string;
  readonly Snippet: string;
  /** stampede's extension: the token the pattern extracted ('' when none). */
  readonly Token: string;
  readonly Text: string;
  readonly HTML: string;
  /** Recipient this copy was delivered to (lower-cased), for the index. */
  readonly recipient: string;
}

/** One page of a search. */
export interface SearchPage {
  /** Messages in the store. */
  readonly total: number;
  /** Messages matching the query. */
  readonly matched: number;
  readonly messages: readonly StoredMessage[];
}

/** Messages kept unless the sink is told otherwise. */
export const DEFAULT_KEEP = 200_000;

/** Delivered messages with two indexes and FIFO eviction. */
export class MessageStore {
  readonly #keep: number;
  readonly #byId = new Map<string, StoredMessage>();
  readonly #byRecipient = new Map<string, StoredMessage[]>();
  #order: (string | undefined)[] = [];
  #head = 0;
  #seq = 0;

  constructor(keep = DEFAULT_KEEP) {
    this.#keep = keep;
  }

  /** A fresh message ID (unique within this sink's life). */
  nextId(): string {
    this.#seq++;
    return `m${this.#seq.toString(36)}`;
  }

  /** Stores a message; evicts the oldest beyond `keep`. */
  add(m: StoredMessage): void {
    this.#byId.set(m.ID, m);
    let list = this.#byRecipient.get(m.recipient);
    if (!list) {
      list = [];
      this.#byRecipient.set(m.recipient, list);
    }
    list.push(m);
    this.#order.push(m.ID);
    while (this.#byId.size > this.#keep) this.#evictOldest();
  }

  /** Messages to `recipient` (all when undefined), newest first, `limit` from `start`. */
  search(recipient: string | undefined, start: number, limit: number): SearchPage {
    if (recipient === undefined) {
      const all: StoredMessage[] = [];
      // Walk from the newest end of the FIFO; only the page is materialized.
      for (let i = this.#order.length - 1; i >= this.#head && all.length < start + limit; i--) {
        const id = this.#order[i];
        const m = id === undefined ? undefined : this.#byId.get(id);
        if (m) all.push(m);
      }
      return { total: this.#byId.size, matched: this.#byId.size, messages: all.slice(start) };
    }
    const list = this.#byRecipient.get(recipient.toLowerCase()) ?? [];
    const page: StoredMessage[] = [];
    for (let i = list.length - 1 - start; i >= 0 && page.length < limit; i--) {
      const m = list[i];
      if (m) page.push(m);
    }
    return { total: this.#byId.size, matched: list.length, messages: page };
  }

  /** The message with `id`, if still kept. */
  byId(id: string): StoredMessage | undefined {
    return this.#byId.get(id);
  }

  /** Deletes every message (Mailpit's DELETE /api/v1/messages without IDs). */
  clear(): void {
    this.#byId.clear();
    this.#byRecipient.clear();
    this.#order = [];
    this.#head = 0;
  }

  /** Messages kept now. */
  get size(): number {
    return this.#byId.size;
  }

  #evictOldest(): void {
    while (this.#head < this.#order.length) {
      const id = this.#order[this.#head];
      this.#order[this.#head] = undefined;
      this.#head++;
      const m = id === undefined ? undefined : this.#byId.get(id);
      if (!m) continue;
      this.#byId.delete(m.ID);
      const list = this.#byRecipient.get(m.recipient);
      // A recipient's oldest message is the globally oldest of its own: it is first in its list.
      list?.shift();
      if (list && list.length === 0) this.#byRecipient.delete(m.recipient);
      break;
    }
    if (this.#head > 4096 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head);
      this.#head = 0;
    }
  }
}
