/**
 * QMT line parsers against the strings of ../shared/protocol/qmt.md. The oracle is the
 * reference text: every expected field below is read off the quoted line by hand.
 */
import { describe, expect, it } from 'vitest';
import { parseQmtLine } from '../../../src/dialects/qmt/urc.js';

const parse = (line: string) => parseQmtLine(line);

describe('two-phase results (§3)', () => {
  it.each([
    ['+QMTOPEN: 0,0', { type: 'qmt-open', idx: 0, result: 0 }],
    ['+QMTOPEN: 0,-1', { type: 'qmt-open', idx: 0, result: -1 }],
    ['+QMTOPEN: 0,2', { type: 'qmt-open', idx: 0, result: 2 }],
    ['+QMTOPEN:5,3', { type: 'qmt-open', idx: 5, result: 3 }],
    ['+QMTCLOSE: 0,0', { type: 'qmt-close', idx: 0, result: 0 }],
    ['+QMTCLOSE: 1,-1', { type: 'qmt-close', idx: 1, result: -1 }],
    ['+QMTDISC: 0,0', { type: 'qmt-disc', idx: 0, result: 0 }],
    ['+QMTCONN: 0,0,0', { type: 'qmt-conn', idx: 0, result: 0, retCode: 0 }],
    ['+QMTCONN: 0,0,5', { type: 'qmt-conn', idx: 0, result: 0, retCode: 5 }],
    ['+QMTCONN: 0,2,0', { type: 'qmt-conn', idx: 0, result: 2, retCode: 0 }],
    // older firmware: no ret_code (C [C-HIVE])
    ['+QMTCONN: 0,0', { type: 'qmt-conn', idx: 0, result: 0, retCode: null }],
    ['+QMTSUB: 0,1,0,2', { type: 'qmt-sub', idx: 0, msgId: 1, result: 0, values: [2] }],
    ['+QMTSUB: 0,1,0,1', { type: 'qmt-sub', idx: 0, msgId: 1, result: 0, values: [1] }],
    ['+QMTSUB: 0,1,0,0,128', { type: 'qmt-sub', idx: 0, msgId: 1, result: 0, values: [0, 128] }],
    ['+QMTSUB: 0,1,2', { type: 'qmt-sub', idx: 0, msgId: 1, result: 2, values: [] }],
    ['+QMTUNS: 0,1,0', { type: 'qmt-uns', idx: 0, msgId: 1, result: 0 }],
    ['+QMTPUB: 0,1,0', { type: 'qmt-pub', idx: 0, msgId: 1, result: 0, value: null, urc: 'QMTPUB' }],
    ['+QMTPUB: 0,1,1,2', { type: 'qmt-pub', idx: 0, msgId: 1, result: 1, value: 2, urc: 'QMTPUB' }],
    ['+QMTPUBEX: 0,0,0', { type: 'qmt-pub', idx: 0, msgId: 0, result: 0, value: null, urc: 'QMTPUBEX' }],
    ['+QMTSTAT: 0,1', { type: 'qmt-stat', idx: 0, errCode: 1 }],
    ['+QMTSTAT: 2,8', { type: 'qmt-stat', idx: 2, errCode: 8 }],
    ['+QMTPING: 0,1', { type: 'qmt-ping', idx: 0, result: 1 }],
  ])('%s', (line, want) => {
    expect(parse(line)).toMatchObject({ ...want, raw: line });
  });

  it('tolerates spaces around fields, a missing space, CRLF and leading NULs', () => {
    expect(parse('+QMTCONN:0,0,0')).toMatchObject({ type: 'qmt-conn', retCode: 0 });
    expect(parse('+QMTCONN: 0 , 0 , 4 \r\n')).toMatchObject({ type: 'qmt-conn', idx: 0, result: 0, retCode: 4 });
    expect(parse('\0\0+QMTSTAT: 0,2')).toMatchObject({ type: 'qmt-stat', idx: 0, errCode: 2 });
  });

  it('rejects shapes the reference does not list', () => {
    expect(parse('+QMTOPEN: 0')).toBeNull();
    expect(parse('+QMTSTAT: 0,1,2')).toBeNull();
    expect(parse('+QMTUNS: 0,1,0,5')).toBeNull();
    expect(parse('+QMTPUB: 0,1')).toBeNull();
    expect(parse('+CEREG: 0,1')).toBeNull();
  });
});

describe('read forms (§2)', () => {
  it('AT+QMTOPEN? answers with host and port', () => {
    expect(parse('+QMTOPEN: 0,"broker.example.com",1883')).toMatchObject({ type: 'qmt-open-state', idx: 0, host: 'broker.example.com', port: 1883 });
  });

  it.each([1, 2, 3, 4])('AT+QMTCONN? state %i', (state) => {
    expect(parse(`+QMTCONN: 0,${state}`)).toMatchObject({ type: 'qmt-conn-state', idx: 0, state });
  });

  it('AT+QMTCFG queries: key echoed (BG770A) and values only (BC660K)', () => {
    expect(parse('+QMTCFG: "ssl",0')).toMatchObject({ type: 'qmt-cfg', key: 'ssl', values: ['0'], form: 'query' });
    expect(parse('+QMTCFG: "ssl",1,2')).toMatchObject({ type: 'qmt-cfg', key: 'ssl', values: ['1', '2'], form: 'query' });
    expect(parse('+QMTCFG: "recv/mode",0,1')).toMatchObject({ type: 'qmt-cfg', key: 'recv/mode', values: ['0', '1'] });
    expect(parse('+QMTCFG: 120')).toMatchObject({ type: 'qmt-cfg', key: null, values: ['120'], form: 'query' });
    expect(parse('+QMTCFG: "SSL",0')).toMatchObject({ key: 'ssl' });
  });

  it('AT+QMTCFG test form keeps ranges whole', () => {
    expect(parse('+QMTCFG: "timeout",(0-5),(1-1200),(1-10),(0,1)')).toMatchObject({ type: 'qmt-cfg', key: 'timeout', values: ['(0-5)', '(1-1200)', '(1-10)', '(0,1)'], form: 'test' });
  });

  it.each([
    ['+QMTPUB: (0-5), <msgid>,(0-2),(0,1),"topic",(1-1548)', '+QMTPUB'],
    ['+QMTOPEN: (0-5),<host_name>,(0-65535)', '+QMTOPEN'],
    ['+QMTCONN: (0-5),<clientID>,<username>,<password>', '+QMTCONN'],
    ['+QMTPUB: (0-5),(0-65535),(0-2),(0,1),<topic>,(1-4096)', '+QMTPUB'],
    ['+QMTDISC: (0-5)', '+QMTDISC'],
    ['+QMTCLOSE: (0-5)', '+QMTCLOSE'],
    ['+QMTPUBEX: (0-5), <msgid>,(0-2),(0,1),"topic","length"', '+QMTPUBEX'],
  ])('test form %s', (line, command) => {
    expect(parse(line)).toMatchObject({ type: 'qmt-test', command });
  });

  it('the PDP check AT+QIACT? (§4)', () => {
    expect(parse('+QIACT: 1,1,1,"10.160.151.51"')).toMatchObject({ type: 'qiact', cid: 1, state: 1, contextType: 1, addresses: ['10.160.151.51'] });
    expect(parse('+QIACT: 1,1,1,"10.2.198.114","240E:1::1"')).toMatchObject({ addresses: ['10.2.198.114', '240E:1::1'] });
  });
});

describe('+QMTRECV forms (§3.1) read from one line', () => {
  it('form a: payload quoted, inner quotes not escaped', () => {
    const line = '+QMTRECV: 0,0,"/server/x","{"command_type": 2, "command_id":5,"dzcount":160}"';
    const ev = parse(line);
    expect(ev).toMatchObject({ type: 'qmt-recv', idx: 0, msgId: 0, topic: '/server/x', length: null, endedBy: 'line', boundary: 'inferred' });
    expect(ev?.type === 'qmt-recv' && ev.payload.toString()).toBe('{"command_type": 2, "command_id":5,"dzcount":160}');
  });

  it('form b: the length frames the payload exactly', () => {
    const ev = parse('+QMTRECV: 0,1,"test",10,"1234567890"');
    expect(ev).toMatchObject({ type: 'qmt-recv', topic: 'test', length: 10, boundary: 'certain', endedBy: 'length', lengthMismatch: false });
    expect(ev?.type === 'qmt-recv' && ev.payload.toString()).toBe('1234567890');
    expect(parse('+QMTRECV: 0,1,"t",8,"12345678"')).toMatchObject({ length: 8, boundary: 'certain' });
  });

  it('an empty topic and payload with a large msgid (LooUQ trace)', () => {
    const ev = parse('+QMTRECV: 1,65999,"",""');
    expect(ev).toMatchObject({ type: 'qmt-recv', idx: 1, msgId: 65999, topic: '' });
    expect(ev?.type === 'qmt-recv' && ev.payload.length).toBe(0);
  });

  it('form c: buffer-mode notice; form d: slots', () => {
    expect(parse('+QMTRECV: 0,3')).toMatchObject({ type: 'qmt-recv-notice', idx: 0, recvId: 3 });
    expect(parse('+QMTRECV: 0,1,0,0,1,0')).toMatchObject({ type: 'qmt-recv-slots', idx: 0, slots: [1, 0, 0, 1, 0] });
  });
});
