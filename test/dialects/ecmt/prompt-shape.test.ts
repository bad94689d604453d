/**
 * Whether an AT+ECMTPUB leaves out its payload (the module then prompts) is read by hand; the
 * regex it replaced is the oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { promptShape, pubUsesPrompt } from '../../../src/dialects/ecmt/at-profiles.js';

const REGEX = /^\s*\d+\s*,\s*\d+\s*,\s*\d+\s*,\s*\d+\s*,\s*("[^"]*"|[^,"]*)\s*,?\s*$/;

describe('promptShape', () => {
  it('a property: the same answer as the regex, for publish arguments of every shape (5,000 runs)', () => {
    const blank = fc.constantFrom('', '', ' ', '\t', '\u00a0', '\u3000', '\ufeff', '\u2028', '\u0085', '\u200b', '\r\n');
    const num = fc.constantFrom('0', '12', '', 'x', '-1');
    const topic = fc.constantFrom('"dev/42/t"', '"a,b"', '""', '"open', 'dev/t', 'a"b', '', 'x y');
    const tail = fc.constantFrom('', ',', ', ', ',"seq 1, temp 2"', ',x', ' ,', ',,', '"', 'z');
    const args = fc
      .tuple(fc.array(fc.tuple(blank, num, blank), { minLength: 3, maxLength: 5 }), blank, topic, blank, tail, blank)
      .map(([nums, b1, t, b2, tl, b3]) => `${nums.map(([a, d, b]) => a + d + b).join(',')},${b1}${t}${b2}${tl}${b3}`);
    fc.assert(
      fc.property(fc.oneof(args, fc.string({ maxLength: 30 })), (a) => {
        expect(promptShape(a), JSON.stringify(a)).toBe(REGEX.test(a));
      }),
      { numRuns: 5000 },
    );
  });

  it('every UTF-16 code unit as a blank: the same answer as the regex (its \\s)', () => {
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      const a = `0,1,1,0,${ch}"t"${ch}`;
      expect(promptShape(a), c.toString(16)).toBe(REGEX.test(a));
    }
  });

  it('a publish without its payload prompts, one with it does not', () => {
    expect(pubUsesPrompt('AT+ECMTPUB=0,1,1,0,"dev/42/t"')).toBe(true);
    expect(pubUsesPrompt('AT+ECMTPUB=0,1,1,0,"dev/42/t",')).toBe(true);
    expect(pubUsesPrompt('AT+ECMTPUB=0,1,1,0,"dev/42/t","seq 0, temp 18.12"')).toBe(false);
  });
});
