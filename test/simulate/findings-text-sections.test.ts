/**
 * The findings text of a simulation, section by section, from findings built by hand: every
 * region gets its fall-behind line and one line per take-down (drained after n s, or never), the
 * run's take-downs their backlog and 503 count, metastability a header that reads either way, and
 * an in-flight cap a line of its own.
 */
import { describe, expect, it } from 'vitest';
import type { SimulationFindings } from '../../harness/simulate/simulation-findings.js';
import { findingsText } from '../../harness/simulate/simulation-findings.js';
import type { FellBehind, TakeDown } from '../../reports/run-dir/summary.js';

const behind = (atS: number, recoveredAtS: number | null): FellBehind => ({
  step: 'reset-request',
  atS,
  at: '',
  offeredRatePerS: 450,
  achievedRatePerS: 400,
  reason: 'throughput',
  p99BeforeMs: 0,
  p99AfterMs: 0,
  p99PeakMs: 0,
  peakBacklog: 0,
  backlogGrowthPerS: 0,
  recoveredAtS,
});
const down = (
  name: string,
  startS: number,
  drainS: number | null,
  inBackoffAtEnd: number | null = null,
): TakeDown => ({
  name,
  startS,
  endS: startS + 1800,
  backlogAtStart: 12345,
  inBackoffAtEnd,
  responses503: 67890,
  drainS,
});

const base: SimulationFindings = {
  regions: [
    { region: 'americas', fellBehind: behind(600, 7200), takedowns: [down('americas-drain', 4500, 40)] },
    { region: 'japan', fellBehind: null, takedowns: [down('japan-drain', 17400, null)] },
  ],
  takedowns: [down('americas-drain', 4500, 40), down('japan-drain', 17400, null)],
  backlogs: [
    {
      name: 'japan-drain',
      inBackoffAtStart: 10,
      inBackoffAtEnd: 1234567,
      adminQueueAtStart: 200,
      adminQueueAtEnd: 0,
      outboxAtStart: 60250,
      outboxAtEnd: null,
    },
  ],
  metastable: [],
  fallBehindOnsetS: 600,
  peakBacklog: 1000,
  retryAmplification: 2,
  goodput: 0.5,
  sessions: 1000,
  dropped: 0,
  alarmsFired: 10,
  wallS: 1,
};

describe('findings text', () => {
  it('says per region when the pool fell behind and whether each take-down drained', () => {
    const text = findingsText(base);
    // 600 s = 0:10:00, 7200 s = 2:00:00.
    expect(text).toContain(
      '  americas   fell behind at 0:10:00 (450/s new requests offered, 400/s ok), kept up again: 2:00:00',
    );
    expect(text).toContain('             take-down americas-drain: drained 40 s after its end');
    expect(text).toContain('  japan      kept up');
    expect(text).toContain('             take-down japan-drain: the backlog never drained');
    // 4500 s = 1:15:00, + 1800 s = 1:45:00.
    expect(text).toContain(
      '  americas-drain   1:15:00-1:45:00: backlog 12,345 at its start, 67,890 x 503; drained 40 s after its end',
    );
    // 17400 s = 4:50:00; under it the backlogs at its start / end ('-': no such gauge).
    expect(text).toContain(
      '  japan-drain      4:50:00-5:20:00: backlog 12,345 at its start, 67,890 x 503; the backlog never drained\n' +
        '                   10 / 1,234,567 users in backoff, admin queue 200 / 0, mail outbox 60,250 / - (at its start / end)\n',
    );
    expect(text).toContain('Metastability: no step stayed degraded below the load it had sustained');
    expect(text).not.toContain('IN-FLIGHT CAP');
  });

  it('heads the metastable steps and names the in-flight cap', () => {
    const text = findingsText({
      ...base,
      metastable: [
        { step: 'reset-confirm', atS: 6300, after: 'take-down', offeredRatePerS: 80, sustainedRatePerS: 100 },
      ],
      dropped: 250,
    });
    expect(text).toContain('Metastability: steps that stayed degraded below the load they had sustained\n');
    expect(text).toContain('  METASTABLE reset-confirm from 1:45:00 after a take-down');
    // 250 of 1000 arrivals = 25.0 %.
    expect(text).toContain('IN-FLIGHT CAP: 250 of the arrivals (25.0 %) were turned away');
  });
});
