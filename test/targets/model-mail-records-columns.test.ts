/**
 * The model's mail columns (targets/reference/model/mail-records.ts): sequence numbers in issue
 * order, each account's chain newest first, an unlink from the middle of a chain, the window
 * dropped from its old end, and growth past the first 1,024 slots while the window has wrapped
 * around the ring (every figure written by hand below).
 */
import { describe, expect, it } from 'vitest';
import { MailRecords } from '../../targets/reference/model/mail-records.js';

/** An account's chain as sequence numbers, newest first. */
function chain(m: MailRecords, index: number): number[] {
  const out: number[] = [];
  for (let s = m.newestOf(index); s !== 0; s = m.older(s)) out.push(s);
  return out;
}

describe('mail records', () => {
  it('chains an account newest first and unlinks from any place in the chain', () => {
    const m = new MailRecords();
    // Account 7 gets mails 1, 3, 4; account 9 gets mail 2.
    expect(m.add(7, 10, 11, 12, 13)).toBe(1);
    expect(m.add(9, 20, 21, 22, 23)).toBe(2);
    expect(m.add(7, 30, 31, 32, 33)).toBe(3);
    expect(m.add(7, 40, 41, 42, 43)).toBe(4);
    expect(chain(m, 7)).toEqual([4, 3, 1]);
    expect(chain(m, 9)).toEqual([2]);
    expect([m.index(3), m.issuedNs(3), m.sentNs(3), m.arrivalNs(3), m.expiresNs(3)]).toEqual([
      7, 30, 31, 32, 33,
    ]);
    m.unlink(3); // the middle
    expect(chain(m, 7)).toEqual([4, 1]);
    m.unlink(4); // the head
    expect(chain(m, 7)).toEqual([1]);
    m.unlink(1); // the last: the account has no chain any more
    expect(m.newestOf(7)).toBe(0);
    expect(m.linked(1)).toBe(false);
    m.markConsumed(2);
    expect([m.linked(2), m.consumed(2)]).toEqual([true, true]);
  });

  it('drops from the old end and keeps every column through growth of a wrapped ring', () => {
    const m = new MailRecords();
    // 1,000 mails, the first 900 dropped: the window is 901..1000 at ring slots 900..999.
    for (let s = 1; s <= 1000; s++) m.add(s % 5, s * 10, s * 10 + 1, s * 10 + 2, s * 10 + 3);
    for (let s = 1; s <= 900; s++) m.dropOldest();
    expect(m.oldest).toBe(901);
    // 1,000 more: slots wrap to the ring's start after 1,024, and at 1,125 mails in the window
    // the columns double, copying the window to their start.
    for (let s = 1001; s <= 2000; s++) m.add(s % 5, s * 10, s * 10 + 1, s * 10 + 2, s * 10 + 3);
    expect([m.oldest, m.last]).toEqual([901, 2000]);
    for (const s of [901, 1024, 1925, 1926, 2000])
      expect([m.index(s), m.issuedNs(s), m.sentNs(s), m.arrivalNs(s), m.expiresNs(s)]).toEqual([
        s % 5,
        s * 10,
        s * 10 + 1,
        s * 10 + 2,
        s * 10 + 3,
      ]);
    // Account 0 holds every fifth mail; its chain still reaches back to the dropped ones' links,
    // but dropOldest unlinked those, so the chain ends at 905 (the oldest kept multiple of 5).
    const c = chain(m, 0);
    expect(c[0]).toBe(2000);
    expect(c.at(-1)).toBe(905);
    expect(c).toHaveLength((2000 - 905) / 5 + 1);
  });
});
