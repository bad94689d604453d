/**
 * The timeline's fast paths against what they stand for: displayWidth is string-width's count
 * for every string (the ASCII shortcut included), and visible() of a string without control bytes
 * is the string itself, of one with them the ⟨..⟩ forms.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import stringWidth from 'string-width';
import { displayWidth, visible } from '../../src/cli/timeline.js';

const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });
const mixed = fc.string({
  unit: fc.oneof(
    fc.constantFrom('a', '#', '*', '0', '9', ' ', '\x1b', '\x1b[31m', '\x9b', '\x7f', '\x00', '\t', '中', '😀', '\u20e3', '\ufe0f', '\u0301', 'é', '⟨', '\ud800'),
    fc.string({ unit: 'binary', maxLength: 3 }),
  ),
  maxLength: 30,
});

describe('timeline fast paths', () => {
  it('displayWidth is string-width of printable ASCII and of anything else', () => {
    fc.assert(
      fc.property(fc.oneof(ascii, mixed), (s) => {
        expect(displayWidth(s)).toBe(stringWidth(s));
      }),
      { numRuns: 5000 },
    );
  });

  it('displayWidth of keycap characters and colour codes (where string-width counts otherwise than length)', () => {
    expect(displayWidth('#️⃣')).toBe(stringWidth('#️⃣'));
    expect(displayWidth('\x1b[31mERROR\x1b[39m')).toBe(5);
    expect(displayWidth('+CME ERROR: 3')).toBe(13);
    expect(displayWidth('认证失败')).toBe(8);
  });

  it('visible leaves text without control bytes as it is and shows the others', () => {
    expect(visible('+ECMTRECV: 0,1,"t",2,hi')).toBe('+ECMTRECV: 0,1,"t",2,hi');
    expect(visible('a\x1ab\x1bc\x00\x7f\r\n\t')).toBe('a⟨^Z⟩b⟨ESC⟩c⟨00⟩⟨7f⟩\r\n\t');
    fc.assert(
      fc.property(mixed, (s) => {
        const v = visible(s);
        // eslint-disable-next-line no-control-regex
        expect(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(v)).toBe(false);
        // eslint-disable-next-line no-control-regex
        if (!/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s)) expect(v).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});
