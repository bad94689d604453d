import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { entryText, importTextLog } from '../../src/transcript/import.js';
import { SessionDecoder } from '../../src/transcript/decode.js';
import { defaultGrammar } from '../../src/grammar.js';
import { AtTracker } from '../../src/at/tracker.js';
import { StreamRedactor } from '../../src/redact/stream-redactor.js';
import { createRedactor } from '../../src/redact/redact.js';
import { checkPastedCommand } from '../../src/dialects/ecmt/paste-lint.js';
import type { TimelineItem } from '../../src/at/types.js';
import type { TranscriptEntry } from '../../src/recording/types.js';

/**
 * Text logs stay text: an imported entry made of text is read by the decoder as lines (no bytes
 * decoded again). The oracle is the byte path, which every entry took before: the same entries
 * copied into plain objects (a copy carries no text) must decode to the same items.
 */

const LINES = [
  'AT',
  'OK',
  'ERROR',
  '',
  '> ',
  '>',
  '> {"seq":1}',
  'AT+CSQ',
  '+CSQ: 23,99',
  'AT+CIMI',
  '460001234567890',
  '460001234',
  '8986011234567890123',
  'AT+CGSN',
  '867530912345678',
  'AT+ECICCID',
  '+ECICCID: 89860112345678901234',
  'AT+ECMTOPEN=0,"broker.example.com",1883',
  '+ECMTOPEN: 0,0',
  'AT+ECMTCONN=0,"dev-1","someuser","hunter2secret"',
  'at+ecmtconn=0,"dev-1","otheruser","pässwörd"',
  '+ECMTCONN: 0,0,0',
  'AT+ECMTCFG="aliauth",0,"pk","dn","ds3cr3t"',
  'AT+CPIN="1234"',
  'AT+ECMTPUB=0,1,1,0,"dev/42/state"',
  'AT+ECMTPUB=0,1,1,0,"dev/42/t","seq 0, temp 18.12"',
  '+ECMTPUB: 0,1,0',
  '+ECMTRECV: 0,1,"dev/42/down",{',
  '  "label": "阀门 3 号",',
  '  "x": "OK"',
  '}',
  '+ECMTRECV: 0,0,"dev/42/cfg",mode=eco;period=32',
  '+CEREG: 1,"1A2B","0C3D4E5F",9',
  'RDY',
  '+ECMTSTAT: 0,1',
  '收←◆+CSQ: 20,99',
  '[12:00:01.000] AT+CSQ',
  '[12:00:01.020] +CSQ: 9,99',
  '→ AT+CEREG?',
  '← +CEREG: 2,1',
  'AT+CSQ   // comment',
  'OK   ← 成功',
  '\u00e9t\u00e9 +ICCID: 8986',
  'x\ud800y',
  'AT+ECMTPUB=0,1,1,0,"t\udc00"',
  'ÿÿ\u0000RDY',
  '41 54 0D 0A',
  'ＡＴ＋ＣＳＱ',
  'AT+ECMTCON=0,"id","u","p"',
];

function decode(entries: TranscriptEntry[], redact: boolean): TimelineItem[] {
  const items: TimelineItem[] = [];
  const d = new SessionDecoder((i) => items.push(i), { grammar: defaultGrammar(), redact, checkCommand: checkPastedCommand });
  for (const e of entries) d.push(e);
  d.end();
  return items;
}

/** The entry as a plain object: what any other source of entries gives (bytes only). */
function plain(e: TranscriptEntry): TranscriptEntry {
  return { ...e };
}

describe('imported text is decoded as text, to the same items as its bytes', () => {
  it('keeps the text of entries made of text, and no text in a copy', () => {
    const { entries } = importTextLog('AT+CSQ\n+CSQ: 23,99\n\nOK\n');
    expect(entries.map((e) => (e.dir === 'note' ? null : entryText(e)))).toEqual(['AT+CSQ\r', '+CSQ: 23,99\r\n\r\nOK\r\n']);
    for (const e of entries) if (e.dir !== 'note') expect(Buffer.from(entryText(e)!, 'utf8').equals(e.data)).toBe(true);
    expect(entries.map((e) => entryText(plain(e)))).toEqual([undefined, undefined]);
  });

  it('gives no text for an entry whose text has no UTF-8 form (a lone surrogate)', () => {
    const { entries } = importTextLog('AT\nx\ud800y\n');
    const rx = entries.find((e) => e.dir === 'rx');
    expect(rx).toBeDefined();
    expect(entryText(rx!)).toBeUndefined();
  });

  it('decodes any log of these lines to the same items, with and without redaction', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...LINES), { maxLength: 40 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), (lines, eol, redact) => {
        const { entries } = importTextLog(lines.join(eol));
        const viaText = decode(entries, redact);
        const viaBytes = decode(entries.map(plain), redact);
        expect(JSON.stringify(viaText)).toBe(JSON.stringify(viaBytes));
      }),
      { numRuns: 400 },
    );
  });

  it('never lets a secret through the text path', () => {
    const log = ['AT+ECMTCONN=0,"dev-1","someuser","hunter2secret"', 'OK', '+ECMTCONN: 0,0,0', 'AT+CIMI', '460001234567890', 'OK'].join('\n');
    const items = decode(importTextLog(log).entries, true);
    const text = JSON.stringify(items);
    expect(text).not.toContain('hunter2secret');
    expect(text).not.toContain('someuser');
    expect(text).not.toContain('460001234567890');
  });
});

describe('line-level entry points read as the bytes do', () => {
  const grammar = defaultGrammar();
  it('rxLine/txLine give the items of rx/tx with CRLF/CR, whatever the lines', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.constantFrom(...LINES)), { maxLength: 40 }), (steps) => {
        const a: TimelineItem[] = [];
        const b: TimelineItem[] = [];
        const ta = new AtTracker((i) => a.push(i), { grammar, echoStartsCommand: true });
        const tb = new AtTracker((i) => b.push(i), { grammar, echoStartsCommand: true });
        steps.forEach(([tx, line], k) => {
          if (line.includes('\n') || line.includes('\r')) return;
          if (tx) {
            ta.txLine(line, k);
            tb.tx(Buffer.from(`${line}\r`, 'utf8'), k);
          } else {
            ta.rxLine(line, k);
            tb.rx(Buffer.from(`${line}\r\n`, 'utf8'), k);
          }
        });
        ta.end();
        tb.end();
        expect(JSON.stringify(a)).toBe(JSON.stringify(b));
        expect(ta.framerStats).toEqual(tb.framerStats);
      }),
      { numRuns: 400 },
    );
  });

  it('pushText releases what push releases, in the same order and with the same times', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('tx' as const, 'rx' as const), fc.array(fc.constantFrom(...LINES), { minLength: 1, maxLength: 4 }), fc.boolean()), { maxLength: 20 }), (steps) => {
        // pieces of one direction and time in a row are one run: the tracker reads bytes the same
        // however they are cut, so the runs are what must agree
        type Run = { dir: string; t: number | null; text: string };
        const add = (runs: Run[], dir: string, t: number | null, text: string): void => {
          const last = runs[runs.length - 1];
          if (last && last.dir === dir && last.t === t) last.text += text;
          else runs.push({ dir, t, text });
        };
        const a: Run[] = [];
        const b: Run[] = [];
        const sa = new StreamRedactor(createRedactor(), (p) => add(a, p.dir, p.t, p.data.toString('latin1')), { outText: (dir, text, t) => add(a, dir, t, Buffer.from(text, 'utf8').toString('latin1')) });
        const sb = new StreamRedactor(createRedactor(), (p) => add(b, p.dir, p.t, p.data.toString('latin1')));
        steps.forEach(([dir, lines, ended], k) => {
          const text = lines.join(dir === 'tx' ? '\r' : '\r\n') + (ended ? (dir === 'tx' ? '\r' : '\r\n') : '');
          sa.pushText(dir, text, k);
          sb.push(dir, Buffer.from(text, 'utf8'), k);
        });
        sa.end();
        sb.end();
        expect(a).toEqual(b);
      }),
      { numRuns: 400 },
    );
  });
});
