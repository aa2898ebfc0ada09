/**
 * Mail in profiles: `population.domains` and a flow's `reRequest` resolve to their typed shapes
 * with defaults filled in, and bad values are located problems (file:line:col, field, text).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { problemLines, profileDir } from './profile-files.js';

const files = profileDir();
afterAll(() => files.cleanup());

const FLOWS = `flows:
  reset:
    reRequest: { after: 2m, max: 3 }
    steps: [reset-request, { step: await-mail, timeout: 10m }, reset-confirm]
phases:
  - { constant: 10, duration: 5s }
`;

describe('population.domains and reRequest', () => {
  it('resolve with defaults: burst one second of rate, 0 = unlimited, greylist off', async () => {
    const file = files.write(
      'good.yaml',
      `population:
  accounts: 1000
  domains:
    gmail.test: { share: 0.4, perS: 50, perConnection: 20, greylistS: 30 }
    yahoo.test: { share: 0.35, perS: 2.5, burst: 10, rejectShare: 0.01 }
    other.test: { share: 0.25 }
${FLOWS}`,
    );
    const p = await loadProfile(file);
    expect(p.population.domains).toEqual([
      {
        name: 'gmail.test',
        share: 0.4,
        perS: 50,
        burst: 50,
        perConnection: 20,
        greylistS: 30,
        rejectShare: 0,
      },
      {
        name: 'yahoo.test',
        share: 0.35,
        perS: 2.5,
        burst: 10,
        perConnection: 0,
        greylistS: 0,
        rejectShare: 0.01,
      },
      { name: 'other.test', share: 0.25, perS: 0, burst: 1, perConnection: 0, greylistS: 0, rejectShare: 0 },
    ]);
    expect(p.flows[0]?.reRequest).toEqual({ afterS: 120, max: 3 });
  });

  it('report shares that do not sum to 1, names that are not domains, and a useless burst', async () => {
    const file = files.write(
      'bad-domains.yaml',
      `population:
  accounts: 1000
  domains:
    gmail.test: { share: 0.5 }
    Not_A_Domain: { share: 0.2, burst: 5 }
${FLOWS}`,
    );
    expect((await problemLines(file)).sort()).toEqual(
      [
        `${file}:3:3  population.domains  domain shares sum to 0.7, must sum to 1 (gmail.test 0.5, Not_A_Domain 0.2)`,
        `${file}:5:5  population.domains.Not_A_Domain  "Not_A_Domain" is not a lower-case domain name (e.g. gmail.test)`,
        `${file}:5:33  population.domains.Not_A_Domain.burst  only a rate-limited domain (perS > 0) takes "burst"`,
      ].sort(),
    );
  });

  it('report a reRequest that cannot fire', async () => {
    const file = files.write(
      'bad-rerequest.yaml',
      `population: { accounts: 1000 }
flows:
  a:
    weight: 0.5
    reRequest: { after: 5m, max: 2 }
    steps: [reset-request, { step: await-mail, timeout: 2m }]
  b:
    weight: 0.5
    reRequest: { after: 1m, max: 0 }
    steps: [login]
phases:
  - { constant: 10, duration: 5s }
`,
    );
    expect((await problemLines(file)).sort()).toEqual(
      [
        `${file}:5:25  flows.a.reRequest.after  5m is not below the await-mail step's timeout (120 s): the user would give up first`,
        `${file}:9:5  flows.b.reRequest  needs a reset-request step followed by an await-mail step to ask again from`,
        `${file}:9:34  flows.b.reRequest.max  must be >= 1`,
      ].sort(),
    );
  });
});
