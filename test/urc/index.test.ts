import { describe, expect, it } from 'vitest';
import { explain } from '../../src/urc/index.js';
import { isKnownFrameStart, isRecvStart, parseLine } from '../../src/dialects/classify.js';
import { parseRecvHeader } from '../../src/dialects/ecmt/urc.js';

describe('parseLine dispatch', () => {
  it.each([
    ['+CGSN: 861234567890123', '+CGSN', '861234567890123'],
    ['+QIURC: "closed",0', '+QIURC', '"closed",0'],
    ['+ECSTATUS: PHY, DlEarfcn:2506', '+ECSTATUS', 'PHY, DlEarfcn:2506'],
    ['+ECURC:"ALL":(0-1)', '+ECURC', '"ALL":(0-1)'],
    ['+Cgmr:  V1.0  ', '+Cgmr', 'V1.0'],
    ['+X:', '+X', ''],
  ])('reads %j as an info line with its prefix as printed', (line, prefix, text) => {
    expect(parseLine(line)).toStrictEqual({ type: 'info', raw: line, prefix, text });
  });

  it.each([
    'EC616S',
    '',
    '   ',
    '\0\0',
    '\r\n',
    'AT+CSQ',
    '> ',
    'hello world',
    '+',
    '+:',
    '+CSQ',
    '+CSQ 23,99',
    '+1ABC: x',
    '+FOO BAR: x',
    '+A  B: x',
    '+ABC : x',
    '"command": "putdown"',
    '}',
    '\x1b[0m+CSQ: 1,2',
  ])('reads %j as unknown', (line) => {
    expect(parseLine(line)).toStrictEqual({ type: 'unknown', raw: line });
  });

  it('ignores leading NULs and surrounding whitespace but keeps raw as given', () => {
    const line = '\0\0  +CSQ: 23,99 \r\n';
    expect(parseLine(line)).toStrictEqual({ type: 'csq', raw: line, rssi: 23, ber: 99, dbm: -67 });
  });

  it('reads prefixes without regard to case', () => {
    expect(parseLine('+csq: 23,99')).toMatchObject({ type: 'csq', rssi: 23 });
    expect(parseLine('+ecmtconn: 0,0,5')).toMatchObject({ type: 'ecmt-conn', retCode: 5 });
  });

  it('turns a non-string argument into an unknown event instead of throwing', () => {
    expect(parseLine(undefined as unknown as string)).toStrictEqual({ type: 'unknown', raw: 'undefined' });
    expect(parseLine(42 as unknown as string)).toStrictEqual({ type: 'unknown', raw: '42' });
  });
});

describe('isKnownFrameStart', () => {
  it.each([
    'OK',
    'OK\r',
    'ERROR',
    'ERROR \r\n',
    '\0OK',
    '+CME ERROR: 3',
    '+CME ERROR:3',
    '+CMS ERROR: 500',
    '+ECMTOPEN: 0,0',
    '+ECMTCLOSE: 0,0',
    '+ECMTCONN: 0,0,0',
    '+ECMTCON:0,0,5',
    '+ECMTDISC: 0,0',
    '+ECMTSUB: 0,1,0,1',
    '+ECMTUNS: 0,1,0',
    '+ECMTPUB: 0,0,0',
    '+ECMTSTAT: 0,1',
    '+ECMTRECV: 0,0,"t",x',
    '+ECMTCFG: "keepalive",0',
    '+ECMTFUTURE: 1',
    '+CEREG: 1',
    '+CREG: 1',
    '+CGREG: 1',
    '+CGATT: 1',
    '+CGPADDR: 1,"10.0.0.1"',
    '+CGEV: NW DETACH',
    '+CGCONTRDP: 0',
    '+CPIN: READY',
    '+CSQ: 23,99',
    '+CESQ: 99,99,255,255,20,40',
    '+CFUN: 1',
    '+ECDNS: "1.2.3.4"',
    '+ECPING: DONE',
    'RDY',
    '^SYSSTART',
  ])('is true for %j', (line) => {
    expect(isKnownFrameStart(line)).toBe(true);
  });

  it.each([
    'ok',
    ' OK',
    '\tOK',
    'OK then',
    'OKAY',
    'ERRORS',
    '"OK"',
    '',
    '\0',
    '+',
    '+CGSN: 861234567890123',
    '+Word: x',
    '+QIURC: "closed",0',
    '+ecmtopen: 0,0',
    '+ECMTopen: 0,0',
    '+ECMT: 1',
    ' +CSQ: 23,99',
    '+CSQ 23,99',
    'AT+ECMTOPEN?',
    '{',
    '        "command": "putdown"',
    '}',
    'RDYX',
    'rdy',
  ])('is false for %j', (line) => {
    expect(isKnownFrameStart(line)).toBe(false);
  });

  it('recognises the start of a downlink message strictly', () => {
    expect(isRecvStart('+ECMTRECV: 0,0,"t",x')).toBe(true);
    expect(isRecvStart('\0+ECMTRECV:0,0,"t",x')).toBe(true);
    expect(isRecvStart(' +ECMTRECV: 0,0,"t",x')).toBe(false);
    expect(isRecvStart('+ECMTREC: 0')).toBe(false);
  });
});

describe('robustness', () => {
  /** Deterministic PRNG so a failure can be reproduced. */
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 0x100000000;
    };
  }

  const prefixes = ['', '+', '+CME ERROR:', '+ECMTRECV:', '+ECMTRECV: 0,0,"', '+ECMTCONN:', '+ECMTCFG:', '+CEREG:', '+CSQ:', '+ECPING:', '+CGPADDR:', 'R', '^SYSSTART', 'O', 'E', '\0'];

  it('never throws on random byte strings and always keeps raw', () => {
    const r = rng(12345);
    for (let i = 0; i < 5000; i++) {
      const len = Math.floor(r() * 120);
      let s = prefixes[Math.floor(r() * prefixes.length)]!;
      for (let j = 0; j < len; j++) {
        // mostly printable AT-ish characters, with control bytes and high bytes mixed in
        const k = r();
        s += k < 0.1 ? String.fromCharCode(Math.floor(r() * 32)) : k < 0.2 ? String.fromCharCode(128 + Math.floor(r() * 128)) : ',"()0123456789-: ABCDEFxyz'[Math.floor(r() * 26)]!;
      }
      const ev = parseLine(s);
      expect(typeof ev.type).toBe('string');
      expect(ev.raw).toBe(s);
      expect(typeof isKnownFrameStart(s)).toBe('boolean');
      expect(() => explain(ev)).not.toThrow();
      expect(() => parseRecvHeader(s)).not.toThrow();
    }
  });

  it('handles huge lines without trouble', () => {
    const junk = 'x'.repeat(5_000_000);
    expect(parseLine(`+CSQ: ${junk}`)).toMatchObject({ type: 'info', prefix: '+CSQ' });
    expect(parseLine(`+ECMTCONN: 0,0,${junk}`).type).toBe('info');
    expect(parseLine(junk).type).toBe('unknown');
    expect(parseLine(`+${junk}: 1`).type).toBe('unknown');
    const recv = parseLine(`+ECMTRECV: 0,0,"t",${junk}`);
    expect(recv).toMatchObject({ type: 'ecmt-recv', topic: 't' });
    expect(recv.type === 'ecmt-recv' && recv.payload.length).toBe(5_000_000);
    expect(isKnownFrameStart(junk)).toBe(false);
  });
});
