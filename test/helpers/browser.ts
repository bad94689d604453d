import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

/**
 * Debian's chromium driven by playwright-core (no browser download: the system executable).
 * Tests that need it skip with a message naming it when it is absent.
 */
export const CHROMIUM = process.env['CAT1_CHROMIUM'] ?? '/usr/bin/chromium';

export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `chromium is not installed (${CHROMIUM}); apt-get install chromium`;
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}

export interface OpenedPage {
  page: Page;
  /** console errors and uncaught exceptions */
  errors: string[];
  /** every request that is not the page's own file */
  network: string[];
}

/** Open a report file and wait until its script has drawn the page. */
export async function openReport(browser: Browser, file: string, opts: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {}): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: opts.width ?? 1200, height: opts.height ?? 1000 }, colorScheme: opts.colorScheme ?? 'light' });
  const errors: string[] = [];
  const network: string[] = [];
  const url = `file://${file}`;
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    if (r.url() !== url) network.push(r.url());
  });
  await page.goto(url);
  await page.waitForSelector('html[data-ready]', { timeout: 20_000 });
  return { page, errors, network };
}

/**
 * The share of pixels of a PNG that differ from its top-left pixel, measured by the browser
 * itself (a canvas): 0 for a blank screenshot.
 */
export async function inkRatio(browser: Browser, png: Buffer): Promise<number> {
  const page = await browser.newPage();
  try {
    // a string: the test code is type-checked without the DOM library
    const script = `(async () => {
      const img = new Image();
      img.src = 'data:image/png;base64,${png.toString('base64')}';
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let diff = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - d[0]) + Math.abs(d[i + 1] - d[1]) + Math.abs(d[i + 2] - d[2]) > 30) diff++;
      return diff / (d.length / 4);
    })()`;
    return (await page.evaluate(script)) as number;
  } finally {
    await page.close();
  }
}
