import { describe, expect, it } from 'vitest';
import { rsrpToDbm, rsrqToDb, rssiToDbm } from '../../src/urc/index.js';
import { parseLine } from '../../src/dialects/classify.js';

type Row = [line: string, expected: Record<string, unknown>];

describe('SIM state', () => {
  const rows: Row[] = [
    ['+CPIN: READY', { type: 'cpin', state: 'READY' }],
    ['+CPIN:READY', { type: 'cpin', state: 'READY' }],
    ['+CPIN: SIM PIN', { type: 'cpin', state: 'SIM PIN' }],
    ['+CPIN: SIM PUK', { type: 'cpin', state: 'SIM PUK' }],
    ['+CPIN: PH-NET PIN', { type: 'cpin', state: 'PH-NET PIN' }],
    ['+CPIN: "READY"', { type: 'cpin', state: 'READY' }],
    ['+CPIN: NOT INSERTED', { type: 'cpin', state: 'NOT INSERTED' }],
  ];

  it.each(rows)('reads %j', (line, expected) => {
    expect(parseLine(line)).toStrictEqual({ ...expected, raw: line });
  });

  it.each(['+CPIN:', '+CPIN: ""', '+CPIN: 1,2,3'])('keeps %j as an info line', (line) => {
    expect(parseLine(line).type).toBe('info');
  });
});

describe('signal and functionality', () => {
  const rows: Row[] = [
    ['+CSQ: 23,99', { type: 'csq', rssi: 23, ber: 99, dbm: -67 }],
    ['+CSQ:15,3', { type: 'csq', rssi: 15, ber: 3, dbm: -83 }],
    ['+CSQ: 0,0', { type: 'csq', rssi: 0, ber: 0, dbm: -113 }],
    ['+CSQ: 31,0', { type: 'csq', rssi: 31, ber: 0, dbm: -51 }],
    ['+CSQ: 99,99', { type: 'csq', rssi: 99, ber: 99, dbm: null }],
    [
      '+CESQ: 99,99,255,255,20,40',
      { type: 'cesq', rxlev: 99, ber: 99, rscp: 255, ecno: 255, rsrq: 20, rsrp: 40, rsrpDbm: -101, rsrqDb: -10 },
    ],
    [
      '+CESQ: 99,99,255,255,13,47',
      { type: 'cesq', rxlev: 99, ber: 99, rscp: 255, ecno: 255, rsrq: 13, rsrp: 47, rsrpDbm: -94, rsrqDb: -13.5 },
    ],
    [
      '+CESQ: 99,99,255,255,0,0',
      { type: 'cesq', rxlev: 99, ber: 99, rscp: 255, ecno: 255, rsrq: 0, rsrp: 0, rsrpDbm: -141, rsrqDb: -20 },
    ],
    [
      '+CESQ:99,99,255,255,34,97',
      { type: 'cesq', rxlev: 99, ber: 99, rscp: 255, ecno: 255, rsrq: 34, rsrp: 97, rsrpDbm: -44, rsrqDb: -3 },
    ],
    [
      '+CESQ: 99,99,255,255,255,255',
      { type: 'cesq', rxlev: 99, ber: 99, rscp: 255, ecno: 255, rsrq: 255, rsrp: 255, rsrpDbm: null, rsrqDb: null },
    ],
    [
      '+CESQ: 99,99,255,255,35,98',
      { type: 'cesq', rxlev: 99, ber: 99, rscp: 255, ecno: 255, rsrq: 35, rsrp: 98, rsrpDbm: null, rsrqDb: null },
    ],
    ['+CFUN: 1', { type: 'cfun', fun: 1 }],
    ['+CFUN: 0', { type: 'cfun', fun: 0 }],
    ['+CFUN:4', { type: 'cfun', fun: 4 }],
  ];

  it.each(rows)('reads %j', (line, expected) => {
    expect(parseLine(line)).toStrictEqual({ ...expected, raw: line });
  });

  it.each(['+CSQ: 23', '+CSQ: 23,99,1', '+CSQ: -,99', '+CESQ: 1,2,3', '+CESQ: 99,99,255,255,20,"40"', '+CFUN: x', '+CFUN: 1,0'])(
    'keeps %j as an info line',
    (line) => {
      expect(parseLine(line).type).toBe('info');
    },
  );

  it('converts the indexes at the edges of their ranges', () => {
    expect([rssiToDbm(-1), rssiToDbm(0), rssiToDbm(31), rssiToDbm(32), rssiToDbm(99)]).toEqual([null, -113, -51, null, null]);
    expect([rsrpToDbm(-1), rsrpToDbm(0), rsrpToDbm(97), rsrpToDbm(98), rsrpToDbm(255)]).toEqual([null, -141, -44, null, null]);
    expect([rsrqToDb(-1), rsrqToDb(0), rsrqToDb(34), rsrqToDb(35), rsrqToDb(255)]).toEqual([null, -20, -3, null, null]);
  });
});
