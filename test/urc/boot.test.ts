import { describe, expect, it } from 'vitest';
import { isBootBanner, parseBoot } from '../../src/urc/index.js';
import { parseLine } from '../../src/dialects/classify.js';

describe('boot banners', () => {
  it.each([
    ['RDY', 'RDY'],
    ['\r\nRDY\r\n', 'RDY'],
    ['\0\0RDY', 'RDY'],
    ['^SYSSTART', '^SYSSTART'],
    ['^SYSSTART AIRPLANE MODE', '^SYSSTART AIRPLANE MODE'],
  ])('reads %j as a boot banner', (line, banner) => {
    expect(parseLine(line)).toStrictEqual({ type: 'boot', raw: line, banner });
    expect(parseBoot(line)).toStrictEqual({ type: 'boot', raw: line, banner });
  });

  it.each(['rdy', 'RDY ok', 'RDYX', 'READY', '^SYSSTARTX', '^SYSSTART airplane', '^sysstart', 'SMS Ready'])(
    'does not take %j for a boot banner',
    (line) => {
      expect(parseLine(line).type).not.toBe('boot');
      expect(parseBoot(line)).toBeNull();
    },
  );

  it('leaves +CPIN: READY to the engine (it also answers AT+CPIN?)', () => {
    expect(parseLine('+CPIN: READY').type).toBe('cpin');
    expect(isBootBanner('+CPIN: READY')).toBe(false);
  });

  it('does not take the EC616S answer to AT+ECURC? for a boot line', () => {
    const line = '+ECURC: "CREG":0,"CEREG":1,"CEDRXP":0,"CCIOTOPTI":0';
    expect(parseLine(line)).toMatchObject({ type: 'info', prefix: '+ECURC' });
  });
});
