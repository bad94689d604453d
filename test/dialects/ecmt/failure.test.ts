import { describe, expect, it } from 'vitest';
import { resultFailure, type ResultUrc } from '../../../src/dialects/ecmt/failure.js';
import { parseLine } from '../../../src/dialects/classify.js';

// the table of shared/protocol/ecmt.md "Result URCs": which result URCs report a failure
const CASES: Array<[string, boolean]> = [
  ['+ECMTOPEN: 0,0', false],
  ['+ECMTOPEN: 0,-1', true],
  ['+ECMTCLOSE: 0,-1', true],
  ['+ECMTDISC: 0,0', false],
  ['+ECMTDISC: 0,-1', true],
  ['+ECMTCONN: 0,0,0', false],
  ['+ECMTCONN: 0,0,4', true],
  ['+ECMTCONN: 0,0,5', true],
  ['+ECMTCON:0,0,5', true],
  ['+ECMTCONN: 0,2,2', true],
  ['+ECMTCONN: 0,1,0', true],
  ['+ECMTSUB: 0,1,0,1', false],
  ['+ECMTSUB: 0,1,0,0', false],
  ['+ECMTSUB: 0,1,0,128', true],
  ['+ECMTSUB: 0,1,2,0', true],
  ['+ECMTUNS: 0,1,0', false],
  ['+ECMTUNS: 0,1,1', true],
  ['+ECMTPUB: 0,5,0', false],
  ['+ECMTPUB: 0,5,2', true],
];

describe('resultFailure: a two-phase command failed although it answered OK', () => {
  it.each(CASES)('%s → failure %s, with a reason in both languages', (line, failed) => {
    const ev = parseLine(line) as ResultUrc;
    expect(ev.type).toMatch(/^ecmt-/);
    const r = resultFailure(ev);
    expect(r !== null).toBe(failed);
    if (r) {
      expect(r.en).not.toBe('');
      expect(r.zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
