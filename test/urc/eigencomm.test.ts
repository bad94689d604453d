import { describe, expect, it } from 'vitest';
import { parseLine } from '../../src/dialects/classify.js';

type Row = [line: string, expected: Record<string, unknown>];

const ping = (kind: string, dest: string | null, rttMs: number | null, timeoutMs: number | null) => ({ type: 'ecping', kind, dest, rttMs, timeoutMs });

describe('Eigencomm DNS and ping', () => {
  const rows: Row[] = [
    ['+ECDNS: "39.156.66.10"', { type: 'ecdns', addresses: ['39.156.66.10'] }],
    ['+ECDNS: 39.156.66.10', { type: 'ecdns', addresses: ['39.156.66.10'] }],
    ['+ECDNS:"1.2.3.4","5.6.7.8"', { type: 'ecdns', addresses: ['1.2.3.4', '5.6.7.8'] }],
    ['+ECDNS: 1.2.3.4, 5.6.7.8', { type: 'ecdns', addresses: ['1.2.3.4', '5.6.7.8'] }],
    ['+ECDNS: "240e:83:205::1"', { type: 'ecdns', addresses: ['240e:83:205::1'] }],
    ['+ECPING: SUCC, dest: 180.101.147.115, RTT: 725 ms', ping('succ', '180.101.147.115', 725, null)],
    ['+ECPING: FAIL, dest: 180.101.147.115, time out: 10000 ms', ping('fail', '180.101.147.115', null, 10000)],
    ['+ECPING: FAIL, dest: 180.101.147.115, RTT: 10000 ms', ping('fail', '180.101.147.115', null, 10000)],
    ['+ECPING: DONE', ping('done', null, null, null)],
    ['+ECPING:succ,dest:1.2.3.4,rtt:5ms', ping('succ', '1.2.3.4', 5, null)],
    ['+ECPING:  Fail , Dest : 1.2.3.4 , Timeout : 3000 ms', ping('fail', '1.2.3.4', null, 3000)],
    ['+ECPING: done', ping('done', null, null, null)],
    ['+ECPING: SEND FAIL: 3, dest: 1.2.3.4', ping('fail', '1.2.3.4', null, null)],
    ['+ECPING: TIMEOUT', ping('fail', null, null, null)],
  ];

  it.each(rows)('reads %j', (line, expected) => {
    expect(parseLine(line)).toStrictEqual({ ...expected, raw: line });
  });

  it.each([
    '+ECDNS: www.baidu.com',
    '+ECDNS:',
    '+ECDNS: "1.2.3.4",',
    '+ECPING: dest: 1.2.3.4, 4 packets transmittted, 4 received, 0 % packet loss',
    '+ECPING: ERROR, cause: 5',
    '+ECPING: SUCC, dest: 1.2.3.4',
  ])('keeps %j as an info line', (line) => {
    expect(parseLine(line).type).toBe('info');
  });
});
