/**
 * TelemetryObserver's run-state gauge and its end: running from t0, draining once the last
 * planned interval has closed (a 3 s plan at 1 s intervals: interval 2 is the last), aborted
 * when the run ends aborted; after the run the endpoint serves the final values until a scrape
 * that began after the end (or the linger bound), and labels come from the run.
 */
import { describe, expect, it } from 'vitest';
import { TelemetryObserver } from '../../harness/telemetry/telemetry-observer.js';
import type { IntervalSnapshot } from '../../reports/recorder/interval-snapshot.js';
import type { RunMeta } from '../../reports/run-dir/run-meta.js';

const META = {
  profile: { name: 'p', file: 'p.yaml', hash: 'h' },
  target: 'reference',
  engine: 'undici',
  latencyModel: 'intended-time',
  startedAt: new Date(0).toISOString(),
  t0Ms: 0,
  intervalMs: 1000,
  steps: ['login'],
  plannedDurationS: 3,
  shard: { index: 1, count: 4 },
  workers: 1,
  outages: [],
  plannedRatePerS: [1, 1, 1],
  settings: {},
} satisfies RunMeta;

function snap(index: number): IntervalSnapshot {
  return {
    index,
    startMs: index * 1000,
    endMs: (index + 1) * 1000,
    arrivals: 1,
    started: 1,
    dropped: 0,
    completed: 1,
    inFlight: 0,
    maxLatenessUs: 0,
    steps: [],
  };
}

async function state(url: string): Promise<string | undefined> {
  const text = await (await fetch(url)).text();
  return /^stampede_run_state\{state="(\w+)",[^}]*\} 1$/m.exec(text)?.[1];
}

describe('TelemetryObserver', () => {
  it('goes running -> draining -> aborted and serves the end until one more scrape', async () => {
    const obs = await TelemetryObserver.open({
      listen: { host: '127.0.0.1', port: 0, text: '127.0.0.1:0' },
      remoteWrite: null,
    });
    const url = obs!.url!;
    // Before t0 the endpoint answers, empty.
    expect(await (await fetch(url)).text()).toBe('');
    obs!.started({
      meta: META,
      outDir: '/runs/20261201T000000Z-p',
      metricsUrl: null,
      event: () => undefined,
    });
    expect(await state(url)).toBe('running');
    const text = await (await fetch(url)).text();
    // Labels: profile name, the run directory's base name, --shard 2/4 (1-based), engine.
    expect(text).toContain('profile="p",run_id="20261201T000000Z-p",shard="2/4",engine="undici"');
    for (const i of [0, 1]) {
      obs!.snapshot(0, snap(i));
      obs!.intervalClosed(i);
    }
    expect(await state(url)).toBe('running');
    obs!.snapshot(0, snap(2));
    obs!.intervalClosed(2);
    expect(await state(url)).toBe('draining');
    await obs!.finished({ aborted: true });
    const closing = obs!.close();
    // The close waits for this scrape (begun after the end), which sees the final state.
    expect(await state(url)).toBe('aborted');
    expect(await closing).toEqual({ lastScraped: true });
    await expect(fetch(url)).rejects.toThrow();
  });

  it('stops waiting at the linger bound when nobody scrapes, and not at all for a run that never began', async () => {
    const a = await TelemetryObserver.open({
      listen: { host: '127.0.0.1', port: 0, text: '' },
      remoteWrite: null,
      lingerMs: 200,
    });
    a!.started({ meta: META, outDir: '/runs/a', metricsUrl: null, event: () => undefined });
    await a!.finished({ aborted: false });
    expect(await a!.close()).toEqual({ lastScraped: false });
    const b = await TelemetryObserver.open({
      listen: { host: '127.0.0.1', port: 0, text: '' },
      remoteWrite: null,
      lingerMs: 60_000,
    });
    expect(await b!.close()).toEqual({ lastScraped: false });
  });
});
