import { describe, expect, it, vi } from 'vitest';
import { planProfile } from '../../harness/arrivals/plan.js';
import { renderPlan, renderRateChart } from '../../harness/arrivals/plan-render.js';
import { planCommand } from '../../harness/cli/commands/plan.js';
import { StampedeError } from '../../harness/errors.js';
import { buildProfile, constant, flow, ramp, region } from './profile-fixture.js';

const profile = buildProfile({
  flows: [flow('reset', 1, 'must-reset', ['reset-request', 'await-mail']), flow('login', 1, 'no-reset')],
  regions: [region('eu', 0, [ramp('open', 50, 0, 1000), constant('hold', 50, 1000)])],
  outages: [{ name: 'maint', startS: 60, durationS: 20, regions: [] }],
});

describe('renderRateChart', () => {
  it('draws the ramp rising, marks the peak and the outage columns', () => {
    const plan = planProfile(profile);
    const lines = renderRateChart(plan, 60, 4);
    const peakLine = lines[0]!;
    expect(peakLine).toContain('▼ peak 1,000/s at 50s');
    const rows = lines.slice(1, 5).map((l) => l.slice(l.indexOf('┤') + 1));
    const cols = rows[0]!.length;
    // Top row: empty at the start of the ramp, full from the hold on.
    expect(rows[0]![0]).toBe(' ');
    expect(rows[0]![cols - 1]).toBe('█');
    expect(rows[3]!.startsWith('▁') || rows[3]!.startsWith(' ')).toBe(true);
    // The peak marker sits over the first column of the hold (t = 50 s of 100 s).
    expect(peakLine.indexOf('▼') - lines[1]!.indexOf('┤') - 1).toBe(Math.floor(cols / 2));
    const outage = lines.find((l) => l.includes('outage maint'))!;
    const firstShade = outage.indexOf('▓') - (lines[1]!.indexOf('┤') + 1);
    expect(firstShade).toBe(Math.floor(0.6 * cols));
    expect(outage.split('▓').length - 1).toBe(Math.floor(0.8 * cols) - Math.floor(0.6 * cols));
  });

  it('renders the summary and every table', () => {
    const text = renderPlan(planProfile(profile), { width: 80 });
    expect(text).toContain('arrivals        75,000');
    for (const h of ['Regions', 'Phases', 'Flows', 'Steps', 'Account pools', 'Outages'])
      expect(text).toContain(h);
    expect(text).toMatch(/reset-request\s+37,500/);
  });
});

describe('stampede plan', () => {
  async function run(args: { profile: string; json: boolean; exact: boolean }): Promise<string> {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    try {
      // biome-ignore lint/suspicious/noExplicitAny: the handler's argv carries yargs' own fields
      await planCommand.handler({ ...args, _: [], $0: 'stampede' } as any);
    } finally {
      spy.mockRestore();
    }
    return out;
  }

  it('prints the plan of a shipped profile as one JSON object', async () => {
    const plan = JSON.parse(await run({ profile: 'profiles/login-steady.yaml', json: true, exact: true }));
    expect(plan.totalArrivals).toBeGreaterThan(0);
    expect(plan.durationS).toBeGreaterThan(0);
    expect(plan.peakRatePerS).toBeGreaterThan(0);
    expect(plan.phases.length).toBeGreaterThan(0);
    expect(
      Object.values(plan.flows).reduce((s: number, f) => s + (f as { arrivals: number }).arrivals, 0),
    ).toBe(plan.totalArrivals);
  });

  it('prints the human plan with a chart, and fails on a missing profile with a StampedeError', async () => {
    const text = await run({ profile: 'profiles/login-steady.yaml', json: false, exact: false });
    expect(text).toContain('▼ peak');
    await expect(run({ profile: 'profiles/nope.yaml', json: false, exact: false })).rejects.toThrow(
      StampedeError,
    );
  });
});
