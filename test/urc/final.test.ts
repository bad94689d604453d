import { describe, expect, it } from 'vitest';
import { parseFinal } from '../../src/urc/index.js';
import { parseLine } from '../../src/dialects/classify.js';

type Row = [line: string, expected: Record<string, unknown>];

describe('final results', () => {
  const rows: Row[] = [
    ['OK', { type: 'ok' }],
    ['ERROR', { type: 'error' }],
    ['OK\r', { type: 'ok' }],
    ['\0\0OK\r\n', { type: 'ok' }],
    ['  ERROR  ', { type: 'error' }],
    ['+CME ERROR: 3', { type: 'cme-error', code: 3, text: null }],
    ['+CME ERROR:3', { type: 'cme-error', code: 3, text: null }],
    ['+CME ERROR:  50 ', { type: 'cme-error', code: 50, text: null }],
    ['+CME ERROR: 9999', { type: 'cme-error', code: 9999, text: null }],
    ['+CME ERROR: operation not allowed', { type: 'cme-error', code: 3, text: 'operation not allowed' }],
    ['+CME ERROR: Operation  Not Allowed', { type: 'cme-error', code: 3, text: 'Operation  Not Allowed' }],
    ['+CME ERROR:operation not allowed', { type: 'cme-error', code: 3, text: 'operation not allowed' }],
    ['+CME ERROR: "operation not allowed"', { type: 'cme-error', code: 3, text: 'operation not allowed' }],
    ['+CME ERROR: UE is in minimal function mode', { type: 'cme-error', code: 524, text: 'UE is in minimal function mode' }],
    ['+CME ERROR: pdn not actived', { type: 'cme-error', code: 304, text: 'pdn not actived' }],
    ['+CME ERROR: no nw service', { type: 'cme-error', code: 30, text: 'no nw service' }],
    ['+CME ERROR: Back off timer is running', { type: 'cme-error', code: 537, text: 'Back off timer is running' }],
    ['+CME ERROR: something the table does not know', { type: 'cme-error', code: null, text: 'something the table does not know' }],
    ['+CME ERROR:', { type: 'cme-error', code: null, text: null }],
    ['+CME ERROR: ', { type: 'cme-error', code: null, text: null }],
    ['+cme error: 10', { type: 'cme-error', code: 10, text: null }],
    ['+CMS ERROR: 500', { type: 'cms-error', code: 500, text: null }],
    ['+CMS ERROR:302', { type: 'cms-error', code: 302, text: null }],
    ['+CMS ERROR: unknown error', { type: 'cms-error', code: null, text: 'unknown error' }],
    ['+CMS ERROR:', { type: 'cms-error', code: null, text: null }],
  ];

  it.each(rows)('reads %j', (line, expected) => {
    expect(parseLine(line)).toStrictEqual({ ...expected, raw: line });
  });

  it.each(['ok', 'Ok', 'OKAY', 'OK OK', 'ERRORS', 'error', 'ERROR: 3', '"OK"'])('does not take %j for a final result', (line) => {
    const ev = parseLine(line);
    expect(['ok', 'error', 'cme-error', 'cms-error']).not.toContain(ev.type);
  });

  it('parseFinal reads a final result and returns null for anything else', () => {
    expect(parseFinal('+CME ERROR: 3')).toStrictEqual({ type: 'cme-error', raw: '+CME ERROR: 3', code: 3, text: null });
    expect(parseFinal('OK\r\n')).toStrictEqual({ type: 'ok', raw: 'OK\r\n' });
    expect(parseFinal('+CSQ: 23,99')).toBeNull();
    expect(parseFinal('RDY')).toBeNull();
  });
});
