import { describe, expect, it } from 'vitest';
import { isKnownFrameStart, parseLine } from '../../src/dialects/classify.js';
import { parseRecvHeader } from '../../src/dialects/ecmt/urc.js';

/**
 * Every string ../../../shared/field-logs/observed.md reports a real module printing
 * (placeholders replaced by plausible values).
 */
describe('field-observed strings', () => {
  const rows: [string, Record<string, unknown>][] = [
    ['+CME ERROR: 3', { type: 'cme-error', code: 3, text: null }],
    ['OK', { type: 'ok' }],
    ['ERROR', { type: 'error' }],
    ['+ECMTOPEN: 0,0', { type: 'ecmt-open', connectId: 0, result: 0 }],
    ['+ECMTCONN: 0,0,0', { type: 'ecmt-conn', connectId: 0, result: 0, retCode: 0 }],
    ['+ECMTCONN: 0,2,2', { type: 'ecmt-conn', connectId: 0, result: 2, retCode: 2 }],
    ['+ECMTCON:0,0,5', { type: 'ecmt-conn', connectId: 0, result: 0, retCode: 5, variant: 'ECMTCON' }],
    ['+ECMTSUB: 0,1,0,1', { type: 'ecmt-sub', connectId: 0, msgId: 1, result: 0, value: 1 }],
    ['+ECMTPUB: 0,0,0', { type: 'ecmt-pub', connectId: 0, msgId: 0, result: 0 }],
    ['+ECMTPUB: 0,2,0', { type: 'ecmt-pub', connectId: 0, msgId: 2, result: 0 }],
    ['+ECMTSTAT: 0,1', { type: 'ecmt-stat', connectId: 0, errCode: 1 }],
    ['+ECMTDISC: 0,0', { type: 'ecmt-disc', connectId: 0, result: 0 }],
    ['+CPIN: READY', { type: 'cpin', state: 'READY' }],
    ['+CGCONTRDP: 0,5,"cmnbiot","10.1.2.3.255.255.255.0"', { type: 'cgcontrdp', cid: 0, fields: ['5', 'cmnbiot', '10.1.2.3.255.255.255.0'] }],
    ['+CGCONTRDP: 0', { type: 'cgcontrdp', cid: 0, fields: [] }],
    ['+ECDNS: 39.156.66.10', { type: 'ecdns', addresses: ['39.156.66.10'] }],
    ['+CGPADDR: 0,10.20.30.40', { type: 'cgpaddr', cid: 0, addresses: ['10.20.30.40'] }],
    [
      '+ECPING: SUCC, dest: 82.157.129.239, RTT: 312 ms',
      { type: 'ecping', kind: 'succ', dest: '82.157.129.239', rttMs: 312, timeoutMs: null },
    ],
  ];

  it.each(rows)('reads %j', (line, expected) => {
    expect(parseLine(line)).toStrictEqual({ ...expected, raw: line });
  });

  it.each([
    ['+ECMTRECV: 0,987,"/device/topic",hello', 987, '/device/topic', 'hello'],
    ['+ECMTRECV: 0,0,"ESP32/common",{', 0, 'ESP32/common', '{'],
    ['+ECMTRECV: 0,0,"attributes/push",{"key":', 0, 'attributes/push', '{"key":'],
    ['+ECMTRECV: 0,0,"/pc/msg",i\'m pc', 0, '/pc/msg', "i'm pc"],
  ])('reads the downlink header of %j', (line, msgId, topic, payload) => {
    const h = parseRecvHeader(line);
    expect(h).toMatchObject({ connectId: 0, msgId, topic });
    expect(line.slice(h!.headerLength)).toBe(payload);
    expect(parseLine(line)).toMatchObject({ type: 'ecmt-recv', msgId, topic, payload: Buffer.from(payload) });
  });

  it.each([
    ['OK\r\n\r\n+ECMTOPEN: 0,0', ['ok', 'ecmt-open']],
    ['OK\r\n\r\n+ECMTCONN: 0,0,0', ['ok', 'ecmt-conn']],
    ['OK\r\n\r\n+ECMTSUB: 0,1,0,1', ['ok', 'ecmt-sub']],
    ['+ECMTSTAT: 0,1\r\n\r\n+ECMTCONN: 0,0,0', ['ecmt-stat', 'ecmt-conn']],
    ['\r\n+ECMTCONN: 0,2,2\r\n\r\n+ECMTCONN: 0,0,0\r\n', ['ecmt-conn', 'ecmt-conn']],
  ])('reads the receive buffer %j line by line', (buffer, types) => {
    const lines = buffer.split('\r\n').filter((l) => l.length > 0);
    expect(lines.map((l) => parseLine(l).type)).toEqual(types);
    expect(lines.every((l) => isKnownFrameStart(l))).toBe(true);
  });

  it('does not take the lines of a pretty-printed JSON payload for frames', () => {
    const payloadLines = ['        "command": "putdown"', '}', '{', '  "OK": true,', '  "GPSTime":"…","key":12}'];
    for (const l of payloadLines) expect(isKnownFrameStart(l), l).toBe(false);
  });
});
