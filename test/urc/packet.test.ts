import { describe, expect, it } from 'vitest';
import { parseLine } from '../../src/dialects/classify.js';

type Row = [line: string, expected: Record<string, unknown>];

describe('packet domain', () => {
  const rows: Row[] = [
    ['+CGATT: 1', { type: 'cgatt', attached: true }],
    ['+CGATT: 0', { type: 'cgatt', attached: false }],
    ['+CGATT:1', { type: 'cgatt', attached: true }],
    ['+CGPADDR: 0,10.1.2.3', { type: 'cgpaddr', cid: 0, addresses: ['10.1.2.3'] }],
    ['+CGPADDR: 1,"10.1.2.3"', { type: 'cgpaddr', cid: 1, addresses: ['10.1.2.3'] }],
    ['+CGPADDR: 1,"10.1.2.3","240E:0:0:0:0:0:0:1"', { type: 'cgpaddr', cid: 1, addresses: ['10.1.2.3', '240E:0:0:0:0:0:0:1'] }],
    ['+CGPADDR: 1,,"2001:db8::1"', { type: 'cgpaddr', cid: 1, addresses: ['2001:db8::1'] }],
    ['+CGPADDR: 1', { type: 'cgpaddr', cid: 1, addresses: [] }],
    ['+CGPADDR: 1,""', { type: 'cgpaddr', cid: 1, addresses: [] }],
    ['+CGEV: ME PDN ACT 1', { type: 'cgev', text: 'ME PDN ACT 1' }],
    ['+CGEV: NW DETACH', { type: 'cgev', text: 'NW DETACH' }],
    [
      '+CGCONTRDP: 0,5,"cmnbiot","10.1.2.3.255.255.255.0","10.1.2.1","8.8.8.8"',
      { type: 'cgcontrdp', cid: 0, fields: ['5', 'cmnbiot', '10.1.2.3.255.255.255.0', '10.1.2.1', '8.8.8.8'] },
    ],
    ['+CGCONTRDP: 1,5,"cmiot",,,', { type: 'cgcontrdp', cid: 1, fields: ['5', 'cmiot', '', '', ''] }],
    ['+CGCONTRDP: 0', { type: 'cgcontrdp', cid: 0, fields: [] }],
  ];

  it.each(rows)('reads %j', (line, expected) => {
    expect(parseLine(line)).toStrictEqual({ ...expected, raw: line });
  });

  it.each(['+CGATT: 2', '+CGATT: yes', '+CGPADDR: x,1.2.3.4', '+CGPADDR:', '+CGEV:', '+CGCONTRDP: "0"'])(
    'keeps %j as an info line',
    (line) => {
      expect(parseLine(line).type).toBe('info');
    },
  );
});
