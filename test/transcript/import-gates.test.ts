import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { knownFrameType, parseCat1Line, splitGarbage, splitModuleNote } from '../../src/transcript/paste.js';
import { isBanner, isSquareLine, nonTextChars } from '../../src/transcript/import-content.js';
import { isModuleFrame } from '../../src/transcript/line-shape.js';
import { parsePrefix } from '../../src/transcript/import-prefix.js';
import { entryText } from '../../src/transcript/import.js';
import { openSessionInput } from '../../src/transcript/input.js';
import { SessionDecoder } from '../../src/transcript/decode.js';
import { defaultGrammar } from '../../src/grammar.js';
import { checkPastedCommand } from '../../src/dialects/ecmt/paste-lint.js';
import { messageAt } from '../../src/dialects/classify.js';
import type { TimelineItem } from '../../src/at/types.js';
import type { TranscriptEntry } from '../../src/recording/types.js';

/**
 * The importer's first-character gates against the general path they stand in front of: each
 * reference below is the function as it was before its gate (regexes and scans only), and must
 * agree with the gated one on any line, those that pass the gate and those it stops.
 */

// ----- references: the functions before their gates -----

function refParseCat1Line(line: string): { t: number | null; kind: string; body: string } | null {
  const c0 = line.charCodeAt(0);
  if (c0 !== 0x20 && c0 !== 0x2d && !(c0 >= 0x30 && c0 <= 0x39)) return null;
  const m = /^(?:\d{2}:\d{2}:\d{2}\.\d{3} )? *(\d+\.\d{3}|-)  ([→←·])  (.*)$/.exec(line);
  if (m) {
    const t = m[1] === '-' ? null : Number(m[1]);
    const kind = m[2] === '→' ? 'tx' : m[2] === '←' ? 'rx' : 'note';
    return { t, kind, body: m[3] ?? '' };
  }
  const c = /^ {13,}│ (.*)$/.exec(line);
  if (c) return { t: null, kind: 'more', body: c[1] ?? '' };
  return null;
}

function refIsBanner(s: string): boolean {
  if (s.length > 256) return false;
  const t = s.trim();
  if (t.length >= 3 && [...t].every((c) => '-=*~_#'.includes(c))) return true;
  if (t.startsWith('=~=~=~')) return true;
  if (/^-{3,}\s.*\s-{3,}$/.test(t)) return true;
  if (/^-{3,}\s/.test(t)) return true;
  const u = t.toLowerCase();
  return (
    /^(?:open|opened|close|closed|opening|closing)\s+(?:the\s+)?(?:serial\s+)?port\b/.test(u) ||
    /^(?:serial\s+)?port\s+\S+\s+(?:is\s+)?(?:opened|closed|open|close)\b/.test(u) ||
    /^(?:serial\s+)?port\s+(?:opened|closed)\b/.test(u) ||
    /^(?:打开|关闭)串口|^串口(?:已)?(?:打开|关闭)/.test(t) ||
    u.startsWith('welcome to minicom') ||
    u.startsWith('options: ') ||
    u.startsWith('compiled on ') ||
    /^port \/dev\/|^port com\d/.test(u) ||
    u.startsWith('press ctrl-a') ||
    /^(?:connected to|disconnected from)\s+(?:com\d+|\/dev\/)/.test(u)
  );
}

function refIsSquareLine(s: string): boolean {
  const t = s.trim();
  return t === '□' || t === '¡õ';
}

function refIsModuleFrame(s: string): boolean {
  const head = s.length > 48 ? s.slice(0, 48) : s;
  return /^(?:OK|ERROR|RDY|NO CARRIER|BUSY|NO ANSWER|NO DIALTONE|CONNECT|SEND OK|SEND FAIL)(?:\s|$|:)|^\+[A-Za-z][A-Za-z0-9_]*(?:[:\s]|$)|^\^[A-Z]|^>\s*$/.test(head);
}

/** splitModuleNote with every comment marker looked for at every place (no first-character gate). */
function refSplitModuleNote(line: string): { text: string; note: string } | null {
  const markers = ['<--', '<-', '//', '--', ';;', '#', '←', '→'];
  const space = (c: number): boolean => c === 32 || c === 9 || c === 0x3000 || c === 0xa0;
  const n = line.length;
  if (n < 3 || n > 4096) return null;
  let s = 0;
  while (s < n && (line.charCodeAt(s) === 0 || space(line.charCodeAt(s)))) s++;
  const c0 = line.charCodeAt(s);
  if (c0 !== 0x4f && c0 !== 0x45 && c0 !== 0x2b && c0 !== 0x52 && c0 !== 0x5e) return null;
  if (messageAt(line, s, true) !== null) return null;
  const trimmedEnd = line.trimEnd();
  const last = trimmedEnd.charCodeAt(trimmedEnd.length - 1);
  const trailingParen = last === 0x29 || last === 0xff09;
  let quotes = 0;
  let run = 0;
  let tries = 0;
  let whole: boolean | null = null;
  for (let i = s + 1; i < n; i++) {
    const c = line.charCodeAt(i);
    if (space(c)) {
      run++;
      continue;
    }
    const gap = run;
    run = 0;
    if (c === 0x22) {
      quotes++;
      continue;
    }
    if (quotes % 2 === 1) continue;
    let strong = false;
    let weak = false;
    if (gap > 0 && markers.some((m) => line.startsWith(m, i))) strong = true;
    else if (c === 0x2190 || c === 0x2192 || c === 0xff08) strong = true;
    else if (gap > 0 && c === 0x28 && trailingParen) strong = true;
    else if (gap > 0 && c >= 0x2e80) strong = true;
    else if (gap >= 2) weak = true;
    if (!strong && !weak) continue;
    if (++tries > 8) return null;
    const head = line.slice(0, i - gap).trimEnd();
    if (knownFrameType(head) === null) continue;
    if (!strong) {
      whole ??= knownFrameType(line) !== null;
      if (whole) continue;
    }
    return { text: head, note: line.slice(i).trim() };
  }
  return null;
}

// ----- lines: pieces of the forms each gate looks for, joined at random -----

const PIECES = [
  '', ' ', '  ', '\t', ' '.repeat(13), ' '.repeat(12), '\u3000', '\u00a0', '\ufeff',
  'OK', 'ok', 'Ok', 'ERROR', 'RDY', 'CONNECT', 'CONNECT OK', 'SEND OK', 'SEND FAIL', 'NO CARRIER', 'BUSY', '^SYSSTART', '>',
  '+CSQ: 23,99', '+ECMTPUB: 0,1,0', '+ECMTCONN: 0,0,5', '+ECMTRECV: 0,1,"t",{', '+CME ERROR: 10', '+cereg: 1,1',
  'AT', 'AT+CSQ', 'at', 'Attributes',
  'open', 'Open port COM3', 'opened', 'OPENING', 'options: ', 'Options: -b', 'close', 'Closed the serial port', 'compiled on ', 'connected to COM3', 'Connected to /dev/ttyUSB0',
  'disconnected from COM1', 'serial port COM3 opened', 'Port COM4 closed', 'port /dev/tty', 'port com1', 'press CTRL-A Z', 'Press', 'Welcome to minicom 2.8', 'welcome',
  'dial', 'pİ', 'o\u212a', 'c\u0130', 'p', 'O', 'W', 'D', 'd',
  '----', '---- Opened the serial port COM3 ----', '--- Quit: Ctrl+C ---', '====', '=~=~=~=~', '***', '~~~', '___', '###', '#', '# note', '//',
  '打开串口', '关闭串口', '串口已打开', '串口',
  '□', '¡õ', '¡',
  '   0.125  →  AT', '       -  ←  OK', '12:00:01.000    1.500  ·  # note', '  12.345  →  ', '-  ←  ', '1.000  ←  x', '│ x', '│',
  '→', '←', '·', '<--', '<-', '--', ';;', '//', '(掉线)', '（', ')', '掉线', '"', '"a b"', ',', ':', '：',
  'TX:', 'Rx:', '[TX]', '[recv]:', 'SEND', 'SEND:', 'RECEIVED：', '[HEX]', 'hex:', '[12:00:01.000]', '12:34:56.789', '2024-05-01 12:34:56',
  '\x00', '\x01', '\x1a', '\x1b', '\x1b[31m', '\x7f', '\x85', '\x9f', '\ufffd', 'ÿ', 'é', '阀', '\ud83d\ude00', '\ud800',
  '0', '1', '42', 'x', 'A', 'Z', '[', ']', '{', '}', '"command": "set",',
];

const line = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
);

describe('first-character gates agree with the general path', () => {
  it('parseCat1Line', () => {
    fc.assert(
      fc.property(line, (s) => {
        expect(parseCat1Line(s)).toEqual(refParseCat1Line(s));
      }),
      { numRuns: 3000 },
    );
  });
  it('isBanner', () => {
    fc.assert(fc.property(line, (s) => {
        expect(isBanner(s)).toBe(refIsBanner(s));
      }), { numRuns: 3000 });
  });
  it('isSquareLine', () => {
    fc.assert(fc.property(line, (s) => {
        expect(isSquareLine(s)).toBe(refIsSquareLine(s));
      }), { numRuns: 3000 });
  });
  it('isModuleFrame', () => {
    fc.assert(fc.property(line, (s) => {
        expect(isModuleFrame(s)).toBe(refIsModuleFrame(s));
      }), { numRuns: 3000 });
  });
  it('splitModuleNote', () => {
    fc.assert(fc.property(line, (s) => {
        expect(splitModuleNote(s)).toEqual(refSplitModuleNote(s));
      }), { numRuns: 3000 });
  });
  it('a word marker needs its colon or brackets (checked before the word is read)', () => {
    const word = fc.constantFrom('TX', 'tx', 'Send', 'SENT', 'snd', 'RX', 'recv', 'RCV', 'Rcvd', 'RECEIVE', 'received', 'OK', 'AT', 'SENDX', 'RECEIVEDX');
    const sep = fc.constantFrom('', ':', '：', ' ', ']', ']:', 'X');
    fc.assert(
      fc.property(fc.boolean(), word, sep, fc.constantFrom('', ' AT', 'OK'), (bracket, w, e, rest) => {
        const s = `${bracket ? '[' : ''}${w}${e}${rest}`;
        const u = w.toUpperCase();
        const dir = ['TX', 'SEND', 'SENT', 'SND'].includes(u) ? 'tx' : ['RX', 'RECV', 'RCV', 'RCVD', 'RECEIVE', 'RECEIVED'].includes(u) ? 'rx' : null;
        const closed = bracket ? e.startsWith(']') : e === ':' || e === '：';
        expect(parsePrefix(s).dir).toBe(closed ? dir : null);
      }),
      { numRuns: 1000 },
    );
  });
  it('a line without control, C1 or U+FFFD characters has no junk (the importer skips the scans)', () => {
    fc.assert(
      fc.property(line, (s) => {
        const dirty = /[\x00-\x1f\x7f-\x9f\ufffd]/.test(s);
        if (!dirty) {
          expect(splitGarbage(s)).toBeNull();
          expect(nonTextChars(s)).toBe(0);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

// ----- entries made lazily for the decoder -----

const LOG_LINES = [
  'AT', 'OK', '', 'AT+CSQ', '+CSQ: 23,99', 'OK   ← 成功', '+ECMTCONN: 0,0,5  // 认证失败', 'AT+ECMTCONN=0,"dev-1","someuser","hunter2secret"',
  '+ECMTRECV: 0,1,"dev/42/down",{', '  "command": "set",', '}', '> ', 'hello payload', 'AT+ECMTPUB=0,1,1,0,"t","x"', '+ECMTPUB: 0,1,0',
  'ÿÿ\u0000RDY', '\x00\x01\x02\x03junk', 'x\ud800y', '阀门 3 号', 'AT+CIMI', '460001234567890', '→ AT+CEREG?', '← +CEREG: 2,1', '# a note',
];

async function decodeInput(log: Buffer, how: 'pump' | 'entries'): Promise<{ items: TimelineItem[]; entries: TranscriptEntry[] }> {
  const input = await openSessionInput('-', Readable.from([log]));
  const items: TimelineItem[] = [];
  const entries: TranscriptEntry[] = [];
  const d = new SessionDecoder((i) => items.push(i), { grammar: defaultGrammar(), checkCommand: checkPastedCommand });
  const take = (e: TranscriptEntry): void => {
    entries.push(e);
    d.push(e);
  };
  if (how === 'pump') await input.pump(take, undefined, { lazyData: true });
  else for await (const e of input.entries) take(e);
  d.end();
  return { items, entries };
}

describe('a text log pumped to the decoder: bytes made only when read', () => {
  it('decodes to the same items as the entries read as a generator (eager bytes)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...LOG_LINES), { maxLength: 30 }), fc.constantFrom('\n', '\r\n'), async (lines, eol) => {
        const log = Buffer.from(['AT+CSQ', ...lines].join(eol), 'utf8');
        const a = await decodeInput(log, 'pump');
        const b = await decodeInput(log, 'entries');
        expect(JSON.stringify(a.items)).toBe(JSON.stringify(b.items));
        expect(a.entries.length).toBe(b.entries.length);
        a.entries.forEach((e, i) => {
          const f = b.entries[i]!;
          expect(e.dir).toBe(f.dir);
          expect(e.t).toBe(f.t);
          if (e.dir !== 'note' && f.dir !== 'note') {
            expect(e.data.equals(f.data)).toBe(true);
            expect(entryText(e)).toBe(entryText(f));
            expect(e.notes).toEqual(f.notes);
            expect(e.garbage).toEqual(f.garbage);
          }
        });
      }),
      { numRuns: 150 },
    );
  });

  it('drops its text when its bytes are replaced', async () => {
    const { entries } = await decodeInput(Buffer.from('AT+CSQ\r\n+CSQ: 23,99\r\n\r\nOK\r\n'), 'pump');
    const rx = entries.find((e) => e.dir === 'rx');
    expect(rx && rx.dir === 'rx' && entryText(rx)).toBe('+CSQ: 23,99\r\n\r\nOK\r\n');
    if (rx && rx.dir === 'rx') {
      expect(rx.data.toString('utf8')).toBe('+CSQ: 23,99\r\n\r\nOK\r\n');
      rx.data = Buffer.from('ERROR\r\n');
      expect(entryText(rx)).toBeUndefined();
      expect(rx.data.toString('utf8')).toBe('ERROR\r\n');
    }
  });
});

describe('a text log pumped without lazyData: plain entries, as a library user copies them', () => {
  it('a spread and JSON of each data entry keep its bytes', async () => {
    const input = await openSessionInput('-', Readable.from([Buffer.from('AT+CSQ\r\n+CSQ: 23,99\r\n\r\nOK\r\n')]));
    const copies: Array<Record<string, unknown>> = [];
    await input.pump((e) => void copies.push({ ...e }));
    const rx = copies.find((c) => c['dir'] === 'rx');
    expect(Buffer.isBuffer(rx?.['data'])).toBe(true);
    expect((rx?.['data'] as Buffer).toString('utf8')).toBe('+CSQ: 23,99\r\n\r\nOK\r\n');
    expect(copies.filter((c) => c['dir'] !== 'note').every((c) => Buffer.isBuffer(c['data']))).toBe(true);
  });
});
