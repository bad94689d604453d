/**
 * The redactor's verdict on several complete lines at once (`linesUnchanged`), and the stream
 * redactor's fast path built on it, against the general path: `line()` on each line's bytes, and
 * a StreamRedactor whose redactor lacks `linesUnchanged` (it reads every line by itself).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, type RedactionRule, type Redactor } from '../../src/redact/redact.js';
import { StreamRedactor, type RedactedPiece } from '../../src/redact/stream-redactor.js';
import { ALL_SENSITIVE } from '../helpers/sensitive.js';

/** Pieces of lines that reach every branch of the gate: keywords, `+`/`^`, digits first, spaces, NULs, NBSP, non-ASCII. */
const WORDS = [
  'AT', '+CSQ', '+CSQ: 23,99', 'OK', 'ERROR', '+ECMTCONN', '=0,"dev","user","pass"', '+ECMTCFG', '="aliauth",0,"pk","dn","sec"',
  '+CPIN', '="1234"', '+CIMI', '+ICCID: ', '^ICCID', '89860112345678901234', '460001234567890', '867530912345678', '123',
  ' ', '  ', '\t', '\0', '\u00a0', '\u3000', '阀门', 'é', 'ß', '\ud800', '^', '+', '"', ',', ':', 'x', 'ecmtconn', '+ecmtconn=1,"a","b","c"',
  'AT+CIMI', 'AT+CGSN', 'AT+ECICCID', 'at', 'aT', 'At^sysinfo_2', 'AT^', 'AT+', '_', '\u00a0AT+CIMI', 'AT+ECMTCONß', '+QICßGP', 'AT+ECMTCONN=0,"d","u","p"', '+QMTCFG="aliauth",0,"a","b","c"', '\r', '\n', '\r\n',
  ';', ';+CIMI', 'AT+CGSN;+CIMI', 'AT+CCID; AT+CIMI', '+QMTCFG: 0,"pk","dn"', '+QICSGP: 1,"apn","u","p",1', '"x;+CIMI"',
];
const ENDS = ['\n', '\r\n', '\r', '\r\r\n'];

/** A bare answer that may be an IMSI/ICCID (or an IMEI), after blanks of every kind. */
const bareArb = fc
  .tuple(fc.array(fc.constantFrom(' ', '\t', '\0', '\u00a0', '\u3000', '\v'), { maxLength: 26 }), fc.constantFrom('460001234567890', '89860112345678901234', '867530912345678', '12345678', 'x460001234567890'))
  .map(([b, d]) => b.join('') + d);
const lineArb = fc.oneof({ weight: 4, arbitrary: fc.array(fc.constantFrom(...WORDS), { maxLength: 6 }).map((w) => w.join('')) }, { weight: 1, arbitrary: bareArb });
const textArb = fc
  .array(fc.tuple(lineArb, fc.constantFrom(...ENDS)), { minLength: 1, maxLength: 8 })
  .map((ls) => ls.map(([w, e]) => w + e).join(''));

/**
 * The lines of `text` as push() cuts them (LF; for the host also CR; for the module also after
 * CRs that no LF follows, the text being complete lines); the last may be partial.
 */
function cut(text: string, dir: 'tx' | 'rx'): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' && dir === 'rx') {
      while (text[i + 1] === '\r') i++;
      if (text[i + 1] === '\n') i++;
    }
    if (c === '\n' || c === '\r') {
      out.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** The general path's verdict, and the context it leaves. */
function oracle(text: string, dir: 'tx' | 'rx', latin1: boolean, before: string, secrets: string[]): { same: boolean; last: string } {
  const r = createRedactor(undefined, secrets);
  r.context.lastCommand = before;
  for (const line of cut(text, dir)) {
    if (r.line(Buffer.from(line, latin1 ? 'latin1' : 'utf8'), dir).redact.length > 0) return { same: false, last: before };
  }
  return { same: true, last: r.context.lastCommand };
}

/** The same redactor without linesUnchanged: a stream redactor then takes its general path. */
function general(r: Redactor): Redactor {
  return {
    line: (b, d) => r.line(b, d),
    holdFrom: (t, d, s) => r.holdFrom(t, d, s),
    addSecret: (v) => r.addSecret(v),
    get secrets() {
      return r.secrets;
    },
    get context() {
      return r.context;
    },
  };
}

describe('linesUnchanged: the verdict of line() on every line', () => {
  it('a property: the same verdict and context as line() on each line, for text as UTF-8 and as latin1 (3,000 runs)', () => {
    fc.assert(
      fc.property(
        textArb,
        fc.constantFrom<'tx' | 'rx'>('tx', 'rx'),
        fc.boolean(),
        fc.constantFrom('', '+CIMI', '+ICCID', '+CGSN', '+CSQ'),
        fc.constantFrom<string[]>([], ['pass'], ['阀门']),
        fc.boolean(),
        (raw, dir, latin1, before, secrets, utf8View) => {
          // a latin1 view holds one byte per character: of UTF-8 text, or any bytes (a bare NBSP, 0xa0)
          const text = !latin1 ? raw : utf8View ? Buffer.from(raw, 'utf8').toString('latin1') : Buffer.from(raw, 'latin1').toString('latin1');
          const want = oracle(text, dir, latin1, before, secrets);
          const r = createRedactor(undefined, secrets);
          r.context.lastCommand = before;
          expect(r.linesUnchanged!(text, dir, latin1)).toBe(want.same);
          expect(r.context.lastCommand).toBe(want.last);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a bare number after 0 to 30 blanks of each kind: the same verdict as line() (the gate looks at 24 bytes)', () => {
    for (const blank of [' ', '\t', '\0', '\u00a0', '\r']) {
      for (let k = 0; k <= 30; k++) {
        for (const latin1 of [true, false]) {
          const text = `${blank.repeat(k)}460001234567890\n`;
          const want = oracle(text, 'rx', latin1, '', []);
          expect(createRedactor().linesUnchanged!(text, 'rx', latin1), `${JSON.stringify(blank)} × ${k}, latin1 ${latin1}`).toBe(want.same);
        }
      }
    }
  });

  it('the command name for the context after blanks of each kind, any case: the same as line()', () => {
    for (const blank of ['', ' ', '\t', '\0', '\u00a0', '\u3000', '\r']) {
      for (const cmd of ['AT+CIMI', 'at^iccid', 'aT+cgsn?', 'AT+', 'AT^_x', 'ATI', 'A T+CIMI']) {
        for (const [dir, latin1] of [['tx', true], ['tx', false], ['rx', true], ['rx', false]] as const) {
          // a latin1 view holds characters below 0x100 only (U+3000 becomes a NUL byte there)
          const raw = `${blank}${cmd}\n`;
          const text = latin1 ? Buffer.from(raw, 'latin1').toString('latin1') : raw;
          const want = oracle(text, dir, latin1, '+CSQ', []);
          const r = createRedactor();
          r.context.lastCommand = '+CSQ';
          expect(r.linesUnchanged!(text, dir, latin1), JSON.stringify(text)).toBe(want.same);
          expect(r.context.lastCommand, `${JSON.stringify(text)} ${dir} latin1 ${latin1}`).toBe(want.last);
        }
      }
    }
  });

  it('a property: the same for rules whose keyword an `ß` (upper case `SS`) can complete (1,000 runs)', () => {
    const rule: RedactionRule = {
      name: 'abs',
      keywords: ['+ABS', '^XSSY'],
      find(line) {
        const i = line.toUpperCase().search(/\+ABS|\^XSSY/);
        return i < 0 ? [] : [{ at: 0, len: 1, tag: 'abs' }];
      },
    };
    const words = fc.constantFrom('+ab', '+AB', 'ß', 'S', '^x', '^XS', 'sy', 'AT+CIMI', ' ', '阀', 'é', '+', '^');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(words, { maxLength: 5 }), fc.constantFrom(...ENDS)), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.constantFrom<'tx' | 'rx'>('tx', 'rx'), (ls, latin1, dir) => {
        const raw = ls.map(([w, e]) => w.join('') + e).join('');
        // the latin1 view of bytes holding 0xdf (ß) itself
        const text = latin1 ? Buffer.from(raw, 'latin1').toString('latin1') : raw;
        const r0 = createRedactor([rule]);
        const want = cut(text, dir).every((l) => r0.line(Buffer.from(l, latin1 ? 'latin1' : 'utf8'), dir).redact.length === 0);
        expect(createRedactor([rule]).linesUnchanged!(text, dir, latin1)).toBe(want);
      }),
      { numRuns: 1000 },
    );
  });

  it('false for every line of the fixtures and the reference that has something masked, alone and among ordinary lines', () => {
    for (const s of ALL_SENSITIVE.filter((x) => x.masked !== x.line)) {
      const line = s.line.endsWith('\n') || (s.dir === 'tx' && s.line.endsWith('\r')) ? s.line : `${s.line}\r\n`;
      expect(createRedactor().linesUnchanged!(line, s.dir, true), s.from).toBe(false);
      expect(createRedactor().linesUnchanged!(`OK\r\n${line}+CSQ: 9,99\r\n`, s.dir, true), s.from).toBe(false);
    }
  });
});

describe('the stream redactor: whole lines that pass unchanged, at once', () => {
  it('a property: the same pieces as the line-by-line path, for any lines as bytes (cut anywhere) or text, pauses and ends (2,000 runs)', () => {
    const step = fc.record({
      dir: fc.constantFrom<'tx' | 'rx'>('tx', 'rx'),
      text: textArb,
      cuts: fc.array(fc.nat(), { maxLength: 4 }),
      asText: fc.boolean(),
      after: fc.constantFrom('none', 'none', 'flush', 'flush-dir', 'end-unit'),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), fc.constantFrom<string[]>([], ['pass']), fc.constantFrom(4096, 40), (steps, secrets, holdMax) => {
        const run = (fast: boolean): RedactedPiece[] => {
          const pieces: RedactedPiece[] = [];
          const r = createRedactor(undefined, secrets);
          // text released as text (pushText) is recorded as its bytes: the general path gives bytes
          const outText = (dir: 'tx' | 'rx', text: string, t: number | null): void => void pieces.push({ dir, data: Buffer.from(text, 'utf8'), redact: [], t });
          const s = new StreamRedactor(fast ? r : general(r), (p) => pieces.push({ ...p, data: Buffer.from(p.data) }), { holdMax, outText });
          let t = 0;
          for (const st of steps) {
            if (st.asText) {
              s.pushText(st.dir, st.text, t++);
            } else {
              const bytes = Buffer.from(st.text, 'utf8');
              const bounds = [...new Set([0, ...st.cuts.map((c) => c % bytes.length), bytes.length])].sort((a, b) => a - b);
              for (let i = 0; i + 1 < bounds.length; i++) s.push(st.dir, bytes.subarray(bounds[i]!, bounds[i + 1]!), t++);
            }
            if (st.after === 'flush') s.flush();
            else if (st.after === 'flush-dir') s.flush(st.dir);
            else if (st.after === 'end-unit') s.endUnit(st.dir);
          }
          s.end();
          return pieces;
        };
        const fast = run(true);
        const slow = run(false);
        expect(fast.map((p) => ({ ...p, data: p.data.toString('latin1') }))).toEqual(slow.map((p) => ({ ...p, data: p.data.toString('latin1') })));
      }),
      { numRuns: 2000 },
    );
  });

  it('a command released in parts before a pause (flush), then its answer: the same pieces, every cut', () => {
    for (const [cmd, answer] of ([['AT+CGSN\r', '460001234567890\r\n'], ['AT+CIMI\r', '46000123456\r\n'], ['at^iccid\r', '89860112345678901234\r\n'], ['AT+ECMTCONN=0,"d","u","pw"\r', 'OK\r\n']] as Array<[string, string]>)) {
      for (let cutAt = 1; cutAt < cmd.length; cutAt++) {
        const run = (fast: boolean): string => {
          const pieces: RedactedPiece[] = [];
          const r = createRedactor();
          const s = new StreamRedactor(fast ? r : general(r), (p) => pieces.push(p));
          s.push('tx', Buffer.from(cmd.slice(0, cutAt), 'latin1'), 0);
          s.flush();
          s.push('tx', Buffer.from(cmd.slice(cutAt), 'latin1'), 1);
          s.push('rx', Buffer.from(answer, 'latin1'), 2);
          s.end();
          return JSON.stringify(pieces.map((p) => ({ ...p, data: p.data.toString('latin1') })));
        };
        expect(run(true), `${cmd} cut at ${cutAt}`).toBe(run(false));
      }
    }
  });
});
