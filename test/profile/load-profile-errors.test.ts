/**
 * Bad profiles: each problem is one located line `file:line:col  field.path  text`, and a file
 * with several problems reports all of them at once (exact sets, so no spurious lines either).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { StampedeError } from '../../harness/errors.js';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { problemLines, profileDir } from './profile-files.js';

const files = profileDir();
afterAll(() => files.cleanup());

const HEAD = `population: { accounts: 1000 }
flows:
  a:
    weight: 1
    steps: [login]
`;

/** Writes `text`, loads it, and expects exactly `expected` (each without the `file:` prefix). */
async function expectProblems(name: string, text: string, expected: string[]): Promise<void> {
  const file = files.write(name, text);
  const lines = await problemLines(file);
  expect(lines.sort()).toEqual(expected.map((l) => `${file}:${l}`).sort());
}

describe('loadProfile rejects bad profiles with located problems', () => {
  it('a weight of the wrong type', async () => {
    await expectProblems(
      'wrong-type.yaml',
      `population: { accounts: 1000 }
flows:
  a:
    weight: heavy
    steps: [login]
phases:
  - { constant: 10, duration: 5s }
`,
      ['4:13  flows.a.weight  must be a number'],
    );
  });

  it('counts past what a session record holds (16 bits each: session-records.ts)', async () => {
    await expectProblems(
      'record-limits.yaml',
      `population: { accounts: 1000 }
defaults:
  retry: { maxAttempts: 65536 }
flows:
  a:
    weight: 1
    reRequest: { after: 1m, max: 70000 }
    steps: [reset-request, await-mail]
phases:
  - { constant: 10, duration: 5s }
`,
      ['3:25  defaults.retry.maxAttempts  must be <= 65535', '7:34  flows.a.reRequest.max  must be <= 65535'],
    );
  });

  it('a negative rate', async () => {
    await expectProblems('negative-rate.yaml', `${HEAD}phases:\n  - { constant: -5, duration: 5s }\n`, [
      '7:17  phases[0].constant  must be >= 0',
    ]);
  });

  it('an unknown key (a typo), with a suggestion', async () => {
    await expectProblems('typo.yaml', `${HEAD}phases:\n  - { constant: 10, duraton: 5s }\n`, [
      '7:5  phases[0]  missing required key "duration"',
      '7:21  phases[0]  unknown key "duraton" (did you mean "duration"?)',
    ]);
  });

  it('flow weights that do not sum to 1', async () => {
    await expectProblems(
      'weights.yaml',
      `population: { accounts: 1000 }
flows:
  a: { weight: 0.5, steps: [login] }
  b: { weight: 0.3, steps: [login] }
phases:
  - { constant: 10, duration: 5s }
`,
      ['2:1  flows  flow weights sum to 0.8, must sum to 1 (a 0.5, b 0.3)'],
    );
  });

  it('an empty phases list', async () => {
    await expectProblems('empty-phases.yaml', `${HEAD}phases: []\n`, ['6:9  phases  must not be empty']);
  });

  it('a zero-duration phase', async () => {
    await expectProblems('zero-duration.yaml', `${HEAD}phases:\n  - { constant: 10, duration: 0s }\n`, [
      '7:31  phases[0].duration  must be > 0',
    ]);
  });

  it('bad durations: a wrong unit and a wrong type', async () => {
    await expectProblems(
      'bad-duration.yaml',
      `${HEAD}phases:\n  - { constant: 10, duration: 5 min }\n  - { constant: 10, duration: true }\n`,
      [
        '7:31  phases[0].duration  bad duration "5 min" (use e.g. 1h30m, 250ms, 1.5s)',
        '8:31  phases[1].duration  must be a duration (seconds, or e.g. 1h30m, 250ms, 1.5s)',
      ],
    );
  });

  it('cyclic extends, located at the extends key that closes the cycle', async () => {
    const a = files.write('cycle-a.yaml', 'extends: ./cycle-b.yaml\n');
    const b = files.write('cycle-b.yaml', 'population: { accounts: 10 }\nextends: cycle-a.yaml\n');
    expect(await problemLines(a)).toEqual([`${b}:2:10  extends  cyclic extends: ${a} -> ${b} -> ${a}`]);
  });

  it('a missing extends file', async () => {
    const file = files.write('orphan.yaml', `name: orphan\nextends: ./no-such-parent.yaml\n${HEAD}`);
    expect(await problemLines(file)).toEqual([
      `${file}:2:10  extends  file not found: ./no-such-parent.yaml (${files.dir}/no-such-parent.yaml)`,
    ]);
  });

  it('a missing profile file: one line, exit code 2', async () => {
    const missing = `${files.dir}/nowhere.yaml`;
    const err = await loadProfile(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StampedeError);
    expect((err as StampedeError).exitCode).toBe(2);
    expect((err as StampedeError).message).toBe(`profile not found: ${missing}`);
    expect((err as StampedeError).details).toEqual([]);
  });

  it("invalid YAML, at the parser's position", async () => {
    await expectProblems('invalid.yaml', `${HEAD}phases:\n  - { constant: 10, duration: 5s\n`, [
      '8:1  (root)  invalid YAML: Flow map in block collection must be sufficiently indented and end with a }',
    ]);
  });

  it('an empty file', async () => {
    await expectProblems('empty.yaml', '# nothing here\n', [
      '1:1  (root)  empty profile: expected a mapping of profile keys',
    ]);
  });

  it('duplicate region names and a region with no phases', async () => {
    await expectProblems(
      'regions.yaml',
      `${HEAD}regions:
  - { name: eu, phases: [{ constant: 1, duration: 1s }] }
  - name: eu
    phases: []
`,
      [
        '8:11  regions[1].name  duplicate region name "eu" (also regions[0])',
        '9:13  regions[1].phases  must not be empty',
      ],
    );
  });

  it('outages overlapping in a shared region (an outage without regions covers all)', async () => {
    await expectProblems(
      'overlap.yaml',
      `${HEAD}regions:
  - { name: eu, phases: [{ constant: 1, duration: 1h }] }
  - { name: us, phases: [{ constant: 1, duration: 1h }] }
outages:
  - { name: eu-down, start: 10m, duration: 30m, regions: [eu] }
  - { name: us-down, start: 20m, duration: 30m, regions: [us] }
  - { name: all-down, start: 35m, duration: 5m }
`,
      [
        '12:5  outages[2]  overlaps outages[0] ("eu-down") in region eu (35m-40m vs 10m-40m)',
        '12:5  outages[2]  overlaps outages[1] ("us-down") in region us (35m-40m vs 20m-50m)',
      ],
    );
  });

  it('an outage naming an unknown region', async () => {
    await expectProblems(
      'outage-region.yaml',
      `${HEAD}phases: [{ constant: 1, duration: 1m }]\noutages:\n  - { start: 10s, duration: 5s, regions: [mars] }\n`,
      ['8:43  outages[0].regions[0]  unknown region "mars" (regions: global)'],
    );
  });

  it('a phase mix naming an unknown flow and not summing to 1', async () => {
    await expectProblems(
      'mix.yaml',
      `${HEAD}phases:\n  - { constant: 1, duration: 1m, mix: { a: 0.5, ghost: 0.2 } }\n`,
      [
        '7:39  phases[0].mix  mix weights sum to 0.7, must sum to 1',
        '7:49  phases[0].mix.ghost  unknown flow "ghost" (flows: a)',
      ],
    );
  });

  it('a bad retry class', async () => {
    await expectProblems(
      'retry.yaml',
      `${HEAD}defaults:\n  retry: { maxAttempts: 3, on: [503, 502, timeuot] }\nphases: [{ constant: 1, duration: 1m }]\n`,
      [
        '7:38  defaults.retry.on[1]  502 is not one of 4xx, 429, 5xx, 503, timeout, connect, reset, mail-timeout, invalid, target-error, cancelled',
        '7:43  defaults.retry.on[2]  "timeuot" is not one of 4xx, 429, 5xx, 503, timeout, connect, reset, mail-timeout, invalid, target-error, cancelled',
      ],
    );
  });

  it('a spike beyond its phase, a one-plateau step, and two phase shapes at once', async () => {
    await expectProblems(
      'shapes.yaml',
      `${HEAD}phases:
  - { spike: { base: 1, peak: 9, at: 50s, width: 20s }, duration: 1m }
  - { step: { from: 1, to: 5, steps: 1 }, duration: 1m }
  - { constant: 1, ramp: [1, 2], duration: 1m }
  - { duration: 1m }
`,
      [
        '7:14  phases[0].spike  at + width = 1m10s ends after the phase duration 1m',
        '8:38  phases[1].step.steps  must be >= 2',
        '9:5  phases[2]  has several shape keys (constant, ramp): keep one',
        '10:5  phases[3]  needs one shape key: constant, ramp, step or spike',
      ],
    );
  });

  it('population out of range, and a must-reset flow with nobody to reset', async () => {
    await expectProblems(
      'population.yaml',
      `population: { accounts: 2000000000, mustResetShare: 1.5 }
flows:
  a: { weight: 1, accounts: must-reset, steps: [login] }
phases: [{ constant: 1, duration: 1m }]
`,
      ['1:25  population.accounts  must be <= 1000000000', '1:53  population.mustResetShare  must be <= 1'],
    );
    await expectProblems(
      'nobody.yaml',
      `population: { accounts: 1000, mustResetShare: 0 }
flows:
  a: { weight: 1, accounts: must-reset, steps: [login] }
phases: [{ constant: 1, duration: 1m }]
`,
      ['3:29  flows.a.accounts  draws from must-reset accounts but population.mustResetShare 0 leaves none'],
    );
  });

  it('duplicate step names, pollEvery on a non-mail step, an unknown step kind', async () => {
    await expectProblems(
      'steps.yaml',
      `population: { accounts: 1000 }
flows:
  a:
    steps:
      - login
      - { step: login, pollEvery: 1s }
      - logn
phases: [{ constant: 1, duration: 1m }]
`,
      [
        '6:9  flows.a.steps[1]  duplicate step name "login" (also steps[0]): give one of them a name',
        '6:24  flows.a.steps[1].pollEvery  only await-mail steps take "pollEvery"',
        '7:9  flows.a.steps[2]  "logn" is not one of login, reset-request, await-mail, reset-confirm, login-new',
      ],
    );
  });

  it('both phases and regions, a bad think form and a bad flow name', async () => {
    await expectProblems(
      'mixed.yaml',
      `population: { accounts: 1000 }
flows:
  my flow: { think: { gaussian: 1s }, steps: [login] }
phases: [{ constant: 1, duration: 1m }]
regions: [{ name: r, phases: [{ constant: 1, duration: 1m }] }]
`,
      [
        `3:3  flows.my flow  bad name "my flow": use letters, digits, '-', '_' or '.'`,
        '3:23  flows.my flow.think  unknown key "gaussian"',
        '5:1  regions  use either top-level phases or regions, not both',
      ],
    );
  });

  it('reports every problem of a many-problem file at once, in file order', async () => {
    const file = files.write(
      'many.yaml',
      `population: { accounts: 0 }
flows:
  a: { weight: 0.9, steps: [login], retry: { backoff: sometimes } }
  b: { weight: 0.3, steps: [] }
rateScale: -1
phases:
  - { constant: -1, duration: 0s, process: bursty }
`,
    );
    const lines = await problemLines(file);
    expect(lines).toEqual([
      `${file}:1:25  population.accounts  must be >= 1`,
      `${file}:2:1  flows  flow weights sum to 1.2, must sum to 1 (a 0.9, b 0.3)`,
      `${file}:3:55  flows.a.retry.backoff  "sometimes" is not one of none, linear, exponential`,
      `${file}:4:28  flows.b.steps  must not be empty`,
      `${file}:5:12  rateScale  must be > 0`,
      `${file}:7:17  phases[0].constant  must be >= 0`,
      `${file}:7:31  phases[0].duration  must be > 0`,
      `${file}:7:44  phases[0].process  "bursty" is not one of poisson, uniform`,
    ]);
  });
});
