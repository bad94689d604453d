import { describe, expect, it } from 'vitest';
import { createRedactor, paramSpans } from '../../src/redact/redact.js';
import { StreamRedactor, type RedactedPiece } from '../../src/redact/stream-redactor.js';

const red = (line: string, dir: 'tx' | 'rx' = 'tx', r = createRedactor()) => r.line(Buffer.from(line, 'latin1'), dir).data.toString('latin1');

describe('redaction rules', () => {
  it.each([
    ['AT+ECMTCONN=0,"id","user","pass"', 'AT+ECMTCONN=0,"id","****","****"'],
    ['AT+ECMTCONN=0,"id","user"', 'AT+ECMTCONN=0,"id","****"'],
    ['AT+ECMTCONN=0,"id"', 'AT+ECMTCONN=0,"id"'],
    ['AT+ECMTCONN=0,id,user,pass', 'AT+ECMTCONN=0,id,****,****'],
    ['at+ecmtconn = 0,"id","u","p,q"', 'at+ecmtconn = 0,"id","*","***"'],
    ['AT+ECMTCFG="aliauth",0,"pk1","dev","secret"', 'AT+ECMTCFG="aliauth",0,"***","***","******"'],
    ['AT+ECMTCFG="ssl","psk","0102abcd","ident"', 'AT+ECMTCFG="ssl","psk","********","*****"'],
    ['AT+ECMTCFG="ssl",2,"ca.pem","cert.pem","key.pem"', 'AT+ECMTCFG="ssl",2,"******","********","*******"'],
    ['AT+ECMTCFG="keepalive",0,60', 'AT+ECMTCFG="keepalive",0,60'],
    ['AT+CPIN="1234"', 'AT+CPIN="****"'],
    ['AT+CLCK="SC",1,"1234"', 'AT+CLCK="SC",1,"****"'],
  ])('masks %s', (line, masked) => {
    expect(red(line)).toBe(masked);
  });

  it.each([
    ['+ECMTCFG: "aliauth",0,"pk1","dev","secret"', '+ECMTCFG: "aliauth",0,"***","***","******"'],
    ['+ICCID: 89860012345678901234', '+ICCID: ********************'],
    ['+ECICCID: 89860012345678901234', '+ECICCID: ********************'],
  ])('masks the module answer %s', (line, masked) => {
    expect(red(line, 'rx')).toBe(masked);
  });

  it('masks the IMSI answer of AT+CIMI but not the IMEI answer of AT+CGSN', () => {
    const r = createRedactor();
    red('AT+CIMI\r', 'tx', r);
    expect(red('460001234567890', 'rx', r)).toBe('***************');
    red('AT+CGSN\r', 'tx', r);
    expect(red('860000000000001', 'rx', r)).toBe('860000000000001');
  });

  it('masks a known secret wherever it appears', () => {
    const r = createRedactor();
    r.addSecret('hunter22');
    expect(red('+CME ERROR: bad hunter22 value', 'rx', r)).toBe('+CME ERROR: bad ******** value');
  });

  it('splits parameters as the firmware does (quotes without escapes)', () => {
    expect(paramSpans('0,"a,b",c, "d"', 0).map((p) => [p.at, p.len, p.quoted])).toEqual([
      [0, 1, false],
      [3, 3, true],
      [8, 1, false],
      [12, 1, true],
    ]);
  });
});

describe('stream redaction', () => {
  it('masks a password split at every possible chunk boundary', () => {
    const line = 'AT+ECMTCONN=0,"id","user","pa55word"\r';
    for (let cut = 1; cut < line.length; cut++) {
      const out: RedactedPiece[] = [];
      const s = new StreamRedactor(createRedactor(), (p) => out.push(p));
      s.push('tx', Buffer.from(line.slice(0, cut)), 0);
      s.push('tx', Buffer.from(line.slice(cut)), 0);
      s.flush();
      const all = Buffer.concat(out.map((p) => p.data)).toString();
      expect(all).toBe('AT+ECMTCONN=0,"id","****","********"\r');
    }
  });

  it('masks the rest of a sensitive line that was flushed before its end', () => {
    const out: RedactedPiece[] = [];
    const s = new StreamRedactor(createRedactor(), (p) => out.push(p));
    s.push('tx', Buffer.from('AT+ECMTCONN=0,"id","us'), 0);
    s.flush();
    s.push('tx', Buffer.from('er","pa55word"\r'), 0);
    const all = Buffer.concat(out.map((p) => p.data)).toString();
    expect(all).not.toContain('pa55word');
    expect(all).not.toContain('user');
    expect(all.length).toBe('AT+ECMTCONN=0,"id","user","pa55word"\r'.length);
  });

  it('passes bytes through chunk for chunk when redaction is off', () => {
    const out: RedactedPiece[] = [];
    const s = new StreamRedactor(null, (p) => out.push(p));
    s.push('rx', Buffer.from('\r\nO'), 1);
    s.push('rx', Buffer.from('K\r\n'), 2);
    expect(out.map((p) => [p.data.toString(), p.t])).toEqual([
      ['\r\nO', 1],
      ['K\r\n', 2],
    ]);
  });
});
