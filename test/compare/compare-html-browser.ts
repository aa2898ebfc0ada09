/**
 * Opens a compare.html in headless Chromium (playwright-core + /usr/bin/chromium, offline) and
 * reports what a reader would see: console problems, the requests made (the file only), the
 * verdict rows, the regressed figures, and how much ink each chart canvas got.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** What the page showed. */
export interface RenderedCompare {
  readonly problems: readonly string[];
  readonly requests: readonly string[];
  readonly rows: number;
  readonly regressedRows: readonly string[];
  /** Sampled inked pixels per canvas, in page order. */
  readonly canvases: readonly number[];
}

/** Renders `file`; null (with a warning) when there is no browser outside CI, which fails instead. */
export async function renderedCompareHtml(file: string): Promise<RenderedCompare | null> {
  if (!existsSync(CHROMIUM)) {
    if (process.env['CI'] === 'true') throw new Error(`${CHROMIUM} is missing; CI must install chromium`);
    console.warn(`compare html browser check skipped: ${CHROMIUM} is missing (apt-get install chromium)`);
    return null;
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'stampede-chromium-'));
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
    viewport: { width: 1200, height: 900 },
  });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForSelector('body[data-charts]', { timeout: 20_000 });
    // A string: this project compiles without the DOM library.
    const seen = (await page.evaluate(`(() => {
      const rows = [...document.querySelectorAll('#verdicts tbody tr')];
      const canvases = [...document.querySelectorAll('[data-chart] canvas')].map((canvas) => {
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let inked = 0;
        for (let i = 3; i < data.length; i += 4 * 7) if (data[i] > 0) inked++;
        return inked;
      });
      return {
        rows: rows.length,
        regressedRows: rows.filter((r) => r.classList.contains('regressed')).map((r) => r.children[1].textContent),
        canvases,
      };
    })()`)) as { rows: number; regressedRows: string[]; canvases: number[] };
    return { problems, requests, ...seen };
  } finally {
    await browser.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}
