/**
 * Fall-behind is the target's: a backlog that grows in the client (its connection pool) while
 * the target holds its usual two requests is not the target falling behind
 * (docs/measurement.md#fall-behind). A server answering in exactly 100 ms behind 2 connections
 * serves 2 / 0.1 s = 20/s; offered 30/s: the client's queue grows by 30 - 20 = 10 each second,
 * latency grows with it, service time stays 100 ms.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeRun } from '../../reports/analysis/analyze-run.js';
import { readRunDir } from '../../reports/run-dir/read-run-dir.js';
import { handMeta, type IntervalSpec, writeHandRun } from '../reports/snapshot-builder.js';

const root = await mkdtemp(join(tmpdir(), 'stampede-client-queue-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const OFFERED = 30;
const SERVED = 20; // 2 connections / 100 ms
const INTERVALS = 20;

function intervals(): IntervalSpec[] {
  return Array.from({ length: INTERVALS }, (_, i) => {
    const queued = (OFFERED - SERVED) * i; // in the client at the interval's start
    return {
      steps: [
        {
          step: 0,
          offered: OFFERED,
          // Waited behind the client's queue (queued / 20 per s), then 100 ms at the server.
          attempts: [{ cls: 'ok', n: SERVED, latencyMs: 100 + (1000 * queued) / SERVED, serviceMs: 100 }],
        },
      ],
      backlog: { atTarget: 2, inClient: (OFFERED - SERVED) * (i + 1), inBackoff: 0 },
    };
  });
}

describe('a queue in the client is not the target falling behind', async () => {
  const meta = handMeta({ steps: ['login'] });
  await writeHandRun(join(root, 'run'), meta, intervals());
  const run = await readRunDir(join(root, 'run'));

  it('finds no fall-behind; the backlog is in the client, 10 more each second', () => {
    expect(run.summary.fellBehind).toBeNull();
    expect(run.summary.backlog.peakAtTarget).toBe(2);
    expect(run.summary.backlog.peakInClient).toBe((OFFERED - SERVED) * INTERVALS); // 200
    expect(run.summary.steps['login']!.serviceMs.p99).toBeCloseTo(100, 0);
  });

  it('control: without gauges (the estimate cannot tell client from target) it is a fall-behind', () => {
    const rows = run.series.map((r) => ({ ...r, backlog: null }));
    const a = analyzeRun({ t0Ms: meta.t0Ms, intervalS: 1, steps: meta.steps, rows, outages: [] });
    // Onset at +0 s: 20 ok < 30 offered and the step's backlog grows by 10 >= max(2, 0.02 * 30).
    expect(a.fellBehind?.map((f) => [f.atS, f.reason, f.backlogGrowthPerS])).toEqual([[0, 'throughput', 10]]);
  });
});
