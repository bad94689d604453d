import { describe, expect, it } from 'vitest';
import { renderReport, buildModel } from '../../src/report/index.js';
import type { TranscriptEntry } from '../../src/recording/types.js';

const rx = (t: number, s: string): TranscriptEntry => ({ t, dir: 'rx', data: Buffer.from(s, 'latin1') });
const tx = (t: number, s: string): TranscriptEntry => ({ t, dir: 'tx', data: Buffer.from(s, 'latin1') });

/** A session recorded with --log-secrets: credentials, IMSI and ICCID in clear. */
const clear: TranscriptEntry[] = [
  tx(0.1, 'AT+CIMI\r'),
  rx(0.2, '\r\n460001234567890\r\n\r\nOK\r\n'),
  tx(0.3, 'AT+ECICCID\r'),
  rx(0.4, '\r\n+ECICCID: 89860012345678901234\r\n\r\nOK\r\n'),
  tx(0.5, 'AT+ECMTOPEN=0,"broker.example.com",1883\r'),
  rx(0.6, '\r\nOK\r\n\r\n+ECMTOPEN: 0,0\r\n'),
  tx(0.7, 'AT+ECMTCONN=0,"dev-1","alice-user","pw-Secret-99"\r'),
  rx(0.8, '\r\nOK\r\n\r\n+ECMTCONN: 0,0,5\r\n'),
];

describe('renderReport (library API)', () => {
  it('masks credentials, IMSI and ICCID of a session that holds them in clear, and a known secret anywhere; shows them only with logSecrets', () => {
    const html = renderReport({ header: null, entries: clear }, { secrets: ['dev-1'] });
    for (const v of ['460001234567890', '89860012345678901234', 'alice-user', 'pw-Secret-99', '"dev-1"']) expect(html).not.toContain(v);
    expect(html).toContain('AT+ECMTCONN=0,\\"*****\\",\\"**********\\",\\"************\\"');
    const open = renderReport({ header: null, entries: clear }, { logSecrets: true });
    for (const v of ['460001234567890', 'alice-user', 'pw-Secret-99']) expect(open).toContain(v);
  });

  it('a bare session: the first failure is the refused CONNACK (+ECMTCONN: 0,0,5), the implied packets are CONNECT and CONNACK 5', () => {
    const m = buildModel({ header: null, entries: clear });
    expect(m.events[m.firstDivergence]?.raw).toBe('+ECMTCONN: 0,0,5');
    expect(m.events.filter((e) => e.kind === 'mqtt').map((e) => e.label)).toEqual(['CONNECT', 'CONNACK 5']);
    expect(m.header.broker).toBe('mqtt://broker.example.com:1883');
    expect(m.verdict?.ok).toBeNull();
  });

  it('a saved compare --json report renders its causes with their evidence, generically (an unknown cause id and a "not-run" step status too)', () => {
    const saved = {
      type: 'compare-report',
      agree: false,
      broker: { host: 'b.example', port: 1883, tls: false },
      profile: 'ec616s',
      steps: [
        { step: 'open', module: { ok: true, code: 0, detail: 'opened', latencyMs: 5 }, direct: { ok: true, code: 0, detail: 'tcp ok', latencyMs: 3 }, same: true },
        { step: 'connect', module: { ok: false, code: 5, detail: 'not authorised', latencyMs: 9 }, direct: { ok: true, code: 0, detail: 'accepted', latencyMs: 4 }, same: false },
        { step: 'subscribe', module: { ok: false, code: null, detail: 'not run', latencyMs: null, status: 'not-run' }, direct: { ok: false, code: null, detail: 'not run', latencyMs: null, status: 'not-run' }, same: false },
      ],
      verdict: { summary: 'they differ at connect', causes: [{ id: 'some-future-cause', text: 'a cause this renderer has never heard of', confidence: 0.4, evidence: ['fact one', 'fact two'] }] },
      lint: [],
      brokerLog: [],
    };
    const html = renderReport(saved, { lang: 'en' });
    expect(html).toContain('data-cause="some-future-cause"');
    expect(html).toContain('<li>fact one</li><li>fact two</li>');
    expect(html).toMatch(/<tr class="div" data-step="connect">/);
    expect(html).toMatch(/data-step="subscribe"><td><code>subscribe<\/code><\/td><td><span class="skip">– not run/);
  });

  it('the page loads nothing: no external URL in any src or href, a CSP of default-src none', () => {
    const html = renderReport({ header: null, entries: clear }, { lang: 'zh' });
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="zh-CN">/);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/);
  });
});
