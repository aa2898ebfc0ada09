/**
 * A minimal profile resolves with every default filled in: names, processes, think, retry,
 * expect, await-mail timing, client, population.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { profileDir, VALID_PROFILE } from './profile-files.js';

const files = profileDir();
afterAll(() => files.cleanup());

describe('loadProfile defaults', () => {
  it('fills every default of a minimal profile', async () => {
    const p = await loadProfile(files.write('minimal-one.yaml', VALID_PROFILE));
    expect(p.name).toBe('minimal-one');
    expect(p.description).toBe('');
    expect(p.file).toBe(`${files.dir}/minimal-one.yaml`);
    expect(p.population).toEqual({ accounts: 1000, seed: 1, mustResetShare: 0.5, domains: [] });
    expect(p.client).toEqual({
      maxInFlight: 10_000,
      connections: 64,
      pipelining: 1,
      connectTimeoutS: 5,
      requestTimeoutS: 30,
      intervalS: 1,
    });
    expect(p.reference).toEqual({});
    expect(p.outages).toEqual([]);
    expect(p.gates).toEqual([]);
    expect(p.rateScale).toBe(1);
    expect(p.timeScale).toBe(1);
    expect(p.regions).toEqual([
      {
        name: 'global',
        startS: 0,
        phases: [{ name: 'global-0', durationS: 5, process: 'poisson', shape: 'constant', rate: 10 }],
      },
    ]);
    const [reset, plain] = p.flows;
    expect(plain).toMatchObject({ name: 'plain', weight: 0.4, accounts: 'all' });
    expect(reset?.accounts).toBe('must-reset');
    expect(reset?.steps.map((s) => [s.name, s.expect])).toEqual([
      ['login', [200]],
      ['reset-request', [202]],
      ['await-mail', [200]],
      ['reset-confirm', [200]],
      ['login-new', [200]],
    ]);
    for (const step of reset?.steps ?? []) {
      expect(step.think).toEqual({ dist: 'fixed', s: 0 });
      expect(step.retry).toEqual({
        maxAttempts: 1,
        backoff: 'none',
        baseS: 0,
        maxS: 0,
        jitter: 'none',
        on: [],
        respectRetryAfter: true,
      });
      const mail = step.kind === 'await-mail';
      expect([step.pollEveryS, step.timeoutS]).toEqual(mail ? [1, 300] : [0, 0]);
    }
  });

  it('layers think and retry: defaults, then the flow, then the step; a lone flow needs no weight', async () => {
    const p = await loadProfile(
      files.write(
        'layers.yaml',
        `population: { accounts: 10 }
arrivals: uniform
defaults:
  think: 2s
  retry: { maxAttempts: 3, backoff: linear, base: 1s, max: 10s, on: [503, timeout] }
flows:
  only:
    think: { normal: [1s, 250ms] }
    retry: { jitter: equal }
    steps:
      - login
      - { step: await-mail, name: mail, think: { exponential: 3s }, retry: { maxAttempts: 9, respectRetryAfter: false }, pollEvery: 500ms, timeout: 1m }
      - { step: login-new, expect: [200, 204] }
regions:
  - { name: eu, start: 1m, phases: [{ name: open, constant: 1, duration: 1m, process: poisson }, { step: { from: 1, to: 4, steps: 4 }, duration: 1m }] }
`,
      ),
    );
    const flow = p.flows[0];
    expect(flow?.weight).toBe(1);
    const [login, mail, loginNew] = flow?.steps ?? [];
    expect(login?.think).toEqual({ dist: 'normal', meanS: 1, sdS: 0.25 });
    expect(login?.retry).toEqual({
      maxAttempts: 3,
      backoff: 'linear',
      baseS: 1,
      maxS: 10,
      jitter: 'equal',
      on: ['503', 'timeout'],
      respectRetryAfter: true,
    });
    expect(mail).toMatchObject({ name: 'mail', kind: 'await-mail', pollEveryS: 0.5, timeoutS: 60 });
    expect(mail?.think).toEqual({ dist: 'exponential', meanS: 3 });
    expect(mail?.retry).toMatchObject({
      maxAttempts: 9,
      backoff: 'linear',
      jitter: 'equal',
      respectRetryAfter: false,
    });
    expect(loginNew?.expect).toEqual([200, 204]);
    expect(p.regions[0]?.startS).toBe(60);
    expect(p.regions[0]?.phases.map((ph) => [ph.name, ph.process])).toEqual([
      ['open', 'poisson'],
      ['eu-1', 'uniform'],
    ]);
    expect(p.regions[0]?.phases[1]).toMatchObject({ shape: 'step', from: 1, to: 4, steps: 4 });
  });
});
