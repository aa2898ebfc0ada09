import { CHROMIUM, haveChromium, withPageOf } from '../support/headless-chromium.js';

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
  if (!haveChromium) {
    if (process.env['CI'] === 'true') throw new Error(`${CHROMIUM} is missing; CI must install chromium`);
    console.warn(`compare html browser check skipped: ${CHROMIUM} is missing (apt-get install chromium)`);
    return null;
  }
  return await withPageOf(file, async ({ page, problems, requests }) => {
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
  });
}
