import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { planProfile } from '../../harness/arrivals/plan.js';
import { parseK6DurationS, scenarioArrivals } from '../../harness/k6/k6-scenarios.js';
import { exportK6Script, readHttpTargetDoc } from '../../harness/k6/k6-script.js';
import { loadProfile } from '../../harness/profile/load-profile.js';
import { tempDir } from './k6-import-helpers.js';

const TARGET = 'targets/examples/reference.http.yaml';
const PROFILES = readdirSync('profiles')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join('profiles', f));

describe('export k6', () => {
  it('every shipped profile exports a script that the real tsc accepts against @types/k6 (strict)', async () => {
    const dir = await tempDir();
    const doc = readHttpTargetDoc(TARGET);
    for (const p of PROFILES) {
      const { code } = exportK6Script(await loadProfile(p), doc, TARGET);
      await writeFile(join(dir, `${p.replace(/\W/g, '_')}.ts`), code);
    }
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          noUnusedLocals: true,
          target: 'es2022',
          module: 'es2022',
          moduleResolution: 'bundler',
          lib: ['es2022'],
          types: ['k6'],
          typeRoots: [resolve('node_modules/@types')],
        },
        include: ['*.ts'],
      }),
    );
    const tsc = resolve('node_modules/typescript/bin/tsc');
    const run = await promisify(execFile)(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')]).then(
      () => ({ ok: true, out: '' }),
      (e: { stdout?: string }) => ({ ok: false, out: e.stdout ?? String(e) }),
    );
    expect(run.out).toBe('');
    expect(run.ok).toBe(true);
  }, 120_000);

  it('a script with a misspelt executor does not type-check (the check can fail)', async () => {
    const dir = await tempDir();
    const { code } = exportK6Script(
      await loadProfile('profiles/smoke.yaml'),
      readHttpTargetDoc(TARGET),
      TARGET,
    );
    await writeFile(join(dir, 'bad.ts'), code.replace('"ramping-arrival-rate"', '"ramping-arival-rate"'));
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          module: 'es2022',
          moduleResolution: 'bundler',
          types: ['k6'],
          typeRoots: [resolve('node_modules/@types')],
        },
        include: ['*.ts'],
      }),
    );
    const failed = await promisify(execFile)(process.execPath, [
      resolve('node_modules/typescript/bin/tsc'),
      '-p',
      join(dir, 'tsconfig.json'),
    ]).then(
      () => '',
      (e: { stdout?: string }) => e.stdout ?? '',
    );
    expect(failed).toMatch(/ramping-arival-rate/);
  }, 120_000);

  it.each(PROFILES)('%s: stages integrate to the planned arrivals of every flow', async (p) => {
    const profile = await loadProfile(p);
    const { options } = exportK6Script(profile, readHttpTargetDoc(TARGET), TARGET);
    const plan = planProfile(profile);
    const perFlow = new Map<string, number>();
    for (const s of Object.values(options.scenarios)) {
      if (s.executor !== 'ramping-arrival-rate') continue;
      const flow = s.tags['flow']!;
      perFlow.set(flow, (perFlow.get(flow) ?? 0) + scenarioArrivals(s));
    }
    for (const [flow, f] of Object.entries(plan.flows)) {
      const got = perFlow.get(flow) ?? 0;
      expect(Math.abs(got - f.arrivals), `${flow}: ${got} vs ${f.arrivals}`).toBeLessThanOrEqual(
        Math.max(2, f.arrivals * 0.005),
      );
    }
  });

  it('regions start at their offset; outages become maintenance calls; gates become thresholds', async () => {
    const profile = await loadProfile('profiles/psn-relaunch.yaml');
    const { options, code, notes } = exportK6Script(profile, readHttpTargetDoc(TARGET), TARGET);
    for (const r of profile.regions) {
      const s = Object.values(options.scenarios).find(
        (x) => x.executor === 'ramping-arrival-rate' && x.env['STAMPEDE_REGION'] === r.name,
      );
      expect(s, r.name).toBeDefined();
      expect(parseK6DurationS(s!.startTime)).toBeCloseTo(r.startS, 3);
    }
    const maint = Object.values(options.scenarios).filter((x) => x.executor === 'per-vu-iterations');
    expect(maint.length).toBe(profile.outages.length);
    expect(options.thresholds['http_req_duration{step:reset-confirm}']).toEqual(['p(99)<2000']);
    expect(code).toContain('tags: { step: step.name');
    expect(notes.some((n) => n.includes('service time'))).toBe(true);
  });
});
