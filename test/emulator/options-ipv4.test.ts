import { describe, expect, it } from 'vitest';
import { isIpv4, resolveOptions } from '../../src/emulator/options.js';
import { isCatError } from '../../src/util/errors.js';

describe('emulator options: IPv4 addresses (net.isIPv4)', () => {
  it.each([
    ['10.64.0.2', true],
    ['255.255.255.255', true],
    ['0.0.0.0', true],
    ['256.1.1.1', false],
    ['1.2.3', false],
    ['1.2.3.4.5', false],
    ['01.2.3.4', false],
    ['::1', false],
    ['', false],
  ])('%s → %s', (s, ok) => {
    expect(isIpv4(s)).toBe(ok);
  });

  it('a PDP address that is no IPv4 address is refused with a message naming the option', () => {
    let err: unknown;
    try {
      resolveOptions({ conditions: { pdp: { active: true, address: '10.64.0.300' } } });
    } catch (e) {
      err = e;
    }
    expect(isCatError(err, 'ERR_INVALID_OPTION')).toBe(true);
    expect(String((err as Error).message)).toMatch(/pdp\.address.*must be an IPv4 address \(got 10\.64\.0\.300\)/);
    expect(() => resolveOptions({ conditions: { pdp: { active: true, address: '10.64.0.3' } } })).not.toThrow();
  });
});
