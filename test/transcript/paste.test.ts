import { describe, expect, it } from 'vitest';
import { detectGutter, numberPrefix, parseCat1Line, splitGarbage, splitModuleNote, stripAnsi, stripGutter } from '../../src/transcript/paste.js';
import { importTextLog, looksLikeAtLog } from '../../src/transcript/import.js';
import { readLogLines } from '../../src/transcript/log-lines.js';
import type { DataEntry, TranscriptEntry } from '../../src/recording/types.js';

describe('splitModuleNote: a note after a line the module printed', () => {
  const cut: Array<[string, string, string]> = [
    ['+ECMTCONN: 0,0,5  ← 认证失败', '+ECMTCONN: 0,0,5', '← 认证失败'],
    ['+ECMTOPEN: 0,0   // link up', '+ECMTOPEN: 0,0', '// link up'],
    ['OK   ← 成功', 'OK', '← 成功'],
    ['+ECMTCONN: 0,2,2  // MQTT连接失败', '+ECMTCONN: 0,2,2', '// MQTT连接失败'],
    ['OK <-- ok', 'OK', '<-- ok'],
    ['+ECMTSTAT: 0,1 (掉线)', '+ECMTSTAT: 0,1', '(掉线)'],
    ['+ECMTSTAT: 0,1（掉线）', '+ECMTSTAT: 0,1', '（掉线）'],
    ['ERROR ;; bad quotes', 'ERROR', ';; bad quotes'],
    ['ERROR -- why', 'ERROR', '-- why'],
    ['+CME ERROR: 10 (SIM not inserted)', '+CME ERROR: 10', '(SIM not inserted)'],
    ['+CSQ: 24,99   signal ok', '+CSQ: 24,99', 'signal ok'],
    ['+CEREG: 0,1  注册成功', '+CEREG: 0,1', '注册成功'],
    ['RDY  # power on', 'RDY', '# power on'],
    ['OK→ fine', 'OK', '→ fine'],
  ];
  it.each(cut)('%s', (line, text, note) => {
    expect(splitModuleNote(line)).toEqual({ text, note });
  });

  const kept: Array<[string, string]> = [
    ['a +ECMTRECV payload holds any marker', '+ECMTRECV: 0,0,"t",a  // b  <-- c (d)'],
    ['lower-case +ecmtrecv too', '+ecmtrecv: 0,0,"t",x  // y'],
    ['a marker inside quotes', '+ECMTCFG: "will",0,"a // b"'],
    ['an unknown family', '+XYZ: 1,2  // note'],
    ['an identity answer', 'EC616S  // model'],
    ['SEND OK is no known frame', 'SEND OK  // sent'],
    ['a comment marker without whitespace', 'OK//x'],
    ['a plain final', 'OK'],
    ['a URC whose part before the marker is not a frame', '+ECMTCONN: 0, // 0,5'],
  ];
  it.each(kept)('keeps the line whole: %s', (_why, line) => {
    expect(splitModuleNote(line)).toBeNull();
  });

  it('never cuts a raw +ECMTRECV payload in an imported log, even on lines that look like finals', () => {
    const r = importTextLog(['AT', 'OK', '+ECMTRECV: 0,0,"t",line one  // not a note', 'OK <-- still payload?', '+ECMTSTAT: 0,1  ← 掉线'].join('\n'));
    const rx = r.entries.filter((e): e is DataEntry => e.dir === 'rx');
    const all = Buffer.concat(rx.map((e) => e.data)).toString('utf8');
    expect(all).toContain('line one  // not a note\r\nOK <-- still payload?\r\n');
    // the URC that ends the payload is cut (it ends the payload either way)
    expect(all).toContain('+ECMTSTAT: 0,1\r\n');
    expect(rx.flatMap((e) => e.notes ?? []).map((n) => n.text)).toEqual(['← 掉线']);
  });
});

describe('line numbers and editor gutters', () => {
  const shapes: Array<[string, number, string, string]> = [
    ['1  AT+CSQ', 1, ' ', 'AT+CSQ'],
    ['   1: AT+CSQ', 1, ':', 'AT+CSQ'],
    ['0012  OK', 12, ' ', 'OK'],
    ['12| +ECMTRECV: 0,0,"t",x', 12, '|', '+ECMTRECV: 0,0,"t",x'],
    ['  7 │ OK', 7, '│', 'OK'],
  ];
  it.each(shapes)('%s', (line, n, sep, rest) => {
    const p = numberPrefix(line);
    expect(p && { n: p.n, sep: p.sep, rest: line.slice(p.end) }).toEqual({ n, sep, rest });
  });

  it('is not a time, a decimal number or a hex dump', () => {
    expect(numberPrefix('12:34:56.789 -> OK')).toBeNull();
    expect(numberPrefix('12.345')).toBeNull();
    expect(numberPrefix('41 54 0D 0A')).toBeNull();
  });

  it('is detected only from a consistent, increasing column', () => {
    expect(detectGutter(['1  AT', '2  OK', '3  AT+CSQ'])).toEqual({ sep: ' ' });
    expect(detectGutter(['12| AT'])).toEqual({ sep: '|' });
    expect(detectGutter(['1  AT'])).toBeNull(); // one line, whitespace only: could be text
    expect(detectGutter(['1  AT', '1  OK'])).toBeNull(); // not increasing
    expect(detectGutter(['1  AT', '2| OK'])).toBeNull(); // two styles
    expect(detectGutter(['1  AT', '9  OK'])).toBeNull(); // a jump
    expect(detectGutter(['AT', '2  OK'])).toBeNull();
    expect(stripGutter('3| OK', { sep: '|' })).toBe('OK');
    expect(stripGutter('OK', { sep: '|' })).toBe('OK');
  });

  it('imports a numbered log as the same entries as the plain one', () => {
    const plain = ['AT+CSQ', '+CSQ: 23,99', 'OK'];
    const numbered = plain.map((l, i) => `${String(i + 7).padStart(4)}: ${l}`);
    const strip = (es: TranscriptEntry[]): unknown[] => es.map((e) => (e.dir === 'note' ? e : { dir: e.dir, data: e.data.toString('utf8') }));
    expect(strip(importTextLog(numbered.join('\n')).entries)).toEqual(strip(importTextLog(plain.join('\n')).entries));
  });
});

describe('garbage', () => {
  it('splits power-up junk off the start of a line that then reads as AT traffic', () => {
    expect(splitGarbage('\uFFFD\u0000\uFFFD\uFFFDRDY')).toEqual({ garbage: '\uFFFD\u0000\uFFFD\uFFFD', text: 'RDY' });
  });
  it('takes a line of mostly junk whole', () => {
    expect(splitGarbage('\u0000\uFFFD\uFFFDxy\uFFFD')).toEqual({ garbage: '\u0000\uFFFD\uFFFDxy\uFFFD', text: '' });
  });
  it('leaves a text line with a stray control character alone', () => {
    expect(splitGarbage('OK\u0000')).toBeNull();
    expect(splitGarbage('+CSQ: 23,99\u0007')).toBeNull();
    expect(splitGarbage('plain text')).toBeNull();
  });
  it('marks the junk in the entry with its byte count and diagnosis, bytes kept', () => {
    const r = importTextLog(['\uFFFD\u0000\uFFFD\uFFFD\u0000\uFFFD\uFFFD\uFFFD', 'AT', 'OK', '\u0000\uFFFD\uFFFD\uFFFD', 'AT'].join('\n'));
    const spans = r.entries.flatMap((e) => (e.dir === 'rx' ? (e.garbage ?? []) : [])).map((g) => ({ bytes: g.bytes, diagnosis: g.diagnosis }));
    expect(spans).toEqual([
      { bytes: 8, diagnosis: 'power-up' },
      { bytes: 4, diagnosis: 'baud-rate' },
    ]);
  });
  it('says a file with junk and AT lines is a log, and one with junk only is not', () => {
    expect(looksLikeAtLog('\uFFFD\u0000\uFFFD\u0000\uFFFD\u0000\uFFFD\u0000\nAT\nOK\n')).toBe(true);
    expect(looksLikeAtLog('\uFFFD\u0000\uFFFD\u0000\uFFFD\u0000\uFFFD\u0000\n'.repeat(20))).toBe(false);
  });
});

describe('the sniff takes one line, only the module side, a BOM', () => {
  it.each([
    ['one command', 'AT+CSQ'],
    ['a BOM and one command', '\uFEFFAT+CSQ\r\n'],
    ['one URC', '+ECMTDISC: 0,0'],
    ['module side only, annotated', '+ECMTCONN: 0,0,5  ← 认证失败\n+ECMTSTAT: 0,1'],
    ['a numbered log', '1| OK'],
  ])('%s', (_n, text) => {
    expect(looksLikeAtLog(text)).toBe(true);
  });
});

describe('ANSI colour codes and cat1 lines', () => {
  it('strips colour codes', () => {
    expect(stripAnsi('\u001b[36m+ECMTOPEN: 0,0\u001b[0m')).toBe('+ECMTOPEN: 0,0');
  });
  it('reads the t column and the direction of a cat1 line, with or without a wall clock', () => {
    expect(parseCat1Line('   1.250  →  AT+CSQ')).toEqual({ t: 1.25, kind: 'tx', body: 'AT+CSQ' });
    expect(parseCat1Line('10:00:00.000        -  ←  OK')).toEqual({ t: null, kind: 'rx', body: 'OK' });
    expect(parseCat1Line('             │ more payload')).toEqual({ t: null, kind: 'more', body: 'more payload' });
    expect(parseCat1Line('AT+CSQ')).toBeNull();
  });
});

describe('line ends: CRLF, LF, lone CR, mixed, across chunk boundaries', () => {
  async function lines(chunks: string[]): Promise<string[]> {
    const out: string[] = [];
    async function* src(): AsyncGenerator<Buffer> {
      for (const c of chunks) yield Buffer.from(c, 'utf8');
    }
    for await (const l of readLogLines(src())) out.push(l.text);
    return out;
  }
  it('splits CR-only, LF, CRLF and mixed the same way', async () => {
    const want = ['AT', 'OK', '+CSQ: 1,2'];
    expect(await lines(['AT\rOK\r+CSQ: 1,2\r'])).toEqual(want);
    expect(await lines(['AT\nOK\n+CSQ: 1,2'])).toEqual(want);
    expect(await lines(['AT\r\nOK\n+CSQ: 1,2\r'])).toEqual(want);
  });
  it('takes a CRLF split between two chunks as one line end, and keeps an empty line', async () => {
    expect(await lines(['AT\r', '\nOK\r', '\r\nX'])).toEqual(['AT', 'OK', '', 'X']);
  });
});
