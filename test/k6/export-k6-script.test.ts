import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
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
    // `* error-rate` is the script's own non-ok share, one threshold per step, and no data fails.
    expect(options.thresholds['stampede_failed{step:login}']).toEqual(['rate<0.05']);
    expect(options.thresholds['stampede_attempts{step:login}']).toEqual(['count>0']);
    expect(code).toContain('const RECORD_FAILED: boolean = true;');
    expect(notes.some((n) => n.includes('actual send'))).toBe(true);
  });

  it('translates each gate by its meaning, or lists it with the reason', async () => {
    const dir = await tempDir();
    const file = join(dir, 'gates.yaml');
    const src = await readFile('profiles/smoke.yaml', 'utf8');
    await writeFile(
      file,
      src.replace(/\ngates:[\s\S]*$/, '') +
        [
          '\ngates:',
          '  - "await-mail count(mail-timeout) == 0"',
          '  - "reset-request rate(503) < 20%"',
          '  - "* dropped < 1%"',
          '  - "await-mail p99 < 3s"',
          '  - "login-new p99 < 2s abort-on-fail after 5s"',
          '  - "login rps >= 1/s abort-on-fail"',
        ].join('\n'),
    );
    const profile = await loadProfile(file);
    const out = exportK6Script(profile, readHttpTargetDoc(TARGET), TARGET, { pods: 2 });
    const t = out.options.thresholds;
    expect(t['stampede_attempts{step:await-mail,outcome:mail-timeout}']).toEqual(['count==0']);
    expect(t['stampede_rate_503{step:reset-request}']).toEqual(['rate<0.2']);
    expect(t['stampede_await_mail{step:await-mail}']).toEqual(['p(99)<3000']);
    expect(t['stampede_attempts{step:login,outcome:ok}']).toEqual([
      { threshold: 'rate>=1', abortOnFail: true },
    ]);
    // after 5s: the threshold is kept without the abort, and the abort is listed with the reason.
    expect(t['http_req_duration{step:login-new}']).toEqual(['p(99)<2000']);
    expect(out.untranslated).toHaveLength(1);
    expect(out.untranslated[0]).toMatch(/after 5s.*delayAbortEval/);
    expect(out.code).toContain(out.untranslated[0]!);
    // dropped < 1%: 1 % of each instance's planned arrivals (half of the plan per pod).
    const planned = Object.values(planProfile(profile).flows).reduce((n, f) => n + f.arrivals, 0);
    const limit = Number(String(t['dropped_iterations']?.[0]).replace('count<', ''));
    expect(Math.abs(limit - (0.01 * planned) / 2)).toBeLessThanOrEqual(0.01 * planned * 0.01 + 0.01);
    expect(out.code).toContain('const RATE_CLASSES: string[] = ["503"];');
  });
});
