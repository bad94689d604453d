import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cat1, ROOT } from '../helpers/cli.js';

const fixtures = readdirSync(join(ROOT, 'hardware-fixtures')).filter((f) => f.endsWith('.jsonl'));
const tmp = mkdtempSync(join(tmpdir(), 'cat1-decode-'));

// A log pasted from SSCOM (invented for this test, in SSCOM's style).
const SSCOM = [
  '[10:00:00.100]发→◇AT+ECMTOPEN=0,"broker.example.com",1883',
  '□',
  '[10:00:00.180]收←◆',
  'OK',
  '',
  '[10:00:01.250]收←◆',
  '+ECMTOPEN: 0,0',
  '',
  '[10:00:01.300]发→◇AT+ECMTCONN=0,"dev1","user","hunter2"',
  '□',
  '[10:00:01.380]收←◆',
  'OK',
  '',
  '[10:00:02.010]收←◆',
  '+ECMTCONN: 0,0,5',
  '',
].join('\r\n');

describe('cat1 decode', () => {
  it.each(fixtures)('prints the timeline of %s with meanings and a summary', async (f) => {
    const r = await cat1(['decode', join('hardware-fixtures', f)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/→ {2}AT\+(ECMT|QMT)/);
    expect(r.stdout).toContain('Summary');
  });

  it.each(fixtures)('--json on %s: every line parses and has the documented fields', async (f) => {
    const r = await cat1(['decode', '--json', join('hardware-fixtures', f)]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const events = lines.filter((l) => l['type'] !== 'summary');
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e).toHaveProperty('type');
      expect(e).toHaveProperty('raw');
      expect(e).toHaveProperty('t');
      expect(e).toHaveProperty('dir');
    }
    expect(lines.at(-1)).toMatchObject({ type: 'summary', format: 'transcript' });
  });

  it('explains a refused connect in a pasted SSCOM log, and masks the password', async () => {
    const file = join(tmp, 'sscom.log');
    writeFileSync(file, SSCOM);
    const r = await cat1(['decode', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\+ECMTCONN: 0,0,5 +broker refused: not authori[sz]ed/);
    expect(r.stdout).toMatch(/first failure at 1\.9\d+s/);
    expect(r.stdout).not.toContain('hunter2');
    const j = await cat1(['decode', '--json', file]);
    const conn = j.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e['type'] === 'ecmt-conn');
    expect(conn).toMatchObject({ connectId: 0, result: 0, retCode: 5, dir: 'rx', role: 'urc' });
    expect(typeof conn!['t']).toBe('number');
    expect(j.stdout).not.toContain('hunter2');
  });

  it('reads a log in GBK as SSCOM saves it on Chinese Windows', async () => {
    const file = join(tmp, 'sscom-gbk.log');
    const gbk = Buffer.from(
      SSCOM.replace(/发→◇/g, '\u0001').replace(/收←◆/g, '\u0002').replace(/□/g, '\u0003'),
      'utf8',
    );
    // encode the markers in GBK by hand: 发→◇ = b7 a2 a1 fa a1 f3, 收←◆ = ca d5 a1 fb a1 f4, □ = a1 f5
    const parts: Buffer[] = [];
    for (const b of gbk) {
      if (b === 1) parts.push(Buffer.from([0xb7, 0xa2, 0xa1, 0xfa, 0xa1, 0xf3]));
      else if (b === 2) parts.push(Buffer.from([0xca, 0xd5, 0xa1, 0xfb, 0xa1, 0xf4]));
      else if (b === 3) parts.push(Buffer.from([0xa1, 0xf5]));
      else parts.push(Buffer.from([b]));
    }
    writeFileSync(file, Buffer.concat(parts));
    const r = await cat1(['decode', '--json', file]);
    expect(r.code).toBe(0);
    const types = r.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { type: string; dir: string }));
    expect(types.filter((e) => e.type === 'command' && e.dir === 'tx')).toHaveLength(2);
  });

  it('explains in Chinese with --lang zh', async () => {
    const r = await cat1(['decode', '--lang', 'zh', join('hardware-fixtures', 'ecmtcon-spelling-refused.jsonl')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('未授权');
    expect(r.stdout).toContain('概要');
  });

  it('reads stdin with -', async () => {
    const r = await cat1(['decode', '-'], { input: 'AT+CSQ\r\n+CSQ: 23,99\r\nOK\r\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\+CSQ: 23,99 +signal -67 dBm/);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), /empty/],
    ['a binary file', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), /binary data/],
    ['a transcript with a broken line', Buffer.from('{"cat1":"transcript","version":1,"kind":"emulator","created":"x","redacted":true}\nnope\n{"t":0,"dir":"rx","text":"OK"}\n'), /:2: not valid JSON/],
    ['a text file that is not an AT log', Buffer.from('Dear team,\nplease find the report attached.\nRegards\n'), /does not look like an AT log/],
  ])('exits 2 with a one-line error on %s', async (_name, content, re) => {
    const file = join(tmp, `bad-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, content);
    const r = await cat1(['decode', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on a missing file and on a bad flag, without a stack trace', async () => {
    const a = await cat1(['decode', join(tmp, 'nope.jsonl')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/no such file/);
    const b = await cat1(['decode', 'x', '--frobnicate']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/Unknown argument: frobnicate/);
    expect(b.stderr).not.toMatch(/\n\s+at /);
  });
});
