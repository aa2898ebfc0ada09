/**
 * A target that derives its credentials from the index (`DerivedCredentials`, the model's target)
 * gives sessions no strings to hold: a session reads `account` and the initial `password` as
 * `credentials(index)` would give them, a confirmed reset's password replaces the derived one,
 * and the next session on the same object starts from its own index again.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../../harness/driver/session.js';
import { SessionStarter } from '../../harness/driver/session-starter.js';
import { buildStepIndex } from '../../harness/profile/step-index.js';
import { ShardRecorder } from '../../reports/recorder/shard-recorder.js';
import { hasDerivedCredentials } from '../../targets/derived-credentials.js';
import { ModelTarget } from '../../targets/reference/model/model-target.js';
import { buildProfile, constant, flow, region } from '../arrivals/profile-fixture.js';

describe('derived credentials', () => {
  it('a session reads the same account and password as credentials(index), a reset password wins', () => {
    const profile = buildProfile({
      flows: [flow('f', 1, 'all', ['login'])],
      regions: [region('eu', 0, [constant('steady', 1, 1)])],
    });
    const steps = buildStepIndex(profile);
    const rec = new ShardRecorder(steps.names.length, ['f']);
    const target = new ModelTarget({ origin: 'http://model.invalid', seed: 7, accounts: 1000 });
    expect(hasDerivedCredentials(target)).toBe(true);
    const starter = new SessionStarter(profile, steps, target, rec);
    const s = new Session(target, rec);
    const first = s.records.take();
    s.at(first);
    const arrival = (account: number, seq: number) => ({ atNs: 0, flow: 0, account, region: 0, seq });
    s.start(starter.resolve(arrival(42, 0))!, 0);
    expect(s.account).toBe('user-00000042');
    expect(s.password).toBe('pw-7-42');
    expect(s.account).toBe(target.credentials(42).account);
    expect(s.password).toBe(target.credentials(42).password);
    s.password = s.newPassword;
    expect(s.password).toBe(`Np-${profile.population.seed}-0`);
    // Its number reused for the next arrival: derived from its index again, the reset password forgotten.
    s.records.give(first);
    expect(s.at(s.records.take()).id).toBe(first);
    s.start(starter.resolve(arrival(9, 1))!, 0);
    expect(s.password).toBe('pw-7-9');
    expect(s.account).toBe('user-00000009');
    rec.destroy();
  });
});
