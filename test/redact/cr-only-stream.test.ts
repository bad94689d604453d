/**
 * A module that ends its lines with CR alone (no LF at all in its output): the stream redactor
 * cuts its lines at a CR that no LF follows (line-ends.ts), so a bare IMSI or a credential after
 * another CR-ended line is held and masked like any line, however the bytes are cut and paused,
 * and also after more than the hold limit of output (where a stream cut at LF only had one
 * endless line, released piece by piece past the hold of an identity-shaped line start).
 * The sensitive lines are those of the redaction properties (fixtures and protocol reference,
 * masked forms written by hand), their CR LF ends turned into CR alone; the IMSI is of
 * 3GPP TS 23.003 form (MCC 460), made up.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/redact/redact.js';
import { StreamRedactor, type RedactedPiece } from '../../src/redact/stream-redactor.js';
import { ALL_SENSITIVE } from '../helpers/sensitive.js';

const crOnly = (s: string): string => s.replace(/\r\n/g, '\r');
const RX = ALL_SENSITIVE.filter((s) => s.dir === 'rx').map((s) => ({ ...s, line: crOnly(s.line), masked: crOnly(s.masked) }));

/** CR-ended chatter before the sensitive line: past the hold limit (4096 bytes) when `long`. */
function chatter(long: boolean): string {
  const lines = ['OK\r', '+CSQ: 23,99\r', '\r', '+CEREG: 1\r', 'OK\r'];
  let out = '';
  for (let i = 0; out.length < (long ? 5000 : 40); i++) out += lines[i % lines.length]!;
  return out;
}

/** The module's bytes, cut at `cuts`, with a quiet-time flush and/or the host speaking after some pieces; then end(). */
function feed(text: string, cuts: number[], pauses: boolean[], hostSpeaks: boolean[], before: Array<['tx' | 'rx', string]> = []): { rx: string; all: string } {
  const pieces: RedactedPiece[] = [];
  const r = new StreamRedactor(createRedactor(), (p) => pieces.push(p));
  for (const [dir, s] of before) r.push(dir, Buffer.from(s, 'latin1'), 0);
  const bytes = Buffer.from(text, 'latin1');
  const bounds = [...new Set([0, ...cuts.map((c) => c % bytes.length), bytes.length])].sort((a, b) => a - b);
  for (let i = 0; i + 1 < bounds.length; i++) {
    r.push('rx', bytes.subarray(bounds[i]!, bounds[i + 1]!), i);
    if (pauses[i]) r.flush();
    if (hostSpeaks[i]) r.push('tx', Buffer.from('A'), i);
  }
  r.end();
  const of = (ps: RedactedPiece[]): string => Buffer.concat(ps.map((p) => p.data)).toString('latin1');
  return { rx: of(pieces.filter((p) => p.dir === 'rx')), all: of(pieces) };
}

describe('a module that ends its lines with CR alone', () => {
  it('has CR-ended sensitive lines to run over (fixtures and reference)', () => {
    expect(RX.length).toBeGreaterThan(4);
    expect(RX.some((s) => /^\d{15}\r$/.test(s.line))).toBe(true);
  });

  it('a bare IMSI answer after CR-ended chatter past the hold limit, cut at every offset with a pause there: never shown', () => {
    const imsi = '460012345678901';
    const pre = chatter(true);
    const text = `${pre}\r${imsi}\rOK\r`;
    const want = `${pre}\r${'*'.repeat(15)}\rOK\r`;
    for (let cut = pre.length - 3; cut < text.length; cut++) {
      const got = feed(text, [cut], [true, true], [false, false], [['tx', 'AT+CIMI\r']]);
      expect(got.all, `cut at ${cut}`).not.toContain(imsi.slice(0, 8));
      expect(got.rx, `cut at ${cut}`).toBe(want);
    }
  });

  it('byte by byte with a pause after every byte: the IMSI held whole, the chatter released', () => {
    const imsi = '460012345678901';
    const text = `OK\r${imsi}\rOK\r`;
    const cuts = [...Array(text.length).keys()];
    const got = feed(text, cuts, cuts.map(() => true), cuts.map(() => false));
    expect(got.rx).toBe(`OK\r${'*'.repeat(15)}\rOK\r`);
  });

  it('a property: every sensitive line, CR-ended after chatter (short or past the hold limit), for any cuts, pauses and host chatter: no secret out, masked as written (1,500 runs)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RX),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }),
        fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }),
        (s, long, cuts, pauses, host) => {
          const pre = chatter(long);
          const { rx, all } = feed(`${pre}${s.line}OK\r`, cuts.map((c) => pre.length - 8 + (c % (s.line.length + 12))), pauses, host);
          for (const v of s.secrets) expect(all).not.toContain(v);
          expect(rx).toBe(`${pre}${s.masked}OK\r`);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('a CR at the end of a chunk waits for the next byte (CR LF stays one line end), or for a quiet time', () => {
    const lines = (chunks: string[], pause: boolean): string[] => {
      const out: string[] = [];
      const r = new StreamRedactor(createRedactor(), (p) => out.push(p.data.toString('latin1')));
      for (const c of chunks) {
        r.push('rx', Buffer.from(c, 'latin1'), 0);
        if (pause) r.flush();
      }
      return out;
    };
    // the LF after the CR completes the same line
    expect(lines(['+CSQ: 23,99\r', '\n'], false)).toEqual(['+CSQ: 23,99\r\n']);
    // no LF after the CR: the line ended there, and the digits after it start a line of their own (held: a possible IMSI)
    expect(lines(['OK\r', '4600123'], false)).toEqual(['OK\r']);
    // a quiet time after the CR: the line ended at it (a module that ends lines with CR alone shows its last line)
    expect(lines(['+CSQ: 23,99\r', '\n'], true)).toEqual(['+CSQ: 23,99\r', '\n']);
    expect(lines(['OK\r', '4600123'], true)).toEqual(['OK\r']);
  });
});
