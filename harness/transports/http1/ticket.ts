/**
 * One request of the http1 transport, from `send` to its one final callback. Tickets are pooled by
 * the transport (a flood allocates about as many as it has in flight at once), so every field is
 * reset by `arm` and cleared by `release`.
 */
import type { Exchange } from '../transport.js';

/** Where a ticket is: waiting in the client for a connection, or written to one. */
export enum TicketPlace {
  Free = 0,
  Queued = 1,
  OnWire = 2,
  /** Cancelled while queued: still in the queue's ring until `shift` passes it, then recycled. */
  Dropped = 3,
}

/** A request in the transport's hands. `owner` is the connection it was written to (OnWire only). */
export class Ticket {
  ex: Exchange | null = null;
  /** The request's encoding (request-encoder.ts: a latin1 string, or a view into a slab). */
  bytes: string | Buffer | null = null;
  wantBody = false;
  place: TicketPlace = TicketPlace.Free;
  /** Opaque to the ticket: the connection that carries it, set by the pool. */
  owner: object | null = null;

  /** Fills the ticket for a new request. */
  arm(bytes: string | Buffer | null, wantBody: boolean, ex: Exchange): void {
    this.bytes = bytes;
    this.wantBody = wantBody;
    this.ex = ex;
    this.place = TicketPlace.Queued;
    this.owner = null;
  }

  /** Drops every reference, so a pooled ticket keeps no exchange or request alive. */
  release(): void {
    this.bytes = null;
    this.ex = null;
    this.owner = null;
    this.place = TicketPlace.Free;
  }
}

/**
 * First-in first-out ring of tickets waiting for a connection. A cancelled ticket is not searched
 * for: it is marked `Dropped` where it is, and `shift` hands it to `recycle` when it passes it (so
 * a ticket is never reused while the ring still holds it).
 */
export class TicketQueue {
  readonly #recycle: (t: Ticket) => void;
  #items: (Ticket | null)[] = new Array<Ticket | null>(64).fill(null);
  #head = 0;
  #count = 0;

  constructor(recycle: (t: Ticket) => void) {
    this.#recycle = recycle;
  }

  /** Entries in the ring, cancelled ones included until they are skipped. */
  get size(): number {
    return this.#count;
  }

  push(t: Ticket): void {
    if (this.#count === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#count) % this.#items.length] = t;
    this.#count++;
  }

  /** The oldest ticket still queued, removed; null when none is left. */
  shift(): Ticket | null {
    while (this.#count > 0) {
      const t = this.#items[this.#head]!;
      this.#items[this.#head] = null;
      this.#head = (this.#head + 1) % this.#items.length;
      this.#count--;
      if (t.place === TicketPlace.Queued) return t;
      this.#recycle(t);
    }
    return null;
  }

  #grow(): void {
    const old = this.#items;
    const next = new Array<Ticket | null>(old.length * 2).fill(null);
    for (let i = 0; i < this.#count; i++) next[i] = old[(this.#head + i) % old.length]!;
    this.#items = next;
    this.#head = 0;
  }
}
