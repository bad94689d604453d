/**
 * A module that ends its lines with CR alone (ATS4 set so that it sends no LF — V.250 S3/S4 —
 * or a firmware that does so): `\r+CSQ: 20,99\r\rOK\r`. The framer cuts a module line at LF, or
 * after a run of CRs that no LF follows, as the redaction does (redact/line-ends.ts): CRs right
 * before an LF stay one terminator with it (the echo's `\r\r\n` is one line), and CRs at the end
 * of what has arrived wait for the next byte, `quiet()` or `end()`. The expected frames are
 * written by hand from those rules.
 */
import fc from 'fast-check';
import { testRule } from '../helpers/framer-rule.js';
import { describe, expect, it } from 'vitest';
import { Framer, type Frame } from '../../src/framing/framer.js';

// the unit tests' rule: "+RECV: <id>,<topic>," opens a raw block; OK, ERROR and "+X:" lines start frames
const rule = testRule;

type Plain = string | { block: string; payload: string; endedBy: string } | { overlong: number; complete: boolean } | 'prompt';

function plain(f: Frame): Plain {
  switch (f.kind) {
    case 'line':
      return f.text;
    case 'prompt':
      return 'prompt';
    case 'block':
      return { block: f.header.toString('latin1'), payload: f.payload.toString('latin1'), endedBy: f.endedBy };
    case 'overlong':
      return { overlong: f.length, complete: f.complete };
  }
}

function framer(out: Plain[], opts: { maxLine?: number; maxBlock?: number } = {}): Framer {
  return new Framer((f) => out.push(plain(f)), { rule, ...opts });
}

/** The frames of `input` fed in the given pieces, then end(). */
function frames(input: string, cuts: number[] = [], opts: { maxLine?: number; maxBlock?: number } = {}): Plain[] {
  const out: Plain[] = [];
  const fr = framer(out, opts);
  const buf = Buffer.from(input, 'latin1');
  let prev = 0;
  for (const c of [...new Set(cuts)].filter((c) => c > 0 && c < buf.length).sort((a, b) => a - b).concat(buf.length)) {
    fr.feed(buf.subarray(prev, c));
    prev = c;
  }
  fr.end();
  return out;
}

describe('Framer: a module that ends its lines with CR alone', () => {
  it('cuts `\\r+CSQ: 20,99\\r\\rOK\\r` into its lines, as `\\r\\n+CSQ: 20,99\\r\\n\\r\\nOK\\r\\n` is cut', () => {
    expect(frames('\r+CSQ: 20,99\r\rOK\r')).toEqual(['+CSQ: 20,99', 'OK']);
    expect(frames('\r\n+CSQ: 20,99\r\n\r\nOK\r\n')).toEqual(['+CSQ: 20,99', 'OK']);
  });

  it('the echo of a command followed by CR-ended lines: the echo is a line of its own', () => {
    expect(frames('AT+CSQ\r\r+CSQ: 20,99\r\rOK\r')).toEqual(['AT+CSQ', '+CSQ: 20,99', 'OK']);
    // and the echo's CR CR LF (a CRLF module) stays one line, not a line and an empty one
    expect(frames('AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n')).toEqual(['AT+CSQ', '+CSQ: 20,99', 'OK']);
  });

  it('CRs at the end of what arrived wait for the next byte: an LF or a CR continues the line, anything else ends it', () => {
    const out: Plain[] = [];
    const fr = framer(out);
    fr.feed(Buffer.from('\r+CSQ: 20,99\r'));
    expect(out).toEqual([]);
    expect(fr.crPending).toBe(true);
    fr.feed(Buffer.from('\r'));
    expect(out).toEqual([]);
    fr.feed(Buffer.from('O'));
    expect(out).toEqual(['+CSQ: 20,99']);
    expect(fr.crPending).toBe(false);
    fr.feed(Buffer.from('K\r'));
    expect(fr.crPending).toBe(true);
    fr.feed(Buffer.from('\n'));
    expect(out).toEqual(['+CSQ: 20,99', 'OK']);
    expect(fr.crPending).toBe(false);
  });

  it('a quiet time ends a line held up to its CR (the framer has no timer: its caller calls quiet())', () => {
    const out: Plain[] = [];
    const fr = framer(out);
    fr.feed(Buffer.from('\rOK\r'));
    expect(out).toEqual([]);
    fr.quiet();
    expect(out).toEqual(['OK']);
    fr.feed(Buffer.from('\r+CEREG: 1\r'));
    expect(out).toEqual(['OK']);
    fr.endLine();
    expect(out).toEqual(['OK', '+CEREG: 1']);
    fr.end();
    expect(out).toEqual(['OK', '+CEREG: 1']);
  });

  it('once an LF has ended a line, the module ends its lines with CR LF: a CR that no LF follows is a byte of the line again', () => {
    const out: Plain[] = [];
    const fr = framer(out);
    fr.feed(Buffer.from('\rOK\r'));
    fr.quiet();
    expect(out).toEqual(['OK']);
    // an LF after the quiet time: an empty line (nothing), and from now on lines end at LF
    fr.feed(Buffer.from('\n\r\n+CEREG: 1\r'));
    expect(out).toEqual(['OK']);
    expect(fr.crPending).toBe(false);
    fr.quiet();
    expect(out).toEqual(['OK']);
    fr.feed(Buffer.from('\n'));
    expect(out).toEqual(['OK', '+CEREG: 1']);
    // a CR LF module's line with a CR inside it stays one line (a payload's own CR)
    fr.feed(Buffer.from('\r\nab\r+CSQ: 1,2\r\n'));
    expect(out).toEqual(['OK', '+CEREG: 1', 'ab\r+CSQ: 1,2']);
  });

  it('end() delivers a line held up to its CR as complete', () => {
    const out: Frame[] = [];
    const fr = new Framer((f) => out.push(f));
    fr.feed(Buffer.from('\rOK\r'));
    fr.end();
    expect(out).toMatchObject([{ kind: 'line', text: 'OK', complete: true }]);
  });

  it('the data prompt after a CR-ended line', () => {
    expect(frames('AT+X=1\r\r> ')).toEqual(['AT+X=1', 'prompt']);
    expect(frames('\rOK\r> ')).toEqual(['OK', 'prompt']);
  });

  it('a raw block ends at the next frame start after a CR-ended line, and at a quiet time', () => {
    // the CRLF twins: '+RECV: 0,"t",hello\r\nOK\r\n' (ended by a frame start, no empty line: prefix) and with '\r\n\r\n' (frame)
    expect(frames('\r+RECV: 0,"t",hello\rOK\r')).toEqual([{ block: '+RECV: 0,"t",', payload: 'hello', endedBy: 'prefix' }, 'OK']);
    expect(frames('\r+RECV: 0,"t",hello\r\r+CEREG: 1\r')).toEqual([{ block: '+RECV: 0,"t",', payload: 'hello', endedBy: 'frame' }, '+CEREG: 1']);
    const out: Plain[] = [];
    const fr = framer(out);
    fr.feed(Buffer.from('\r+RECV: 0,"t",hello\r'));
    expect(fr.crPending).toBe(true);
    fr.quiet();
    expect(out).toEqual([{ block: '+RECV: 0,"t",', payload: 'hello', endedBy: 'quiet' }]);
  });

  it('gives the same frames whatever the chunk boundaries (every split point, and byte by byte)', () => {
    const input = 'AT+CSQ\r\r+CSQ: 20,99\r\rOK\r\r+RECV: 0,"t",a b\rc\r\rOK\r\r+CEREG: 1\r\r> ';
    const want = ['AT+CSQ', '+CSQ: 20,99', 'OK', { block: '+RECV: 0,"t",', payload: 'a b\rc', endedBy: 'frame' }, 'OK', '+CEREG: 1', 'prompt'];
    expect(frames(input)).toEqual(want);
    for (let i = 1; i < input.length; i++) expect(frames(input, [i]), `split at ${i}`).toEqual(want);
    expect(frames(input, [...Array(input.length).keys()])).toEqual(want);
  });

  it('a property: CR-ended lines of any length, in any pieces: memory stays within maxLine + maxBlock, a line within maxLine comes out whole, a longer one as overlong and the next line recovers', () => {
    const maxLine = 32;
    const maxBlock = 32;
    const textChar = fc.constantFrom('A', 'T', '+', ':', ' ', '1', ',', '"', 'O', 'K', 'x');
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: textChar, minLength: 1, maxLength: 80 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 12, maxLength: 12 }),
        fc.array(fc.nat({ max: 1000 }), { maxLength: 30 }),
        (texts, crs, cuts) => {
          // each line: its text (no raw block header or '>' can be made of these characters), then 1 to 3 CRs
          const lines = texts;
          const input = lines.map((t, i) => t + '\r'.repeat(crs[i]!)).join('');
          const want: Plain[] = [];
          lines.forEach((t, i) => {
            const n = t.length + crs[i]!;
            if (n <= maxLine) want.push(t);
            else want.push({ overlong: n, complete: true });
          });
          const out: Plain[] = [];
          const fr = framer(out, { maxLine, maxBlock });
          const buf = Buffer.from(input, 'latin1');
          let prev = 0;
          let most = 0;
          for (const c of [...new Set(cuts.map((c) => c % (buf.length + 1)))].filter((c) => c > 0).sort((a, b) => a - b).concat(buf.length)) {
            if (c <= prev) continue;
            fr.feed(buf.subarray(prev, c));
            most = Math.max(most, fr.buffered);
            prev = c;
          }
          fr.end();
          expect(most).toBeLessThanOrEqual(maxLine + maxBlock);
          // the overlong reports: the one when the bound is crossed (its length then depends on the pieces) is left out
          expect(out.filter((f) => typeof f !== 'object' || !('overlong' in f) || f.complete)).toEqual(want);
        },
      ),
      { numRuns: 500, seed: 3 },
    );
  });
});
