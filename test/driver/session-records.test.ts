/**
 * The store of sessions in flight: numbers are handed out and taken back, a number taken again
 * starts idle (its state byte cleared) and its session's start overwrites what the last one left, and growing the store (by doubling) keeps every record as it was.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../../harness/driver/session.js';
import { B_STATE, F_WAKE, RECORD_BYTES, SessionRecords } from '../../harness/driver/session-records.js';
import { SessionStarter } from '../../harness/driver/session-starter.js';
import { buildStepIndex } from '../../harness/profile/step-index.js';
import { ShardRecorder } from '../../reports/recorder/shard-recorder.js';
import { ModelTarget } from '../../targets/reference/model/model-target.js';
import { buildProfile, constant, flow, region } from '../arrivals/profile-fixture.js';

describe('session records', () => {
  it('grows past its capacity with every record kept, and reuses given-back numbers idle', () => {
    const r = new SessionRecords(4);
    const ids = Array.from({ length: 37 }, () => r.take());
    expect(ids).toEqual(Array.from({ length: 37 }, (_, i) => i));
    for (const id of ids) r.f64[id * (RECORD_BYTES / 8) + F_WAKE] = id * 1.5;
    // 4 -> 8 -> 16 -> 32 -> 64 records: three copies, none lost.
    expect(r.f64.length).toBe(64 * (RECORD_BYTES / 8));
    for (const id of ids) expect(r.f64[id * (RECORD_BYTES / 8) + F_WAKE]).toBe(id * 1.5);
    expect(r.inUse).toBe(37);
    r.u8[5 * RECORD_BYTES + B_STATE] = 0b1101_0011; // waiting in backoff, done, cancelling
    r.give(5);
    r.give(5); // a second give of the same number changes nothing
    expect(r.inUse).toBe(36);
    expect(r.holds(5)).toBe(false);
    expect(r.take()).toBe(5);
    expect(r.holds(5)).toBe(true);
    expect(r.u8[5 * RECORD_BYTES + B_STATE]).toBe(0);
    expect(r.highWater).toBe(37);
  });

  it('one cursor reads each session as its own: start, captures and password per number', () => {
    const profile = buildProfile({
      flows: [flow('f', 1, 'all', ['login', 'reset-request'])],
      regions: [region('eu', 0, [constant('a', 1, 1)]), region('us', 0, [constant('b', 1, 1)])],
    });
    const steps = buildStepIndex(profile);
    const rec = new ShardRecorder(steps.names.length, ['f']);
    const target = new ModelTarget({ origin: 'http://model.invalid', seed: 3, accounts: 100 });
    const starter = new SessionStarter(profile, steps, target, rec);
    const s = new Session(target, rec, new SessionRecords(2));
    const a = s.records.take();
    const b = s.records.take();
    s.at(a).start(starter.resolve({ atNs: 0, flow: 0, account: 11, region: 0, seq: 7 })!, 1e9);
    s.captures['token'] = 'ta';
    s.password = 'changed';
    s.at(b).start(starter.resolve({ atNs: 0, flow: 0, account: 22, region: 1, seq: 8 })!, 2e9);
    // The third number grows the store (capacity 2 -> 4): the first two records are kept.
    const c = s.records.take();
    s.at(c).start(starter.resolve({ atNs: 0, flow: 0, account: 33, region: 0, seq: 9 })!, 3e9);
    expect([s.at(a).accountIndex, s.region, s.seq, s.wakeNs, s.password, s.captures['token']]).toEqual([
      11,
      'eu',
      7,
      1e9,
      'changed',
      'ta',
    ]);
    expect([s.at(b).accountIndex, s.region, s.seq, s.wakeNs, s.password, s.captures['token']]).toEqual([
      22,
      'us',
      8,
      2e9,
      target.credentials(22).password,
      undefined,
    ]);
    expect([s.at(c).accountIndex, s.wakeNs, s.attempt]).toEqual([33, 3e9, 1]);
    // a's number given back and taken by a new arrival: nothing of a's captures or password shows.
    s.records.give(a);
    const d = s.records.take();
    expect(d).toBe(a);
    s.at(d).start(starter.resolve({ atNs: 0, flow: 0, account: 44, region: 1, seq: 10 })!, 4e9);
    expect([s.accountIndex, s.region, s.password, s.captures['token'], s.done, s.attempt]).toEqual([
      44,
      'us',
      target.credentials(44).password,
      undefined,
      false,
      1,
    ]);
    rec.destroy();
  });
});
