import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../reports/render/render-html.js';
import { CHROMIUM, haveChromium, withPageOf } from '../support/headless-chromium.js';
import { writeHandBuiltV2 } from './hand-built-v2.js';
import { buildSyntheticRun } from './synthetic-run.js';

const inCi = process.env['CI'] === 'true';
if (!haveChromium && !inCi) {
  console.warn(
    `html report browser test skipped: ${CHROMIUM} is missing (apt-get install chromium); CI fails instead`,
  );
}

const root = await mkdtemp(join(tmpdir(), 'stampede-html-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('report.html', () => {
  it('is self-contained: no external reference, uPlot inlined, run strings escaped', async () => {
    const { writer } = await buildSyntheticRun(join(root, 'static'), { intervals: 8 });
    const html = await readFile(join(writer.dir, 'report.html'), 'utf8');
    // uPlot's licence comment names its repository; no element may point anywhere, though.
    expect(html).not.toMatch(
      /<script[^>]+src=|<link[^>]+href=|\s(src|href)=["']?https?:|url\(\s*["']?https?:/i,
    );
    expect(html).toContain('uPlot');
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      '&#60;img src=x onerror=&#34;a(&#39;b&#39;)&#34;&#62;&#38;',
    );
  });
});

/** Charts found on the page, and what went wrong while it rendered. */
interface Rendered {
  readonly drawn: number;
  readonly out: { name: string; canvases: number; inked: number }[];
  readonly problems: string[];
  readonly requests: string[];
  readonly url: string;
}

/** Opens `file` in headless Chromium (offline), reads back every chart, saves a screenshot. */
async function renderInChromium(file: string, screenshot: string): Promise<Rendered> {
  return await withPageOf(file, async ({ page, problems, requests, url }) => {
    await page.waitForSelector('body[data-charts]', { timeout: 10_000 });
    // Runs in the page; a string because this project compiles without the DOM library.
    const charts = (await page.evaluate(`(() => {
      const out = [];
      for (const el of document.querySelectorAll('[data-chart]')) {
        const canvas = el.querySelector('canvas');
        let inked = 0;
        if (canvas !== null) {
          const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
          // Sample every 7th pixel: count the ones something was drawn on (alpha > 0).
          for (let i = 3; i < data.length; i += 4 * 7) if (data[i] > 0) inked++;
        }
        out.push({ name: el.dataset.chart, canvases: el.querySelectorAll('canvas').length, inked });
      }
      return { drawn: Number(document.body.dataset.charts), out };
    })()`)) as { drawn: number; out: { name: string; canvases: number; inked: number }[] };
    await mkdir(new URL('../../.tmp/', import.meta.url), { recursive: true });
    await page.screenshot({
      path: new URL(`../../.tmp/${screenshot}`, import.meta.url).pathname,
      fullPage: true,
    });
    return { ...charts, problems, requests, url };
  });
}

function expectClean(r: Rendered, names: readonly string[]): void {
  expect(r.out.map((c) => c.name)).toEqual(names);
  expect(r.drawn).toBe(names.length);
  for (const c of r.out) {
    expect(c.canvases, c.name).toBe(1);
    expect(c.inked, c.name).toBeGreaterThan(200);
  }
  expect(r.problems).toEqual([]);
  expect(r.requests).toEqual([r.url]);
}

// In CI a missing browser is a failure, not a skip: the report must be proven to render.
describe.skipIf(!haveChromium && !inCi)('report.html in headless Chromium', () => {
  it('renders every chart offline, without errors', async () => {
    expect(haveChromium, `${CHROMIUM} is missing; CI must install chromium`).toBe(true);
    const { writer } = await buildSyntheticRun(join(root, 'browser'));
    const r = await renderInChromium(join(writer.dir, 'report.html'), 'report.png');
    // 3 step timelines + distribution + outcomes + backlog (the cumulative estimate: no gauges)
    // + user wait + target metrics.
    expectClean(r, [
      'step:login',
      'step:reset-request',
      'step:await-mail',
      'distribution',
      'outcomes',
      'backlog',
      'user-wait',
      'metrics',
    ]);
  });

  it('draws the backlog gauges and the user wait of a version-2 run', async () => {
    expect(haveChromium, `${CHROMIUM} is missing; CI must install chromium`).toBe(true);
    await writeHandBuiltV2(join(root, 'v2'));
    const r = await renderInChromium(join(root, 'v2', 'report.html'), 'report-v2.png');
    expectClean(r, ['step:login', 'step:reset-request', 'distribution', 'outcomes', 'backlog', 'user-wait']);
  });
});
