import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundaryOf, parseRecvHeader, parseRecvHeaderBytes, recvBlockEvent, recvEvent, recvHeaderLength } from '../../../src/dialects/ecmt/urc.js';
import { type PayloadEnd } from '../../../src/urc/index.js';
import { parseLine } from '../../../src/dialects/classify.js';

type Row = [line: string, expected: Record<string, unknown>];

describe('ECMT URCs', () => {
  const rows: Row[] = [
    ['+ECMTOPEN: 0,0', { type: 'ecmt-open', connectId: 0, result: 0 }],
    ['+ECMTOPEN:0,0', { type: 'ecmt-open', connectId: 0, result: 0 }],
    ['+ECMTOPEN: 0,-1', { type: 'ecmt-open', connectId: 0, result: -1 }],
    ['+ECMTOPEN: 0, -1 ', { type: 'ecmt-open', connectId: 0, result: -1 }],
    ['+ECMTCLOSE: 0,0', { type: 'ecmt-close', connectId: 0, result: 0 }],
    ['+ECMTCLOSE:0,-1', { type: 'ecmt-close', connectId: 0, result: -1 }],
    ['+ECMTCONN: 0,0,0', { type: 'ecmt-conn', connectId: 0, result: 0, retCode: 0 }],
    ['+ECMTCONN: 0,0,5', { type: 'ecmt-conn', connectId: 0, result: 0, retCode: 5 }],
    ['+ECMTCONN: 0,2,2', { type: 'ecmt-conn', connectId: 0, result: 2, retCode: 2 }],
    ['+ECMTCONN:0,0,4', { type: 'ecmt-conn', connectId: 0, result: 0, retCode: 4 }],
    ['+ECMTCONN: 0,0,', { type: 'ecmt-conn', connectId: 0, result: 0, retCode: null }],
    ['+ECMTCONN: 0,-1,0', { type: 'ecmt-conn', connectId: 0, result: -1, retCode: 0 }],
    ['+ECMTCON:0,0,5', { type: 'ecmt-conn', connectId: 0, result: 0, retCode: 5, variant: 'ECMTCON' }],
    ['+ECMTCON: 0,0,0', { type: 'ecmt-conn', connectId: 0, result: 0, retCode: 0, variant: 'ECMTCON' }],
    ['+ECMTDISC: 0,0', { type: 'ecmt-disc', connectId: 0, result: 0 }],
    ['+ECMTDISC:0,-1', { type: 'ecmt-disc', connectId: 0, result: -1 }],
    ['+ECMTSUB: 0,1,0,1', { type: 'ecmt-sub', connectId: 0, msgId: 1, result: 0, value: 1 }],
    ['+ECMTSUB:0,7,2,0', { type: 'ecmt-sub', connectId: 0, msgId: 7, result: 2, value: 0 }],
    ['+ECMTSUB: 0,1,0', { type: 'ecmt-sub', connectId: 0, msgId: 1, result: 0, value: null }],
    ['+ECMTSUB: 0,1,0,1,2', { type: 'ecmt-sub', connectId: 0, msgId: 1, result: 0, value: 1, extra: 2 }],
    ['+ECMTSUB: 0,1,0,128', { type: 'ecmt-sub', connectId: 0, msgId: 1, result: 0, value: 128 }],
    ['+ECMTUNS: 0,3,0', { type: 'ecmt-uns', connectId: 0, msgId: 3, result: 0 }],
    ['+ECMTUNS:0,3,2', { type: 'ecmt-uns', connectId: 0, msgId: 3, result: 2 }],
    ['+ECMTUNS: 0,3,0,1', { type: 'ecmt-uns', connectId: 0, msgId: 3, result: 0, extra: 1 }],
    ['+ECMTPUB: 0,0,0', { type: 'ecmt-pub', connectId: 0, msgId: 0, result: 0 }],
    ['+ECMTPUB:0,65535,1', { type: 'ecmt-pub', connectId: 0, msgId: 65535, result: 1 }],
    ['+ECMTPUB: 0,5,2', { type: 'ecmt-pub', connectId: 0, msgId: 5, result: 2 }],
    ['+ECMTPUB: 0,5,0,1', { type: 'ecmt-pub', connectId: 0, msgId: 5, result: 0, extra: 1 }],
    ['+ECMTSTAT: 0,1', { type: 'ecmt-stat', connectId: 0, errCode: 1 }],
    ['+ECMTSTAT:0,1', { type: 'ecmt-stat', connectId: 0, errCode: 1 }],
  ];

  it.each(rows)('reads %j', (line, expected) => {
    expect(parseLine(line)).toStrictEqual({ ...expected, raw: line });
  });

  it('sets variant and extra only when the line has them', () => {
    const conn = parseLine('+ECMTCONN: 0,0,0');
    const pub = parseLine('+ECMTPUB: 0,0,0');
    expect(Object.keys(conn)).not.toContain('variant');
    expect(Object.keys(pub)).not.toContain('extra');
  });
});

describe('ECMT read and test answers', () => {
  const rows: Row[] = [
    ['+ECMTOPEN:0,"broker.example.com",1883', { type: 'ecmt-open-state', connectId: 0, host: 'broker.example.com', port: 1883 }],
    ['+ECMTOPEN: 0,"10.0.0.1",8883', { type: 'ecmt-open-state', connectId: 0, host: '10.0.0.1', port: 8883 }],
    ['+ECMTOPEN:0,mqtt.local,1883', { type: 'ecmt-open-state', connectId: 0, host: 'mqtt.local', port: 1883 }],
    ['+ECMTCONN:0,1', { type: 'ecmt-conn-state', connectId: 0, state: 1 }],
    ['+ECMTCONN:0,2', { type: 'ecmt-conn-state', connectId: 0, state: 2 }],
    ['+ECMTCONN:0,3', { type: 'ecmt-conn-state', connectId: 0, state: 3 }],
    ['+ECMTCONN: 0,4', { type: 'ecmt-conn-state', connectId: 0, state: 4 }],
    ['+ECMTCFG: "keepalive",0', { type: 'ecmt-cfg', cfgType: 'keepalive', values: ['0'], form: 'query' }],
    ['+ECMTCFG: "keepalive",120', { type: 'ecmt-cfg', cfgType: 'keepalive', values: ['120'], form: 'query' }],
    ['+ECMTCFG:"session",1', { type: 'ecmt-cfg', cfgType: 'session', values: ['1'], form: 'query' }],
    ['+ECMTCFG: "timeout",10,3,0', { type: 'ecmt-cfg', cfgType: 'timeout', values: ['10', '3', '0'], form: 'query' }],
    ['+ECMTCFG: "will",0,0,0,,', { type: 'ecmt-cfg', cfgType: 'will', values: ['0', '0', '0', '', ''], form: 'query' }],
    ['+ECMTCFG: "aliauth",,,', { type: 'ecmt-cfg', cfgType: 'aliauth', values: ['', '', ''], form: 'query' }],
    ['+ECMTCFG: "cloud",4,1', { type: 'ecmt-cfg', cfgType: 'cloud', values: ['4', '1'], form: 'query' }],
    ['+ECMTCFG: "dataformat","0","1"', { type: 'ecmt-cfg', cfgType: 'dataformat', values: ['0', '1'], form: 'query' }],
    ['+ECMTCFG: "keepalive"', { type: 'ecmt-cfg', cfgType: 'keepalive', values: [], form: 'query' }],
    ['+ECMTCFG:"keepalive",(0),(0-3600),', { type: 'ecmt-cfg', cfgType: 'keepalive', values: ['(0)', '(0-3600)'], form: 'test' }],
    ['+ECMTCFG:"session",(0),(0,1)', { type: 'ecmt-cfg', cfgType: 'session', values: ['(0)', '(0,1)'], form: 'test' }],
    [
      '+ECMTCFG:"timeout",(0),(1-60),(1-10),(0,1)',
      { type: 'ecmt-cfg', cfgType: 'timeout', values: ['(0)', '(1-60)', '(1-10)', '(0,1)'], form: 'test' },
    ],
    [
      '+ECMTCFG:"will",(0),(0,1),(0-2),(0,1),"will_topic","will_msg"',
      { type: 'ecmt-cfg', cfgType: 'will', values: ['(0)', '(0,1)', '(0-2)', '(0,1)', 'will_topic', 'will_msg'], form: 'test' },
    ],
    ['+ECMTCFG:"cloud",(0-255),(0-255)', { type: 'ecmt-cfg', cfgType: 'cloud', values: ['(0-255)', '(0-255)'], form: 'test' }],
    ['+ECMTOPEN: (0),"<host>",(1-65535)', { type: 'ecmt-test', command: '+ECMTOPEN', ranges: '(0),"<host>",(1-65535)' }],
    ['+ECMTOPEN: (0),<host_name>,<port>', { type: 'ecmt-test', command: '+ECMTOPEN', ranges: '(0),<host_name>,<port>' }],
    ['+ECMTCLOSE: (0)', { type: 'ecmt-test', command: '+ECMTCLOSE', ranges: '(0)' }],
    ['+ECMTDISC: (0)', { type: 'ecmt-test', command: '+ECMTDISC', ranges: '(0)' }],
    [
      '+ECMTCONN: (0),"<clientID>"[,"<username>"[,,"<password>"]]',
      { type: 'ecmt-test', command: '+ECMTCONN', ranges: '(0),"<clientID>"[,"<username>"[,,"<password>"]]' },
    ],
    ['+ECMTSUB: (0),<msgID>,"<topic>",<qos>', { type: 'ecmt-test', command: '+ECMTSUB', ranges: '(0),<msgID>,"<topic>",<qos>' }],
    ['+ECMTUNS: (0),<msgID>,"<topic>"', { type: 'ecmt-test', command: '+ECMTUNS', ranges: '(0),<msgID>,"<topic>"' }],
    [
      '+ECMTPUB: (0),<msgID>,<qos>,<retain>,"<topic>"[,"<payload>"]',
      { type: 'ecmt-test', command: '+ECMTPUB', ranges: '(0),<msgID>,<qos>,<retain>,"<topic>"[,"<payload>"]' },
    ],
  ];

  it.each(rows)('reads %j', (line, expected) => {
    expect(parseLine(line)).toStrictEqual({ ...expected, raw: line });
  });
});

describe('ECMT lines of an undocumented shape', () => {
  const rows: [string, string, string][] = [
    ['+ECMTOPEN: 0', '+ECMTOPEN', '0'],
    ['+ECMTOPEN: 0,0,0', '+ECMTOPEN', '0,0,0'],
    ['+ECMTOPEN:0,"",1883', '+ECMTOPEN', '0,"",1883'],
    ['+ECMTCONN: 0,a,0', '+ECMTCONN', '0,a,0'],
    ['+ECMTCONN: 0,0,0,0', '+ECMTCONN', '0,0,0,0'],
    ['+ECMTCONN: 0', '+ECMTCONN', '0'],
    ['+ECMTSUB: 0,1', '+ECMTSUB', '0,1'],
    ['+ECMTSUB: 0,1,0,1,2,3', '+ECMTSUB', '0,1,0,1,2,3'],
    ['+ECMTPUB: 0,0,0,0,0', '+ECMTPUB', '0,0,0,0,0'],
    ['+ECMTPUB: 0,0,"0"', '+ECMTPUB', '0,0,"0"'],
    ['+ECMTSTAT: 0', '+ECMTSTAT', '0'],
    ['+ECMTCFG: 5,1', '+ECMTCFG', '5,1'],
    ['+ECMTCONN:', '+ECMTCONN', ''],
    ['+ECMTRECV: 0,0,"no closing quote', '+ECMTRECV', '0,0,"no closing quote'],
    ['+ECMTRECV: x,0,"t",p', '+ECMTRECV', 'x,0,"t",p'],
    ['+ECMTFUTURE: 1,2', '+ECMTFUTURE', '1,2'],
  ];

  it.each(rows)('keeps %j as an info line instead of guessing', (line, prefix, rest) => {
    expect(parseLine(line)).toStrictEqual({ type: 'info', raw: line, prefix, text: rest });
  });
});

describe('+ECMTRECV read from one line', () => {
  const rows: [string, number, number, string, string][] = [
    ['+ECMTRECV: 0,987,"/a/topic",hello', 0, 987, '/a/topic', 'hello'],
    ['+ECMTRECV:0,0,"t",a,b,"c"', 0, 0, 't', 'a,b,"c"'],
    ['+ECMTRECV: 0,0,"/pc/msg",i\'m pc', 0, 0, '/pc/msg', "i'm pc"],
    ['+ECMTRECV: 0,0,"a",', 0, 0, 'a', ''],
    ['+ECMTRECV: 0,0,"ESP32/common",{', 0, 0, 'ESP32/common', '{'],
    ['+ECMTRECV: 0,0,"t",hi\r\n', 0, 0, 't', 'hi'],
    ['+ECMTRECV: 0,0,"t", spaced out  ', 0, 0, 't', ' spaced out  '],
    ['\0+ECMTRECV: 0,3,"温度",22.5', 0, 3, '温度', '22.5'],
  ];

  it.each(rows)('reads %j with an inferred boundary', (line, connectId, msgId, topic, payload) => {
    expect(parseLine(line)).toStrictEqual({
      type: 'ecmt-recv',
      raw: line,
      connectId,
      msgId,
      topic,
      payload: Buffer.from(payload, 'utf8'),
      boundary: 'inferred',
      endedBy: 'line',
      truncated: false,
    });
  });
});

describe('parseRecvHeader', () => {
  const rows: [line: string, header: string, topic: string, connectId: number, msgId: number][] = [
    ['+ECMTRECV: 0,987,"/a/topic",hello', '+ECMTRECV: 0,987,"/a/topic",', '/a/topic', 0, 987],
    ['+ECMTRECV:0,1,"t",x', '+ECMTRECV:0,1,"t",', 't', 0, 1],
    ['+ECMTRECV: 0,1,"a,b",x', '+ECMTRECV: 0,1,"a,b",', 'a,b', 0, 1],
    ['+ECMTRECV: 0,1,"a"b",x', '+ECMTRECV: 0,1,"a"b",', 'a"b', 0, 1],
    ['+ECMTRECV: 0,1,"t","a","b"', '+ECMTRECV: 0,1,"t",', 't', 0, 1],
    ['+ECMTRECV: 0,1,"",x', '+ECMTRECV: 0,1,"",', '', 0, 1],
    ['+ECMTRECV: 0,65535,"t",', '+ECMTRECV: 0,65535,"t",', 't', 0, 65535],
    ['\0\0+ECMTRECV: 0,2,"t",x', '\0\0+ECMTRECV: 0,2,"t",', 't', 0, 2],
  ];

  it.each(rows)('finds the payload start in %j', (line, header, topic, connectId, msgId) => {
    const h = parseRecvHeader(line);
    expect(h).toStrictEqual({ connectId, msgId, topic, headerLength: header.length, text: header });
    expect(line.slice(0, h!.headerLength)).toBe(header);
  });

  it.each([
    'hello',
    '',
    '+ECMTRECV: 0,1,"t"',
    '+ECMTRECV: 0,1,t,x',
    '+ECMTRECV: a,1,"t",x',
    '+ECMTRECV: 0,"t",x',
    ' +ECMTRECV: 0,1,"t",x',
    '+ECMTSUB: 0,1,0,1',
    'x+ECMTRECV: 0,1,"t",x',
  ])('returns null for %j', (line) => {
    expect(parseRecvHeader(line)).toBeNull();
  });

  it('counts bytes and decodes a UTF-8 topic when given bytes', () => {
    const header = '+ECMTRECV: 0,1,"温度/传感器",';
    const bytes = Buffer.from(`${header}22.5`, 'utf8');
    const h = parseRecvHeaderBytes(bytes);
    expect(h).toStrictEqual({ connectId: 0, msgId: 1, topic: '温度/传感器', headerLength: Buffer.byteLength(header), text: header });
    expect(bytes.subarray(h!.headerLength).toString()).toBe('22.5');
    // the text form counts characters, which differ from bytes here
    expect(parseRecvHeader(`${header}22.5`)!.headerLength).toBe(header.length);
  });

  it('returns null from bytes that are not a header', () => {
    expect(parseRecvHeaderBytes(Buffer.from('+ECMTPUB: 0,0,0'))).toBeNull();
    expect(parseRecvHeaderBytes(Buffer.alloc(0))).toBeNull();
  });
});

describe('recvEvent and recvBlockEvent', () => {
  it('builds the event with the exact payload bytes and raw as header text plus payload text', () => {
    const h = parseRecvHeader('+ECMTRECV: 0,0,"ESP32/common",{')!;
    const payload = Buffer.from('{\r\n        "command": "putdown"\r\n}', 'utf8');
    expect(recvEvent(h, payload, 'certain', 'frame', false)).toStrictEqual({
      type: 'ecmt-recv',
      raw: '+ECMTRECV: 0,0,"ESP32/common",{\r\n        "command": "putdown"\r\n}',
      connectId: 0,
      msgId: 0,
      topic: 'ESP32/common',
      payload,
      boundary: 'certain',
      endedBy: 'frame',
      truncated: false,
    });
  });

  it('keeps invalid UTF-8 bytes in the payload and shows them as U+FFFD in raw', () => {
    const h = parseRecvHeader('+ECMTRECV: 0,0,"bin",')!;
    const payload = Buffer.from([0x41, 0xff, 0xfe, 0x42]);
    const ev = recvEvent(h, payload, 'inferred', 'cut', true);
    expect(ev.payload.equals(Buffer.from([0x41, 0xff, 0xfe, 0x42]))).toBe(true);
    expect(ev.raw).toBe('+ECMTRECV: 0,0,"bin",A\uFFFD\uFFFDB');
    expect(ev.truncated).toBe(true);
  });

  const ends: [PayloadEnd, 'certain' | 'inferred'][] = [
    ['frame', 'certain'],
    ['quiet', 'certain'],
    ['eof', 'certain'],
    ['prefix', 'inferred'],
    ['cut', 'inferred'],
    ['line', 'inferred'],
  ];

  it.each(ends)('calls a payload ended by %s %s', (endedBy, boundary) => {
    expect(boundaryOf(endedBy)).toBe(boundary);
    const ev = recvBlockEvent(Buffer.from('+ECMTRECV: 0,5,"t",'), Buffer.from('x'), endedBy, false);
    expect(ev).toMatchObject({ type: 'ecmt-recv', msgId: 5, topic: 't', boundary, endedBy });
  });

  it('turns a block whose header does not parse into an info line', () => {
    const ev = recvBlockEvent(Buffer.from('+ECMTRECV: 0,5,"t"'), Buffer.from('x'), 'frame', false);
    expect(ev).toStrictEqual({ type: 'info', raw: '+ECMTRECV: 0,5,"t"x', prefix: '+ECMTRECV', text: '0,5,"t"x' });
  });
});

describe('recvHeaderLength: the header length alone', () => {
  it('a property: parseRecvHeader(line)?.headerLength, or -1, for header-like lines and any others (3,000 runs)', () => {
    const part = fc.constantFrom('+ECMTRECV', '+ecmtrecv', '+ECMTRECV:', ':', ' ', '\0', '0', '12', '12345678901', ',', '"', '",', 'dev/42/down', '温度', '+ECMTPUB: 0,1,0', 'x', '\r\n');
    const header = fc
      .tuple(fc.constantFrom('', '\0'), fc.constantFrom('+ECMTRECV:', '+ecmtrecv: ', '+EcMtReCv:  ', '+ECMTRECV'), fc.constantFrom('0', '12345678901', ''), fc.constantFrom(',1,', ',', ', 1,'), fc.constantFrom('"dev/42/down",', '"温度",', '"t"', '"a",b",'))
      .map((p) => p.join(''));
    fc.assert(
      fc.property(header, fc.array(part, { maxLength: 12 }), fc.boolean(), (h, parts, withHeader) => {
        const line = (withHeader ? h : '') + parts.join('');
        expect(recvHeaderLength(line)).toBe(parseRecvHeader(line)?.headerLength ?? -1);
      }),
      { numRuns: 3000 },
    );
    for (const line of ['+ECMTRECV: 0,1,"t",x', '\0\0+ECMTRECV:0,1,"a/b",{', '+ECMTRECV: 0,1,"t"', 'OK', '']) expect(recvHeaderLength(line)).toBe(parseRecvHeader(line)?.headerLength ?? -1);
  });
});
