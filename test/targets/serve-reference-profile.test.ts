import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { accountDomainPicker } from '../../harness/arrivals/account-domain.js';
import { profileValues } from '../../harness/cli/commands/serve.js';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { accountName, accountNameWidth } from '../../targets/reference/accounts.js';
import { serveReference } from '../../targets/reference/serve-foreground.js';
import { tempDir } from '../k6/k6-import-helpers.js';

// `stampede serve reference --profile P` must be the server a run of P starts: the same capacity,
// population and mail domains, so that a k6 script exported from P (which picks each account's
// mail domain from P's shares and seed) finds its mail in the sink.
async function profile() {
  const dir = await tempDir();
  const file = join(dir, 'p.yaml');
  await writeFile(
    file,
    [
      'name: served',
      'population:',
      '  accounts: 1000',
      '  seed: 77',
      '  mustResetShare: 0.5',
      '  domains:',
      '    a.test: { share: 0.5 }',
      '    b.test: { share: 0.5, rejectShare: 1 }',
      'reference: { adminWorkers: 3, hashCost: 0 }',
      'flows:',
      '  login-only: { accounts: all, steps: [login] }',
      'phases:',
      '  - { name: flat, constant: 1, duration: 1s }',
    ].join('\n'),
  );
  return loadProfile(file);
}

describe('serve reference --profile', () => {
  it("takes the profile's reference block and population", async () => {
    const p = await profile();
    expect(profileValues(p)).toEqual({
      adminWorkers: 3,
      hashCost: 0,
      accounts: 1000,
      seed: 77,
      mustResetShare: 0.5,
    });
  });

  it("sends each account's mail to its profile domain; the sink enforces that domain's limits", async () => {
    const p = await profile();
    const lines: string[] = [];
    const ac = new AbortController();
    let ready!: () => void;
    const listening = new Promise<void>((r) => {
      ready = r;
    });
    const done = serveReference({
      host: '127.0.0.1',
      port: 0,
      allowRemote: false,
      mailApiPort: 0,
      domains: p.population.domains,
      values: profileValues(p),
      out: (l) => {
        lines.push(l);
        if (l.startsWith('  mail domains')) ready();
      },
      signal: ac.signal,
    });
    await listening;
    try {
      const url = /listening on (\S+)/.exec(lines[0] ?? '')?.[1] ?? '';
      const api = /API (http:\/\/\S+)\/api\/v1\/search/.exec(lines.join('\n'))?.[1] ?? '';
      expect(lines.at(-1)).toBe('  mail domains a.test 50%, b.test 50%');
      const domainOf = accountDomainPicker(p.population.domains, 77);
      // The first account of each domain, among the must-reset half (indexes < 500).
      const idx = (d: string) => [...Array(500).keys()].find((i) => domainOf(i) === d) ?? -1;
      const width = accountNameWidth(1000);
      for (const d of ['a.test', 'b.test']) {
        const account = accountName(idx(d), width);
        const res = await request(`${url}/v1/password-reset`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ account }),
        });
        await res.body.dump();
        expect(res.statusCode).toBe(202);
      }
      // a.test accepts: the mail lands at <account>@a.test. b.test rejects every address (550).
      const found = async (address: string): Promise<number> => {
        const q = encodeURIComponent(`to:"${address}"`);
        const r = await request(`${api}/api/v1/search?query=${q}&limit=1`);
        return ((await r.body.json()) as { messages_count: number }).messages_count;
      };
      const a = `${accountName(idx('a.test'), width)}@a.test`;
      for (let i = 0; i < 100 && (await found(a)) === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await found(a)).toBe(1);
      expect(await found(`${accountName(idx('b.test'), width)}@b.test`)).toBe(0);
      const stats = await request(`${api}/api/v1/stampede/stats`);
      const doc = (await stats.body.json()) as { domains: Record<string, { rejected: number }> };
      for (let i = 0; i < 100 && (doc.domains['b.test']?.rejected ?? 0) === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        Object.assign(doc, await (await request(`${api}/api/v1/stampede/stats`)).body.json());
      }
      expect(doc.domains['b.test']?.rejected).toBe(1);
    } finally {
      ac.abort();
      await done;
    }
  }, 30_000);
});
