import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { parseSweep } from '../../harness/simulate/sweep-plan.js';
import { runSweep, type SweepResult } from '../../harness/simulate/sweep-run.js';
import { simulateCapacity } from '../../harness/simulate/what-if.js';
import { CHROMIUM, haveChromium, withPageOf } from '../support/headless-chromium.js';

const inCi = process.env['CI'] === 'true';

const PROFILE = `
name: sweep-small
description: two regions of 60 resets/s each against an admin pool of c x 50/s
population: { accounts: 100000, seed: 7, mustResetShare: 1 }
client: { interval: 1s, requestTimeout: 10s }
reference: { adminWorkers: 1, resetServiceMs: 20, resetQueue: 5, mailPerS: 1000, hashCost: 0 }
defaults:
  think: 0s
  retry: { maxAttempts: 1 }
flows:
  reset-only:
    accounts: must-reset
    steps: [reset-request]
arrivals: uniform
regions:
  - name: east
    start: 0s
    phases: [{ name: east-warm, constant: 20, duration: 10s }, { name: east-steady, constant: 60, duration: 50s }]
  - name: west
    start: 0s
    phases: [{ name: west-warm, constant: 20, duration: 10s }, { name: west-steady, constant: 60, duration: 50s }]
`;

const root = await mkdtemp(join(tmpdir(), 'stampede-sweep-'));
afterAll(() => rm(root, { recursive: true, force: true }));

async function sweep(name: string, spec: string, steps?: number): Promise<SweepResult> {
  const file = join(root, `${name}.yaml`);
  await writeFile(file, PROFILE);
  const loaded = await loadProfile(file);
  const profile = { ...loaded, client: { ...loaded.client, maxInFlight: Number.MAX_SAFE_INTEGER } };
  return runSweep({
    profile,
    capacity: simulateCapacity(profile, []),
    plan: parseSweep(spec, steps),
    outDir: join(root, name),
    drainS: 10,
    t0EpochMs: 0,
  });
}

describe('simulate --sweep adminWorkers', () => {
  it('names 3 workers (c x 50/s >= 120/s) as the smallest pool no region falls behind with', async () => {
    const r = await sweep('steps', 'adminWorkers=1..8', 8);
    expect(r.points.map((p) => p.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // c = 1, 2 fall behind; from 3 on every region keeps up.
    expect(r.points.map((p) => p.fallBehindOnsetS !== null)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(r.smallestKeepingUp).toBe(3);
    // No retries: one attempt per first attempt, whatever the pool.
    for (const p of r.points) expect(p.retryAmplification).toBe(1);
    // Goodput at c = 2: the pool serves 100 of every 120 offered (the queue's 5 aside) -> 0.833.
    expect(r.points[1]!.goodput).toBeGreaterThan(0.82);
    expect(r.points[1]!.goodput).toBeLessThan(0.845);
    // At c >= 3 every arrival (6000 = 2 x 60/s x 50 s) succeeds.
    expect(r.points[2]!.goodput).toBe(1);
    const table = await readFile(join(root, 'steps', 'sweep.txt'), 'utf8');
    expect(table).toContain('smallest adminWorkers for which no region falls behind: 3');
  });

  it('with the powers-of-two rule runs 1, 2, 4, 8 and names 4', async () => {
    const r = await sweep('pow2', 'adminWorkers=1..8');
    expect(r.points.map((p) => p.value)).toEqual([1, 2, 4, 8]);
    expect(r.smallestKeepingUp).toBe(4);
    const json = JSON.parse(await readFile(join(root, 'pow2', 'sweep.json'), 'utf8')) as SweepResult;
    expect(json.smallestKeepingUp).toBe(4);
    expect(json.rule).toBe('powers of two');
  });

  it.skipIf(!haveChromium && !inCi)(
    'sweep.html draws five charts in headless Chromium, offline',
    async () => {
      expect(haveChromium, `${CHROMIUM} is missing; CI must install chromium`).toBe(true);
      const file = join(root, 'pow2', 'sweep.html');
      const html = await readFile(file, 'utf8');
      expect(html).not.toMatch(/<script|<link[^>]+href=|\s(src|href)=["']?https?:/i);
      await withPageOf(file, async ({ page, problems, requests, url }) => {
        const charts = (await page.evaluate(`(() => [...document.querySelectorAll('svg')].map((s) => {
        const b = s.getBoundingClientRect();
        return { label: s.getAttribute('aria-label'), w: b.width, h: b.height, marks: s.querySelectorAll('circle').length };
      }))()`)) as { label: string; w: number; h: number; marks: number }[];
        expect(charts.map((c) => c.label)).toEqual([
          'Fall-behind onset (earliest region)',
          'Peak backlog (requests + sessions in backoff)',
          'Drain time after each take-down (s)',
          'Retry amplification (attempts per first attempt)',
          'Goodput (sessions fully succeeded per arrival)',
        ]);
        for (const c of charts) {
          expect(c.w).toBeGreaterThan(300);
          expect(c.h).toBeGreaterThan(150);
        }
        // One mark per swept value on every chart with a series (no take-downs: no drain marks).
        expect(charts.map((c) => c.marks)).toEqual([4, 4, 0, 4, 4]);
        expect(problems).toEqual([]);
        expect(requests).toEqual([url]);
      });
    },
  );
});
