/**
 * Two leaks an adversarial review found in `cat1 decode` (present before issue 14's fast paths too):
 * - a module that ends its lines with CR alone answers AT+CIMI with `\r<IMSI>\rOK\r`: one line for
 *   the stream (cut at LF), in which the bare IMSI is a CR-separated part — it was shown whole;
 * - the module's echo of a command pasted with full-width characters, which the rules do not read
 *   (the paste check masks the command line itself): the echo showed the password.
 * The IMSI is the example of 3GPP TS 23.003 form (MCC 460, MNC 00); the values are made up.
 */
import { describe, expect, it } from 'vitest';
import { decodeJsonLines } from '../helpers/decode-json.js';
import { createRedactor } from '../../src/redact/redact.js';
import type { TranscriptEntry } from '../../src/recording/types.js';

const decode = decodeJsonLines;
const tx = (t: number, s: string): TranscriptEntry => ({ t, dir: 'tx', data: Buffer.from(s, 'utf8') });
const rx = (t: number, s: string): TranscriptEntry => ({ t, dir: 'rx', data: Buffer.from(s, 'utf8') });

describe('CR-only line ends: a bare IMSI answer', () => {
  it('is masked in the decoded session', () => {
    const out = decode([tx(0, 'AT+CIMI\r'), rx(0.01, '\r460012345678901\rOK\r')]);
    expect(out).not.toContain('460012345678901');
    expect(out).toContain('***************');
  });
  it('the rule masks each CR-separated part of the line, and only the number', () => {
    const r = createRedactor();
    r.line(Buffer.from('AT+CIMI\r'), 'tx');
    const got = r.line(Buffer.from('\r460012345678901\rOK\r'), 'rx');
    expect(got.data.toString('latin1')).toBe('\r***************\rOK\r');
    expect(got.redact).toEqual([{ at: 1, len: 15, tag: 'imsi' }]);
  });
  it('a CRLF answer is masked as before', () => {
    const out = decode([tx(0, 'AT+CIMI\r'), rx(0.01, '\r\n460012345678901\r\n\r\nOK\r\n')]);
    expect(out).not.toContain('460012345678901');
  });
});

describe("the module's echo of a full-width pasted command", () => {
  it('is masked like the command line', () => {
    const cmd = 'ＡＴ＋ＱＭＴＣＯＮＮ＝0,"id","userQ1","passQ2"';
    const out = decode([tx(0, `${cmd}\r`), rx(0.01, `${cmd}\r\r\nERROR\r\n`)]);
    expect(out).not.toContain('passQ2');
    expect(out).not.toContain('userQ1');
    expect(out).toContain('"type":"echo"');
  });
  it('also from a module that ends its lines with CR alone (the echo is inside a longer line)', () => {
    const cmd = 'ＡＴ＋ＱＭＴＣＯＮＮ＝0,"id","userQ1","passQ2"';
    const out = decode([tx(0, `${cmd}\r`), rx(0.01, `${cmd}\r\rERROR\r`)]);
    expect(out).not.toContain('passQ2');
    expect(out).not.toContain('userQ1');
  });
  it('and when only the echo was captured (no command seen)', () => {
    const cmd = 'ＡＴ＋ＱＭＴＣＯＮＮ＝0,"id","userQ1","passQ2"';
    const out = decode([rx(0.01, `${cmd}\r\r\nERROR\r\n`)]);
    expect(out).not.toContain('passQ2');
    expect(out).not.toContain('userQ1');
    expect(out).toContain('ＡＴ＋ＱＭＴＣＯＮＮ＝');
  });
});
