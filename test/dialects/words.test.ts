import { describe, expect, it } from 'vitest';
import { getDialect } from '../../src/dialects/index.js';
import { commandLine, configLine, dialectNamed, resultPrefix, urcPrefix } from '../../src/dialects/words.js';

// oracles: ../shared/protocol/ecmt.md §2–§5 and qmt.md §2–§4 (command and URC spellings)
describe('a dialect\'s names for the core\'s texts', () => {
  it('reads ECMT names from the ECMT tables', () => {
    const d = getDialect('ecmt');
    expect(commandLine(d, 'open')).toBe('AT+ECMTOPEN');
    expect(resultPrefix(d, 'connect')).toBe('+ECMTCONN');
    expect(urcPrefix(d, 'link-lost')).toBe('+ECMTSTAT');
    expect(urcPrefix(d, 'message')).toBe('+ECMTRECV');
    expect(configLine(d, 'version', 0, 4)).toBe('AT+ECMTCFG="version",0,4');
  });

  it('reads QMT names from the QMT tables', () => {
    const d = getDialect('qmt');
    expect(commandLine(d, 'connect')).toBe('AT+QMTCONN');
    expect(resultPrefix(d, 'open')).toBe('+QMTOPEN');
    expect(urcPrefix(d, 'link-lost')).toBe('+QMTSTAT');
    expect(urcPrefix(d, 'message')).toBe('+QMTRECV');
    expect(configLine(d, 'version', 0, 4)).toBe('AT+QMTCFG="version",0,4');
  });

  it('takes the default dialect when none is named', () => {
    expect(dialectNamed(undefined).name).toBe('ecmt');
    expect(dialectNamed('qmt').name).toBe('qmt');
  });
});
