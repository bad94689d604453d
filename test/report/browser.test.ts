/**
 * The HTML report in a real browser (Debian's chromium through playwright-core): the page of
 * a real `cat1 compare` run (the emulator on a pseudo-terminal, a mosquitto started here) and
 * of a decoded fixture. Oracles come from the transcript's bytes and the MQTT exchanges of the
 * protocol (ecmt.md §2), not from the renderer.
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { cat1, ROOT } from '../helpers/cli.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../helpers/mosquitto.js';
import { hasSocat } from '../helpers/pty.js';
import { chromiumMissing, inkRatio, launch, openReport } from '../helpers/browser.js';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';

/**
 * The AT lines of a transcript, counted from its bytes: each line the host wrote (a data-mode
 * payload, up to its Ctrl-Z, is one), and each line the module printed that starts a result
 * (OK, ERROR, +XXX:, the "> " prompt, a bare answer such as an IMEI) — the continuation
 * lines of a multi-line +ECMTRECV payload start with none of these.
 */
function atLines(jsonl: string): { tx: number; rx: number; commands: string[] } {
  const entries = jsonl.trim().split('\n').slice(1).map((l) => JSON.parse(l) as { dir: string; text?: string; b64?: string });
  let tx = '';
  let rx = '';
  for (const e of entries) {
    const s = e.text ?? (e.b64 ? Buffer.from(e.b64, 'base64').toString('latin1') : '');
    if (e.dir === 'tx') tx += s;
    else if (e.dir === 'rx') rx += s;
  }
  const txLines = tx.split(/\r|\x1a/).map((l) => l.replace(/^\n/, '')).filter((l) => l.trim() !== '');
  // a payload written after the prompt is one unit: join the pieces between "> " and Ctrl-Z
  const payloads = (tx.match(/\x1a/g) ?? []).length;
  const commands = txLines.filter((l) => /^AT/i.test(l.trim()));
  const rxLines = rx.split(/\r\n/).filter((l) => /^(OK|ERROR|\+[A-Z]+|>|\^|[0-9A-Za-z])/.test(l) && !/^\s/.test(l));
  return { tx: commands.length + payloads, rx: rxLines.length, commands };
}

// browser globals used inside page functions (the tests are type-checked without the DOM library)
declare const document: { querySelectorAll(selector: string): { length: number } };
declare function getComputedStyle(e: unknown): { fill: string };

const missing = chromiumMissing() ?? mosquittoMissing() ?? (hasSocat() ? null : 'socat is not installed (apt-get install socat)');
if (missing) console.warn(`skipping the HTML report browser tests: ${missing}`);

describe.skipIf(missing !== null)('the HTML report in chromium', () => {
  let browser: Browser;
  let broker: RunningMosquitto;
  let pty: PtyEmulator;
  const dir = mkdtempSync(join(tmpdir(), 'cat1-html-'));
  beforeAll(async () => {
    browser = await launch();
    broker = await startMosquitto({ users: { 'field-user': 'S3cret!pw' }, allowAnonymous: false });
    pty = await startPtyEmulator({ profile: 'ec616s' });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await pty?.stop();
    await broker?.stop();
  });

  it('a real compare run: one arrow per AT line and per expected MQTT packet, verdict visible, no console error, no network, screenshot and PDF', async () => {
    const html = join(dir, 'agree.html');
    const rec = join(dir, 'agree.jsonl');
    const r = await cat1(['compare', '--port', pty.path, '--broker', broker.url, '--client-id', 'html-dev-1', '--username', 'field-user', '--record', rec, '--html', html, '--json'], { env: { CAT1_PASSWORD: 'S3cret!pw' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`HTML report written to ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).not.toContain('S3cret!pw');
    expect(page).not.toContain('field-user');
    expect(Buffer.byteLength(page)).toBeLessThan(2 * 1024 * 1024);
    // nothing in the page could load anything: no src/href to anywhere, a CSP that forbids it
    expect(page).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(page).toContain("default-src 'none'");

    const { page: p, errors, network } = await openReport(browser, html);
    expect(errors).toEqual([]);
    expect(network).toEqual([]);
    const lines = atLines(readFileSync(rec, 'utf8'));
    const count = async (sel: string): Promise<number> => (await p.$$eval(sel, (els) => els.map((e) => Number(e.getAttribute('data-count'))))).reduce((a, b) => a + b, 0);
    expect(await count('g.ev[data-from="host"][data-to="module"]')).toBe(lines.tx);
    expect(await count('g.ev[data-from="module"][data-to="host"]')).toBe(lines.rx);
    // the module's MQTT session as the protocol has it for connect, subscribe, a QoS 1 publish
    // each way, disconnect (ecmt.md §2): written out, not computed
    const mqtt = (await p.$$eval('g.ev.k-mqtt', (els) => els.map((e) => e.querySelector('text.l')?.textContent ?? ''))).sort();
    expect(mqtt).toEqual(['CONNACK 0', 'CONNECT', 'DISCONNECT', 'PUBACK', 'PUBLISH', 'PUBLISH', 'SUBACK 1', 'SUBSCRIBE'].sort());
    // the direct client has its own lane
    expect(await p.locator('g.ev.k-direct').count()).toBeGreaterThan(0);
    expect(await p.locator('#lanes [data-lane="direct"]').isVisible()).toBe(true);
    // the verdict
    const json = JSON.parse(r.stdout.trim()) as { agree: boolean; verdict: { summary: string } };
    expect(json.agree).toBe(true);
    await expect(p.locator('#verdict .headline').textContent()).resolves.toBe('the two sides agree');
    expect(await p.locator('#verdict .summary').textContent()).toBe(json.verdict.summary);
    // a tooltip: the raw line and its explanation
    const tip = await p.locator('g.ev[data-kind="urc"] title').filter({ hasText: '+ECMTCONN: 0,0,0' }).first().textContent();
    expect(tip).toMatch(/\+ECMTCONN: 0,0,0\n.*accept/i);

    const shot = await p.screenshot({ fullPage: false });
    expect(await inkRatio(browser, shot)).toBeGreaterThan(0.02);
    const pdf = await p.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
    await p.close();
  }, 90_000);

  it('sides that differ: the first divergence is highlighted, each cause shows its evidence; the zh page renders Chinese; the screenshot is not blank', async () => {
    const anon = await startMosquitto({ allowAnonymous: true, extra: ['allow_zero_length_clientid false'] });
    try {
      for (const lang of ['en', 'zh'] as const) {
        const html = join(dir, `differ-${lang}.html`);
        const r = await cat1(['compare', '--port', pty.path, '--broker', anon.url, '--client-id', `html-dev-${lang}`, '--json', '--html', html, '--lang', lang]);
        expect(r.code, r.stderr).toBe(1);
        const json = JSON.parse(r.stdout.trim()) as { steps: Array<{ step: string; same: boolean }>; verdict: { summary: string; causes: Array<{ id: string; text: string; evidence: string[] }> } };
        const { page: p, errors, network } = await openReport(browser, html);
        expect(errors).toEqual([]);
        expect(network).toEqual([]);
        // the first step that differs, by the report's own table
        const firstStep = json.steps.find((s) => !s.same)!.step;
        expect(await p.locator('#steps tr.div').getAttribute('data-step')).toBe(firstStep);
        expect(firstStep).toBe('connect');
        // on the diagram: the module's AT+ECMTCONN (and its result) and the direct client's CONNECT
        const div = await p.$$eval('g.ev.div', (els) => els.map((e) => `${e.getAttribute('data-kind')}|${e.querySelector('title')?.textContent ?? ''}`));
        expect(div.some((d) => /^command\|AT\+ECMTCONN=/.test(d))).toBe(true);
        expect(div.some((d) => /^direct\|connect/.test(d))).toBe(true);
        const band = p.locator('g.ev.div rect.band').first();
        expect(await band.evaluate((e) => getComputedStyle(e).fill)).not.toBe('rgba(0, 0, 0, 0)');
        // every cause and every piece of evidence is on the page, visible
        expect(json.verdict.causes.length).toBeGreaterThan(0);
        for (const c of json.verdict.causes) {
          const li = p.locator(`li.cause[data-cause="${c.id}"]`);
          await expect(li.isVisible()).resolves.toBe(true);
          expect(await li.locator('div').first().textContent()).toContain(c.text);
          expect(c.evidence.length).toBeGreaterThan(0);
          for (const e of c.evidence) await expect(li.locator('ul.evidence li', { hasText: e }).first().isVisible()).resolves.toBe(true);
        }
        if (lang === 'zh') {
          expect(await p.getAttribute('html', 'lang')).toBe('zh-CN');
          const headline = (await p.locator('#verdict .headline').textContent()) ?? '';
          expect(headline).toBe('两边不同');
          expect(await p.locator('#lanes [data-lane="module"]').textContent()).toBe('模组（AT）');
          // the page is drawn (with the CJK font .ci/run installs, the characters themselves)
          const shot = await p.screenshot();
          expect(await inkRatio(browser, shot)).toBeGreaterThan(0.02);
        } else {
          const shot = await p.screenshot({ fullPage: false });
          expect(await inkRatio(browser, shot)).toBeGreaterThan(0.02);
          // the README's picture: made by this test when asked (CAT1_SCREENSHOT=docs/report.png)
          const out = process.env['CAT1_SCREENSHOT'];
          if (out) {
            const path = join(ROOT, out);
            mkdirSync(dirname(path), { recursive: true });
            writeFileSync(path, await p.screenshot({ fullPage: true, clip: { x: 0, y: 0, width: 1200, height: 1750 } }));
          }
        }
        await p.close();
      }
    } finally {
      await anon.stop();
    }
  }, 120_000);

  it('a decoded fixture: one arrow per command of its hand-written expectations, the MQTT packets the protocol implies, filter and search work', async () => {
    const fixture = join(ROOT, 'hardware-fixtures', 'emulator-healthy-session.jsonl');
    const expectJ = JSON.parse(readFileSync(fixture.replace(/\.jsonl$/, '.expect.json'), 'utf8')) as { commands: Array<{ command: string }> };
    const html = join(dir, 'fixture.html');
    const r = await cat1(['decode', fixture, '--html', html]);
    expect(r.code, r.stderr).toBe(0);
    const { page: p, errors, network } = await openReport(browser, html);
    expect(errors).toEqual([]);
    expect(network).toEqual([]);
    const cmds = await p.$$eval('g.ev.k-command title', (els) => els.map((e) => (e.textContent ?? '').split('\n')[0]));
    expect(cmds).toEqual(expectJ.commands.map((c) => c.command));
    const lines = atLines(readFileSync(fixture, 'utf8'));
    expect(await p.locator('g.ev[data-from="module"][data-to="host"]').count()).toBe(lines.rx);
    // open, connect, subscribe (QoS 1), a QoS 1 and a QoS 0 publish both delivered back, unsubscribe, disconnect
    const mqtt = (await p.$$eval('g.ev.k-mqtt', (els) => els.map((e) => e.querySelector('text.l')?.textContent ?? ''))).sort();
    expect(mqtt).toEqual(['CONNECT', 'CONNACK 0', 'SUBSCRIBE', 'SUBACK 1', 'PUBLISH', 'PUBACK', 'PUBLISH', 'PUBLISH', 'PUBLISH', 'UNSUBSCRIBE', 'UNSUBACK', 'DISCONNECT'].sort());
    // filter: only the URCs
    for (const cat of ['command', 'response', 'message', 'note']) await p.locator(`input[data-cat="${cat}"]`).uncheck();
    const urcs = await p.$$eval('g.ev', (els) => els.map((e) => e.getAttribute('data-kind')));
    expect(urcs.length).toBeGreaterThan(0);
    expect(new Set(urcs)).toEqual(new Set(['urc']));
    for (const cat of ['command', 'response', 'message', 'note']) await p.locator(`input[data-cat="${cat}"]`).check();
    // search: what matches "ECMTSUB" (raw lines or meanings)
    await p.locator('#q').fill('ecmtsub');
    await p.waitForFunction(() => document.querySelectorAll('#tl .row[data-i]').length < 10);
    const found = await p.$$eval('#tl .row[data-i] .raw', (els) => els.map((e) => e.textContent ?? ''));
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(f).toMatch(/ECMTSUB/);
    await p.close();
  }, 60_000);

  it('repeated publish runs fold into one row with a count, which expands on a click', async () => {
    // 40 identical publish cycles (the shape of a telemetry loop) after a connect
    const L: string[] = [JSON.stringify({ cat1: 'transcript', version: 1, kind: 'vendor-example', created: '2026-12-01T00:00:00.000Z', redacted: true, timing: 'recorded' })];
    let t = 0;
    const e = (dir: string, text: string): void => {
      t += 0.05;
      L.push(JSON.stringify({ t: Math.round(t * 1000) / 1000, dir, text }));
    };
    e('tx', 'AT+ECMTOPEN=0,"broker.example.com",1883\r');
    e('rx', '\r\nOK\r\n\r\n+ECMTOPEN: 0,0\r\n');
    for (let i = 1; i <= 40; i++) {
      e('tx', `AT+ECMTPUB=0,${i},1,0,"dev/telemetry","{\\"n\\":${i}}"\r`);
      e('rx', '\r\nOK\r\n');
      e('rx', `\r\n+ECMTPUB: 0,${i},0\r\n`);
    }
    const src = join(dir, 'loop.jsonl');
    writeFileSync(src, L.join('\n') + '\n');
    const html = join(dir, 'loop.html');
    const r = await cat1(['report', src, '-o', html]);
    expect(r.code, r.stderr).toBe(0);
    const { page: p, errors } = await openReport(browser, html);
    expect(errors).toEqual([]);
    const grp = p.locator('g.grp');
    expect(await grp.count()).toBe(1);
    // 40 cycles of 5 arrows (command, PUBLISH, OK, +ECMTPUB, PUBACK): the first shown, 39 folded
    expect(await grp.getAttribute('data-repeats')).toBe('39');
    expect(await grp.getAttribute('data-count')).toBe(String(39 * 5));
    const before = await p.locator('g.ev').count();
    await grp.click();
    await p.waitForFunction(() => document.querySelectorAll('g.grp').length === 0);
    expect(await p.locator('g.ev').count()).toBe(before + 39 * 5);
    await p.close();
  }, 60_000);
});
