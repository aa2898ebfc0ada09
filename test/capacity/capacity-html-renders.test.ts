import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderCapacityHtml } from '../../harness/capacity/capacity-html.js';
import { buildCapacityReport, type CapacityProbe } from '../../harness/capacity/capacity-report.js';
import type { SloFigure } from '../../harness/capacity/capacity-search.js';
import { CHROMIUM, haveChromium, withPageOf } from '../support/headless-chromium.js';

const inCi = process.env['CI'] === 'true';

const root = await mkdtemp(join(tmpdir(), 'stampede-capacity-html-'));
afterAll(() => rm(root, { recursive: true, force: true }));

function slo(expr: string, actual: number, threshold: number, unit: string): SloFigure {
  const pass = actual < threshold;
  return { expr, op: '<', pass, actual, threshold, unit, step: 'reset-request', message: `${actual}${unit}` };
}

/** The token-bucket search's shape: 90 pass, 180 fail, ..., bracket [109.7, 111.1]. */
function report() {
  const rates = [90, 180, 135, 112.5, 101.3, 106.9, 109.7, 111.1];
  const errors = [0, 41.5, 21.7, 6.8, 0, 1.9, 4.6, 5.1];
  const probes: CapacityProbe[] = rates.map((r, i) => ({
    index: i + 1,
    ratePerS: r,
    phase: i < 2 ? 'growth' : 'bisect',
    valid: true,
    problems: [],
    pass: (errors[i] ?? 0) < 5,
    slos: [
      slo('* error-rate < 5%', errors[i] ?? 0, 5, '%'),
      slo('reset-request p99 < 250ms', 20 + (errors[i] ?? 0) * 10, 250, 'ms'),
    ],
    stepRatesPerS: { 'reset-request': r },
    runDir: `probe-0${i + 1}-${r}`,
    settle: i === 0 ? null : { method: 'metrics', settled: true, tookS: 0.2, detail: 'idle' },
    wallS: 3.4,
  }));
  return buildCapacityReport(
    {
      mode: 'real',
      profile: { name: '<script>alert(1)</script>', file: '/x.yaml' },
      target: 'http:<b>target</b>',
      startedAt: '2026-12-01T09:00:00.000Z',
      slos: ['* error-rate < 5%', 'reset-request p99 < 250ms'],
      settings: { minPerS: 90, maxPerS: 1000, precision: 0.02, probeS: 3, settleS: 1, workers: 1 },
      step: null,
      interrupted: false,
      wallS: 29,
    },
    {
      verdict: 'found',
      capacityPerS: 109.7,
      bracket: [109.7, 111.1],
      limiting: probes[7]!.slos[0]!,
      invalidAt: null,
    },
    probes,
  );
}

describe('capacity.html', () => {
  it('is self-contained and escapes what the run provides', () => {
    const html = renderCapacityHtml(report());
    expect(html).not.toMatch(/<script|<link|\s(src|href)=["']?https?:|url\(/i);
    expect(html).not.toContain('<b>target</b>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  });

  it.skipIf(!haveChromium && !inCi)(
    'renders one chart per SLO in headless Chromium, a point per probe, the bracket shaded',
    async () => {
      expect(haveChromium, `${CHROMIUM} is missing; CI must install chromium`).toBe(true);
      const file = join(root, 'capacity.html');
      await writeFile(file, renderCapacityHtml(report()));
      await withPageOf(
        file,
        async ({ page, problems, requests, url }) => {
          // Runs in the page; a string because this project compiles without the DOM library.
          const charts =
            (await page.evaluate(`(() => [...document.querySelectorAll('svg[data-chart]')].map((svg) => {
          const box = (el) => { const b = el.getBoundingClientRect(); return { x: b.x, w: b.width, h: b.height }; };
          const points = [...svg.querySelectorAll('circle[data-probe]')].map((c) => ({ ...box(c), fill: c.getAttribute('fill') }));
          const bracket = svg.querySelector('rect[data-bracket]');
          return { name: svg.dataset.chart, w: box(svg).w, points, bracket: bracket ? box(bracket) : null,
            threshold: svg.querySelector('line[data-threshold]') !== null };
        }))()`)) as {
              name: string;
              w: number;
              points: { x: number; w: number; h: number; fill: string }[];
              bracket: { x: number; w: number; h: number } | null;
              threshold: boolean;
            }[];
          expect(charts.map((c) => c.name)).toEqual([
            'slo:* error-rate < 5%',
            'slo:reset-request p99 < 250ms',
          ]);
          for (const c of charts) {
            expect(c.w).toBeGreaterThan(300);
            expect(c.points).toHaveLength(8);
            for (const p of c.points) expect(p.w * p.h).toBeGreaterThan(20);
            expect(c.threshold).toBe(true);
            // The bracket [109.7, 111.1] lies between the points of probes 7 (109.7) and 8 (111.1).
            const p7 = c.points[6]!;
            const p8 = c.points[7]!;
            expect(c.bracket).not.toBeNull();
            expect(Math.abs(c.bracket!.x - (p7.x + p7.w / 2))).toBeLessThan(1.5);
            expect(Math.abs(c.bracket!.x + c.bracket!.w - (p8.x + p8.w / 2))).toBeLessThan(1.5);
            expect(c.bracket!.h).toBeGreaterThan(100);
          }
          // Passing probes green, failing red.
          expect(charts[0]!.points.map((p) => p.fill === '#2a9d3f')).toEqual([
            true,
            false,
            false,
            false,
            true,
            true,
            true,
            false,
          ]);
          expect(problems).toEqual([]);
          expect(requests).toEqual([url]);
          await mkdir(new URL('../../.tmp/', import.meta.url), { recursive: true });
          await page.screenshot({
            path: new URL('../../.tmp/capacity.png', import.meta.url).pathname,
            fullPage: true,
          });
        },
        { width: 1100, height: 900 },
      );
    },
    60_000,
  );
});
