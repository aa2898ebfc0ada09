/**
 * Opens a self-contained HTML file in headless Chromium (playwright-core driving Debian's
 * /usr/bin/chromium, offline), collecting what a reader's console would show and every request
 * the page made, for the tests that check report.html, compare.html, capacity.html and
 * sweep.html render.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Whether the browser is installed (`.ci/run` installs it; elsewhere its tests may skip). */
export const haveChromium = existsSync(CHROMIUM);

/** A loaded page and what happened while it loaded. */
export interface OpenedPage {
  readonly page: Page;
  /** Console errors and warnings, and uncaught page errors. */
  readonly problems: string[];
  /** Every URL requested (a self-contained file requests only itself). */
  readonly requests: string[];
  readonly url: string;
}

/** Loads `file`, hands the page to `use`, and closes the browser whatever `use` does. */
export async function withPageOf<T>(
  file: string,
  use: (opened: OpenedPage) => Promise<T>,
  viewport = { width: 1200, height: 900 },
): Promise<T> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'stampede-chromium-'));
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport,
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
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });
    return await use({ page, problems, requests, url });
  } finally {
    await browser.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}
