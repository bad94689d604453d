/**
 * reportsFailure: the one predicate the timeline and the HTML report paint failures by. Expected
 * values from the protocol references (ecmt.md, qmt.md): a non-zero result, a refused CONNACK, a
 * SUBACK with 128 (failure), a link-loss URC, ERROR / +CME ERROR, a reboot banner.
 */
import { describe, expect, it } from 'vitest';
import { reportsFailure } from '../../src/dialects/index.js';
import { parseLine } from '../../src/dialects/classify.js';

describe('reportsFailure', () => {
  it.each([
    ['+ECMTCONN: 0,0,0', false],
    ['+ECMTCONN: 0,0,5', true],
    ['+ECMTOPEN: 0,-1', true],
    ['+ECMTSUB: 0,1,0,1', false],
    ['+ECMTSUB: 0,1,0,128', true],
    ['+ECMTPUB: 0,3,0', false],
    ['+ECMTPUB: 0,3,2', true],
    ['+ECMTSTAT: 0,1', true],
    ['+QMTOPEN: 0,0', false],
    ['+QMTOPEN: 0,-1', true],
    ['+QMTCONN: 0,0,5', true],
    ['+QMTSUB: 0,1,0,128', true],
    ['+QMTSUB: 0,1,0,1', false],
    ['+QMTPUBEX: 0,2,0', false],
    ['+QMTPUBEX: 0,2,2', true],
    ['+QMTSTAT: 0,2', true],
    ['OK', false],
    ['ERROR', true],
    ['+CME ERROR: 10', true],
    ['+CSQ: 20,99', false],
  ])('%s → %s', (line, failed) => {
    expect(reportsFailure(parseLine(line))).toBe(failed);
  });
});
