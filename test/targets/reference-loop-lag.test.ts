/**
 * The reference server's event-loop lag on its /metrics (targets/reference/loop-lag.ts): the
 * server runs in this process, so blocking this thread for D ms blocks the server's loop for D ms,
 * and the 1 ms timer that measures it comes due inside the block: it runs at least D - 1 ms late.
 * Truths, each a lower bound (a loaded machine only adds lag; nothing bounds it from above):
 * - one block: lag max >= D - 1 ms (resolution 1 ms);
 * - k blocks 10 ms apart, after 20 ms idle: at most one timer run a ms, 20 + 10·k + k runs plus
 *   the few ms of the server's start and the scrape, of which k are D - 1 ms late: k = 5 gives
 *   5 of ~75-150 runs, over 1 %, so p99 >= D - 1 ms (it would take 500 runs to fall to 1 %). A
 *   loaded machine runs the timer fewer times between blocks, which only raises that share.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { REFERENCE_DEFAULTS } from '../../targets/reference/reference-config.js';
import { listenReferenceWithSink, type ReferenceWithSink } from './reference-with-sink.js';

const servers: ReferenceWithSink[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function gauges(base: string): Promise<Record<string, number>> {
  const res = await request(`${base}/metrics`);
  const out: Record<string, number> = {};
  for (const line of (await res.body.text()).split('\n')) {
    const m = /^(stampede_ref_event_loop_lag_\w+) (\S+)$/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

const block = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // the server's loop is this loop: held for `ms`
  }
};

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('reference server: event-loop lag on /metrics', () => {
  const start = async (): Promise<ReferenceWithSink> => {
    const s = await listenReferenceWithSink({ ...REFERENCE_DEFAULTS, hashCost: 0, accounts: 10 });
    servers.push(s);
    return s;
  };

  for (const D of [25, 60]) {
    it(`a ${D} ms block of the server's loop shows as a lag max of at least ${D - 1} ms`, async () => {
      const s = await start();
      await pause(20);
      block(D);
      await pause(20);
      const g = await gauges(s.url);
      // max >= D - resolution (the timer came due inside the block)
      expect(g['stampede_ref_event_loop_lag_max_seconds']! * 1000).toBeGreaterThanOrEqual(D - 1);
    });

    it(`five ${D} ms blocks 10 ms apart show as a lag p99 of at least ${D - 1} ms`, async () => {
      const s = await start();
      await pause(20);
      for (let k = 0; k < 5; k++) {
        block(D);
        await pause(10);
      }
      const g = await gauges(s.url);
      // 5 of ~75-150 timer runs are D - 1 ms late: > 1 %, so p99 >= D - 1
      expect(g['stampede_ref_event_loop_lag_p99_seconds']! * 1000).toBeGreaterThanOrEqual(D - 1);
    });
  }
});
