/**
 * Every shipped profile loads, and each keeps the promises its comments make: the relaunch is
 * big enough, its local rehearsal lasts about a minute and crosses the reference target's reset
 * capacity only at the surge, smoke fits CI, login-steady is a plain constant load.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../harness/profile/load-profile.js';
import type { Phase, Profile } from '../../harness/profile/profile.js';

const PROFILES = join(import.meta.dirname, '../../profiles');

/** Arrivals of a phase: the integral of its rate (exact for every shape). */
function phaseArrivals(p: Phase): number {
  switch (p.shape) {
    case 'constant':
      return p.rate * p.durationS;
    case 'ramp':
      return ((p.from + p.to) / 2) * p.durationS;
    case 'step':
      return ((p.from + p.to) / 2) * p.durationS; // equal plateaus evenly spaced: their mean is the midpoint
    case 'spike':
      return p.base * p.durationS + (p.peak - p.base) * p.widthS;
  }
}

function rateAt(p: Phase, t: number): number {
  switch (p.shape) {
    case 'constant':
      return p.rate;
    case 'ramp':
      return p.from + ((p.to - p.from) * t) / p.durationS;
    case 'step': {
      const i = Math.min(p.steps - 1, Math.floor(t / (p.durationS / p.steps)));
      return p.from + ((p.to - p.from) * i) / (p.steps - 1);
    }
    case 'spike':
      return t >= p.atS && t < p.atS + p.widthS ? p.peak : p.base;
  }
}

/** Share of a phase's arrivals that go to `flow`. */
function share(profile: Profile, p: Phase, flow: string): number {
  return p.mix?.[flow] ?? profile.flows.find((f) => f.name === flow)?.weight ?? 0;
}

function endS(profile: Profile): number {
  return Math.max(...profile.regions.map((r) => r.phases.reduce((s, p) => s + p.durationS, r.startS)));
}

/** Total rate (all regions) and a flow's rate at time t. */
function ratesAt(profile: Profile, t: number, flow: string): { total: number; flow: number } {
  let total = 0;
  let ofFlow = 0;
  for (const r of profile.regions) {
    let start = r.startS;
    for (const p of r.phases) {
      if (t >= start && t < start + p.durationS) {
        const x = rateAt(p, t - start);
        total += x;
        ofFlow += x * share(profile, p, flow);
      }
      start += p.durationS;
    }
  }
  return { total, flow: ofFlow };
}

describe('shipped profiles', () => {
  const yamlFiles = readdirSync(PROFILES).filter((f) => f.endsWith('.yaml'));

  it('ships the four documented profiles', () => {
    expect(yamlFiles.sort()).toEqual([
      'login-steady.yaml',
      'psn-relaunch-local.yaml',
      'psn-relaunch.yaml',
      'smoke.yaml',
    ]);
  });

  it.each(yamlFiles)('%s loads', async (file) => {
    const p = await loadProfile(join(PROFILES, file));
    expect(p.name).toBe(file.replace(/\.yaml$/, ''));
    expect(p.flows.reduce((s, f) => s + f.weight, 0)).toBeCloseTo(1, 9);
  });

  it('psn-relaunch: 77M accounts, four regions in turn, >= 12M arrivals and >= 10M forced resets', async () => {
    const p = await loadProfile(join(PROFILES, 'psn-relaunch.yaml'));
    expect(p.population.accounts).toBe(77_000_000);
    expect(p.regions.map((r) => [r.name, r.startS])).toEqual([
      ['americas', 0],
      ['europe', 0],
      ['japan', 4 * 3600],
      ['asia', 6 * 3600],
    ]);
    let total = 0;
    let forced = 0;
    for (const r of p.regions) {
      for (const ph of r.phases) {
        total += phaseArrivals(ph);
        forced += phaseArrivals(ph) * share(p, ph, 'forced-reset');
      }
    }
    expect(total).toBeGreaterThanOrEqual(12_000_000);
    expect(forced).toBeGreaterThanOrEqual(10_000_000);
    expect(p.outages.length).toBeGreaterThanOrEqual(2);
    for (const o of p.outages) expect(o.durationS).toBe(1800);
    const forcedFlow = p.flows.find((f) => f.name === 'forced-reset');
    expect(forcedFlow?.steps.map((s) => s.kind)).toEqual([
      'login',
      'reset-request',
      'await-mail',
      'reset-confirm',
      'login-new',
    ]);
    expect(forcedFlow?.steps[0]?.expect).toEqual([403]);
    expect(forcedFlow?.steps[1]?.retry).toMatchObject({
      backoff: 'exponential',
      jitter: 'full',
      respectRetryAfter: true,
    });
  });

  it('psn-relaunch-local: ~60 s, peak 300-400/s, forced resets cross 200/s only at the surge', async () => {
    const p = await loadProfile(join(PROFILES, 'psn-relaunch-local.yaml'));
    const end = endS(p);
    expect(end).toBeGreaterThan(50);
    expect(end).toBeLessThan(70);
    let peak = 0;
    let forcedPeak = 0;
    const samples = 20_000;
    for (let i = 0; i < samples; i++) {
      const r = ratesAt(p, (end * i) / samples, 'forced-reset');
      peak = Math.max(peak, r.total);
      forcedPeak = Math.max(forcedPeak, r.flow);
    }
    expect(peak).toBeGreaterThanOrEqual(300);
    expect(peak).toBeLessThanOrEqual(400);
    const workers = p.reference.adminWorkers ?? 0;
    const capacity = (workers * 1000) / (p.reference.resetServiceMs ?? 1);
    expect(capacity).toBe(200);
    expect(forcedPeak).toBeGreaterThan(capacity * 1.2);
    expect(ratesAt(p, end * 0.01, 'forced-reset').flow).toBeLessThan(capacity);
    const mail = p.flows.find((f) => f.name === 'forced-reset')?.steps.find((s) => s.kind === 'await-mail');
    expect(mail).toMatchObject({ pollEveryS: 0.2, timeoutS: 20 });
    expect(mail?.retry).toMatchObject({ baseS: 0.1, maxS: 2 });
    expect(p.client).toMatchObject({ maxInFlight: 5000, connections: 32, requestTimeoutS: 10 });
  });

  it('smoke: at most 10 s, 30-50 arrivals/s on average, both flows, a 1 s outage', async () => {
    const p = await loadProfile(join(PROFILES, 'smoke.yaml'));
    const end = endS(p);
    expect(end).toBeLessThanOrEqual(10);
    const total = p.regions.flatMap((r) => r.phases).reduce((s, ph) => s + phaseArrivals(ph), 0);
    expect(total / end).toBeGreaterThanOrEqual(30);
    expect(total / end).toBeLessThanOrEqual(50);
    expect(p.flows.map((f) => f.name).sort()).toEqual(['forced-reset', 'login-only']);
    expect(p.outages.map((o) => o.durationS)).toEqual([1]);
  });

  it('login-steady: one login flow, constant 500/s for 30 s, uniform', async () => {
    const p = await loadProfile(join(PROFILES, 'login-steady.yaml'));
    expect(p.flows).toHaveLength(1);
    expect(p.flows[0]).toMatchObject({ accounts: 'all', weight: 1 });
    expect(p.flows[0]?.steps.map((s) => s.kind)).toEqual(['login']);
    expect(p.regions[0]?.phases).toEqual([
      { name: 'steady', durationS: 30, process: 'uniform', shape: 'constant', rate: 500 },
    ]);
  });
});

describe('docs/profiles.md', () => {
  it('its complete example loads as documented', async () => {
    const text = readFileSync(join(import.meta.dirname, '../../docs/profiles.md'), 'utf8');
    const example = text.split('## A complete example')[1]?.split('```yaml\n')[1]?.split('```')[0];
    expect(example).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'stampede-docs-'));
    try {
      writeFileSync(join(dir, 'base.yaml'), 'description: the base\n');
      writeFileSync(join(dir, 'example.yaml'), example ?? '');
      const p = await loadProfile(join(dir, 'example.yaml'));
      expect(p.name).toBe('relaunch-eu');
      expect(p.regions[0]?.phases.map((ph) => ph.name)).toEqual(['reopen', 'surge', 'europe-2']);
      expect(p.regions[0]?.phases[0]).toMatchObject({ shape: 'ramp', from: 0, to: 16 });
      expect(p.outages[0]?.durationS).toBeCloseTo(18, 9);
      expect(p.flows.map((f) => f.steps.length)).toEqual([5, 1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
