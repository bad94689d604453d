import { describe, expect, it } from 'vitest';
import { isSolicitedRegAnswer } from '../../src/urc/index.js';
import { parseLine } from '../../src/dialects/classify.js';

type Row = [line: string, expected: Record<string, unknown>];

const reg = (family: string, solicited: boolean, n: number | null, stat: number, tac: string | null = null, ci: string | null = null, act: number | null = null) => ({
  type: 'reg',
  family,
  solicited,
  n,
  stat,
  tac,
  ci,
  act,
});

describe('network registration', () => {
  const rows: Row[] = [
    // read answers (AT+CEREG?): <n>,<stat>…
    ['+CEREG: 0,1', reg('CEREG', true, 0, 1)],
    ['+CEREG:0,5', reg('CEREG', true, 0, 5)],
    ['+CEREG: 0,3', reg('CEREG', true, 0, 3)],
    ['+CEREG: 2,1,"1A2B","01A2B3C4",7', reg('CEREG', true, 2, 1, '1A2B', '01A2B3C4', 7)],
    ['+CEREG: 2,5,"1A2B","01A2B3C4",9', reg('CEREG', true, 2, 5, '1A2B', '01A2B3C4', 9)],
    ['+CEREG: 4,1,"1A2B","01A2B3C4",9,,,"00100100","01000011"', reg('CEREG', true, 4, 1, '1A2B', '01A2B3C4', 9)],
    ['+CEREG: 2,2', reg('CEREG', true, 2, 2)],
    ['+CREG: 0,1', reg('CREG', true, 0, 1)],
    ['+CREG: 2,1,"1A2B","01A2B3C4",7', reg('CREG', true, 2, 1, '1A2B', '01A2B3C4', 7)],
    ['+CGREG: 1,5', reg('CGREG', true, 1, 5)],
    // URCs: <stat>…
    ['+CEREG: 1', reg('CEREG', false, null, 1)],
    ['+CEREG:2', reg('CEREG', false, null, 2)],
    ['+CEREG: 1,"1A2B","01A2B3C4",9', reg('CEREG', false, null, 1, '1A2B', '01A2B3C4', 9)],
    ['+CEREG: 5,"00C3","0A2B3C4D",7,,,"00100100","01000011"', reg('CEREG', false, null, 5, '00C3', '0A2B3C4D', 7)],
    ['+CEREG: 1,"1A2B","01A2B3C4"', reg('CEREG', false, null, 1, '1A2B', '01A2B3C4')],
    ['+CEREG: 0,,,', reg('CEREG', false, null, 0)],
    ['+CREG: 1,"1A2B","01A2B3C4",7', reg('CREG', false, null, 1, '1A2B', '01A2B3C4', 7)],
    ['+CGREG: 4', reg('CGREG', false, null, 4)],
  ];

  it.each(rows)('reads %j', (line, expected) => {
    expect(parseLine(line)).toStrictEqual({ ...expected, raw: line });
  });

  it.each([
    ['+CEREG: x', 'x'],
    ['+CEREG:', ''],
    ['+CEREG: 1,"1A2B","01A2B3C4",LTE', '1,"1A2B","01A2B3C4",LTE'],
    ['+CEREG: "1"', '"1"'],
    ['+CREG: a,1', 'a,1'],
  ])('keeps %j as an info line', (line, text) => {
    expect(parseLine(line)).toMatchObject({ type: 'info', text });
  });

  const solicited: [string, boolean][] = [
    ['+CEREG: 0,1', true],
    ['+CEREG: 2,1,"1A2B","01A2B3C4",7', true],
    ['+CREG: 0,5', true],
    ['\0 +CGREG: 0,1\r', true],
    ['+CEREG: 1', false],
    ['+CEREG: 1,"1A2B","01A2B3C4",9', false],
    ['+CEREG: 0,"1"', false],
    ['+CSQ: 1,2', false],
    ['OK', false],
    ['', false],
  ];

  it.each(solicited)('isSolicitedRegAnswer(%j) is %s', (line, expected) => {
    expect(isSolicitedRegAnswer(line)).toBe(expected);
  });
});
