/**
 * A small hand-built version-2 run for the renderers' golden files and the browser test: two
 * steps of one flow, a planned outage answering 503 with sessions in backoff, one target-code
 * error (the run is invalid), retries, dropped arrivals, gauges and a user wait far above the
 * latency in one interval.
 */
import type { Summary } from '../../reports/run-dir/summary.js';
import { handMeta, type IntervalSpec, okStep, writeHandRun } from './snapshot-builder.js';

/** Writes the run into `dir`. */
export async function writeHandBuiltV2(dir: string): Promise<Summary> {
  const meta = handMeta({
    steps: ['login', 'reset-request'],
    flows: [{ name: 'reset', steps: ['login', 'reset-request'] }],
    outages: [{ name: 'eu-maintenance', startS: 4, durationS: 2, regions: ['eu'] }],
  });
  const spec = (i: number): IntervalSpec => {
    const down = i === 4 || i === 5;
    return {
      arrivals: 22,
      dropped: 2,
      completed: 20,
      succeeded: down ? 0 : 19,
      flows: { reset: { arrivals: 22, dropped: 2, completed: 20, succeeded: down ? 0 : 19 } },
      backlog: { atTarget: down ? 0 : 2, inClient: 0, inBackoff: down ? 20 : 0 },
      health: { loopDelayP99Us: 1200, busy: 0.2 },
      latenessMs: [0.1, 0.3],
      ...(i === 2 ? { targetErrors: { 'interpret: no token in body': 1 } } : {}),
      steps: down
        ? [{ step: 0, offered: 20, attempts: [{ cls: '503', n: 20, latencyMs: 1 }], finals: [] }]
        : [
            okStep(0, 20, 4),
            {
              step: 1,
              // 19 new + 1 retry of the previous 503 (+1 whose target code threw in interval 2).
              offered: i === 2 ? 21 : 20,
              retries: 1,
              attempts: [
                { cls: 'ok', n: 19, latencyMs: 30, serviceMs: 25 },
                { cls: '503', n: 1, latencyMs: 2 },
                ...(i === 2 ? [{ cls: 'target-error', n: 1, latencyMs: 0 }] : []),
              ],
              finals: [
                { cls: 'ok', n: 19, waitMs: i === 6 ? 2500 : 30 },
                ...(i === 2 ? [{ cls: 'target-error', n: 1, waitMs: 0 }] : []),
              ],
            },
          ],
    };
  };
  return writeHandRun(
    dir,
    meta,
    Array.from({ length: 10 }, (_, i) => spec(i)),
  );
}
