/**
 * The confirmation-mail outbox. Mail providers throttle a sender, so messages leave at most
 * `perS` a second (a token bucket with a burst of one message: fixed pacing), and a message only
 * shows in its account's mailbox once delivered. Mailboxes exist only for accounts that got mail.
 */

/** A delivered message as the mailbox API shows it. */
export interface DeliveredMail {
  readonly token: string;
  /** Epoch milliseconds of delivery. */
  readonly deliveredAt: number;
}

/** Messages a mailbox keeps (oldest dropped first). */
export const MAILBOX_KEEP = 20;

interface Pending {
  readonly account: string;
  readonly token: string;
}

/** A throttled FIFO of mails plus the mailboxes they land in. */
export class MailOutbox {
  readonly #intervalMs: number;
  #queue: (Pending | undefined)[] = [];
  #head = 0;
  readonly #boxes = new Map<string, DeliveredMail[]>();
  /** Earliest time (performance.now ms) the next message may leave. */
  #nextAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #delivered = 0;
  readonly #now: () => number;

  /** `perS` messages a second at most; `now` is a monotonic clock in ms. */
  constructor(perS: number, now: () => number = () => performance.now()) {
    this.#intervalMs = 1000 / perS;
    this.#now = now;
  }

  /** Queues a mail for `account`; it is delivered when the throttle allows. */
  send(account: string, token: string): void {
    // An idle sender gets no saved-up burst: the slot clock restarts at now.
    if (this.depth === 0 && !this.#timer) this.#nextAt = Math.max(this.#nextAt, this.#now());
    this.#queue.push({ account, token });
    this.#pump();
  }

  /** Delivered messages of `account`, oldest first (empty while its mail is pending). */
  mailbox(account: string): readonly DeliveredMail[] {
    return this.#boxes.get(account) ?? [];
  }

  /** Messages waiting for delivery. */
  get depth(): number {
    return this.#queue.length - this.#head;
  }

  /** Messages delivered since start. */
  get delivered(): number {
    return this.#delivered;
  }

  /** Stops delivery; pending mail is dropped. */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    this.#head = 0;
  }

  #pump(): void {
    if (this.#timer) return;
    const now = this.#now();
    // A late timer catches up on the slots it missed, so the long-run rate is exactly perS.
    while (this.depth > 0 && this.#nextAt <= now) {
      this.#deliverOne();
      this.#nextAt += this.#intervalMs;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    if (this.depth > 0) {
      this.#timer = setTimeout(
        () => {
          this.#timer = undefined;
          this.#pump();
        },
        Math.max(1, this.#nextAt - now),
      );
    }
  }

  #deliverOne(): void {
    const m = this.#queue[this.#head];
    this.#queue[this.#head] = undefined;
    this.#head++;
    if (!m) return;
    let box = this.#boxes.get(m.account);
    if (!box) {
      box = [];
      this.#boxes.set(m.account, box);
    }
    box.push({ token: m.token, deliveredAt: Date.now() });
    // A mailbox is append-only; a retry storm must not grow it without bound.
    if (box.length > MAILBOX_KEEP) box.shift();
    this.#delivered++;
  }
}
