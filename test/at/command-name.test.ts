/**
 * commandName reads the name of a line starting with `AT` by hand; the regex form it replaced is
 * the oracle here (any line: leading and trailing blanks of every kind, any case, every mark).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandName } from '../../src/at/profiles.js';

/** The former implementation. */
function byRegex(command: string): string {
  const c = command.trim();
  if (!/^AT/i.test(c)) return c.toUpperCase();
  const m = /^([+^$%#*][A-Za-z0-9_]+|&?[A-Za-z]\d*)/.exec(c.slice(2));
  return m ? m[1]!.toUpperCase() : '';
}

describe('commandName', () => {
  it('a property: the same name as the regex form, for any line (5,000 runs)', () => {
    const part = fc.constantFrom('AT', 'at', 'aT', 'A', 'T', '+', '^', '$', '%', '#', '*', '&', 'CSQ', 'ecmtpub', '_1', '0', '12', 'E', 'I', '?', '=', '=?', ' ', '\t', '\u00a0', '\u3000', '\ufeff', '\r', 'é', 'ı', '"x"', '[', '@', '`', '{');
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const line = parts.join('');
        expect(commandName(line)).toBe(byRegex(line));
        // asked again (the remembered answer) and after another line
        expect(commandName(line)).toBe(byRegex(line));
      }),
      { numRuns: 5000 },
    );
  });

  it('the names of common lines', () => {
    for (const [line, name] of [['AT+CSQ', '+CSQ'], ['AT^SYSINFO?', '^SYSINFO'], ['ATI', 'I'], ['AT', ''], ['ate0', 'E0'], ['AT&F0', '&F0'], [' at+cgsn ', '+CGSN'], ['AT+', ''], ['x', 'X'], ['', '']] as Array<[string, string]>) {
      expect(commandName(line), line).toBe(name);
      expect(byRegex(line), line).toBe(name);
    }
  });
});
