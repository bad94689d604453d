/**
 * A pasted Quectel QMT log gets the care its ECMT twin gets (issue 15: the pasted-log import and
 * repair read the dialects' URC tables, not one dialect's names): notes are cut after the QMT
 * result, link-loss and state answers (qmt.md §2 read forms, §3), never in a `+QMTRECV` line
 * nor inside its open payload. Expected values are written by hand from the rule in paste.ts.
 */
import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../../src/at/types.js';
import { defaultGrammar } from '../../src/grammar.js';
import { SessionDecoder } from '../../src/transcript/decode.js';
import { importTextLog } from '../../src/transcript/import.js';
import { cat1RxText, splitModuleNote } from '../../src/transcript/paste.js';
import type { DataEntry } from '../../src/recording/types.js';

describe('splitModuleNote on QMT lines', () => {
  const cut: Array<[string, string, string]> = [
    ['+QMTCONN: 0,0,5  ← 认证失败', '+QMTCONN: 0,0,5', '← 认证失败'],
    ['+QMTOPEN: 0,-1   // open failed', '+QMTOPEN: 0,-1', '// open failed'],
    ['+QMTOPEN: 0,3 (PDP)', '+QMTOPEN: 0,3', '(PDP)'],
    ['+QMTSTAT: 0,1（掉线）', '+QMTSTAT: 0,1', '（掉线）'],
    ['+QMTPUBEX: 0,2,0  ← 已发布', '+QMTPUBEX: 0,2,0', '← 已发布'],
    ['+QMTSUB: 0,1,0,1  // granted 1', '+QMTSUB: 0,1,0,1', '// granted 1'],
    ['+QMTCONN: 0,3  // read form: connected', '+QMTCONN: 0,3', '// read form: connected'],
    ['+QIACT: 1,1,1,"10.1.2.3"  ← PDP ok', '+QIACT: 1,1,1,"10.1.2.3"', '← PDP ok'],
  ];
  it.each(cut)('%s', (line, text, note) => {
    expect(splitModuleNote(line)).toEqual({ text, note });
  });

  const kept: Array<[string, string]> = [
    ['a +QMTRECV line holds any marker', '+QMTRECV: 0,1,"t","a  // b  <-- c (d)"'],
    ['a note after a +QMTRECV line stays in it, as after +ECMTRECV', '+QMTRECV: 0,1,"t","hi"  ← 收到'],
    ['lower-case +qmtrecv too', '+qmtrecv: 0,0,"t","x"  // y'],
    ['a buffer-mode notice is a message line too', '+QMTRECV: 0,2  // slot 2'],
    ['a test-form answer (ranges are free text)', '+QMTOPEN: (0-5),"<host_name>",(1-65535)  // ranges'],
    ['a configuration answer (values are free text)', '+QMTCFG: "keepalive",0,120  // default'],
  ];
  it.each(kept)('keeps the line whole: %s', (_why, line) => {
    expect(splitModuleNote(line)).toBeNull();
  });
});

function rxText(log: string): { all: string; notes: string[] } {
  const rx = importTextLog(log).entries.filter((e): e is DataEntry => e.dir === 'rx');
  return { all: Buffer.concat(rx.map((e) => e.data)).toString('utf8'), notes: rx.flatMap((e) => e.notes ?? []).map((n) => n.text) };
}

describe('importing a pasted QMT log', () => {
  it('never cuts an open +QMTRECV payload, even on lines that look like finals (as for +ECMTRECV)', () => {
    const r = rxText(['AT', 'OK', '+QMTRECV: 0,0,"t","line one  // not a note', 'OK <-- still payload"', '+QMTSTAT: 0,1  ← 掉线'].join('\n'));
    expect(r.all).toBe('OK\r\n+QMTRECV: 0,0,"t","line one  // not a note\r\nOK <-- still payload"\r\n+QMTSTAT: 0,1\r\n');
    // the URC that ends the payload is cut (it ends the payload either way)
    expect(r.notes).toEqual(['← 掉线']);
  });

  it('keeps a comment-like line inside an open +QMTRECV payload as payload', () => {
    const r = rxText(['AT', 'OK', '+QMTRECV: 0,0,"t","first', '# not a note', 'last"', '+QMTSTAT: 0,1'].join('\n'));
    expect(r.all).toBe('OK\r\n+QMTRECV: 0,0,"t","first\r\n# not a note\r\nlast"\r\n+QMTSTAT: 0,1\r\n');
    expect(r.notes).toEqual([]);
  });

  it('decodes the pasted multi-line payload whole, and the notes reach their QMT lines', () => {
    const items: TimelineItem[] = [];
    const d = new SessionDecoder((i) => items.push(i), { grammar: defaultGrammar() });
    const log = ['AT+QMTCONN=0,"dev1"', 'OK', '+QMTCONN: 0,0,0  ← 连上了', '+QMTRECV: 0,0,"t","line one  // not a note', 'OK <-- still payload"', '+QMTSTAT: 0,1  ← 掉线'].join('\n');
    for (const e of importTextLog(log).entries) d.push(e);
    d.end();
    expect(items.filter((i) => i.role === 'urc').map((i) => [i.event.type, i.note ?? null])).toEqual([
      ['qmt-conn', '← 连上了'],
      ['qmt-recv', null],
      ['qmt-stat', '← 掉线'],
    ]);
    const msg = items.find((i) => i.event.type === 'qmt-recv')!.event;
    expect('payload' in msg && msg.payload.toString('utf8')).toBe('line one  // not a note\r\nOK <-- still payload');
  });
});

describe('cat1RxText: a cat1 rx line of a raw-payload message keeps its payload', () => {
  it('cuts only cat1\'s own explanation after a +ECMTRECV line, any case', () => {
    expect(cat1RxText('+ecmtrecv: 0,0,"t",a  b  message on t, 4 bytes').text).toBe('+ecmtrecv: 0,0,"t",a  b');
  });
});
