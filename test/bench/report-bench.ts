import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReport } from '../../src/report/index.js';
import type { TranscriptEntry } from '../../src/recording/types.js';

/**
 * A session of about `items` timeline items: a device that polls signal and registration and
 * publishes telemetry, in a pseudo-random order (so the diagram's folding of repeated runs
 * does not hide most of it: the page must stay fast on rows it really draws).
 */
export function longSession(items: number, seed = 7): TranscriptEntry[] {
  let s = seed;
  const rnd = (n: number): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
  const out: TranscriptEntry[] = [];
  let t = 0;
  const e = (dir: 'tx' | 'rx', text: string): void => {
    t += 0.01 + rnd(50) / 1000;
    out.push({ t: Math.round(t * 1000) / 1000, dir, data: Buffer.from(text, 'latin1') });
  };
  e('tx', 'AT+ECMTOPEN=0,"broker.example.com",1883\r');
  e('rx', '\r\nOK\r\n\r\n+ECMTOPEN: 0,0\r\n');
  e('tx', 'AT+ECMTCONN=0,"bench-dev","user","pass"\r');
  e('rx', '\r\nOK\r\n\r\n+ECMTCONN: 0,0,0\r\n');
  let n = 0;
  let id = 1;
  while (n < items) {
    switch (rnd(5)) {
      case 0:
        e('tx', 'AT+CSQ\r');
        e('rx', `\r\n+CSQ: ${10 + rnd(20)},99\r\n\r\nOK\r\n`);
        n += 3;
        break;
      case 1:
        e('tx', 'AT+CEREG?\r');
        e('rx', `\r\n+CEREG: 0,${rnd(4) === 0 ? 5 : 1}\r\n\r\nOK\r\n`);
        n += 3;
        break;
      case 2:
      case 3: {
        const msg = (id++ % 65535) + 1;
        e('tx', `AT+ECMTPUB=0,${msg},1,0,"dev/telemetry","{\\"t\\":${rnd(400)},\\"n\\":${msg}}"\r`);
        e('rx', '\r\nOK\r\n');
        e('rx', `\r\n+ECMTPUB: 0,${msg},${rnd(50) === 0 ? 2 : 0}\r\n`);
        n += 3;
        break;
      }
      default:
        e('rx', `\r\n+ECMTRECV: 0,${rnd(100)},"dev/cmd","{\\"set\\":${rnd(9)}}"\r\n`);
        n += 1;
    }
  }
  return out;
}

/** Render the page of a long session and load it in headless chromium; the times in seconds. */
export async function reportPage(items: number, dir: string, executablePath = '/usr/bin/chromium'): Promise<{ renderS: number; loadS: number; bytes: number; rows: number; scrolledRows: number }> {
  const entries = longSession(items);
  const t0 = performance.now();
  const html = renderReport({ header: null, entries }, { lang: 'en' });
  const renderS = (performance.now() - t0) / 1000;
  const file = join(dir, 'long.html');
  writeFileSync(file, html);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    const t1 = performance.now();
    await page.goto(`file://${file}`);
    await page.waitForSelector('html[data-ready]', { timeout: 60_000 });
    const loadS = (performance.now() - t1) / 1000;
    const rows = await page.locator('svg#dia g.ev').count();
    // scroll to the middle: the rows there are drawn
    await page.evaluate('(() => { const s = document.getElementById("dia-scroll"); s.scrollTop = s.scrollHeight / 2; s.dispatchEvent(new Event("scroll")); })()');
    await page.waitForFunction('Number(document.querySelector("svg#dia g.ev")?.getAttribute("data-i")) > 1000');
    const scrolledRows = await page.locator('svg#dia g.ev').count();
    return { renderS, loadS, bytes: Buffer.byteLength(html), rows, scrolledRows };
  } finally {
    await browser.close();
  }
}
