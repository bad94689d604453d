import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { cmeCodeFromText, cmeMeaning, cmsMeaning, connackMeaning, explain, mqtt5ReasonMeaning } from '../../src/urc/index.js';
import { parseLine } from '../../src/dialects/classify.js';
import { parseRecvHeader, recvEvent } from '../../src/dialects/ecmt/urc.js';

const CJK = /[\u4e00-\u9fff]/;

function explained(line: string): { en: string; zh: string } {
  const t = explain(parseLine(line));
  expect(t, line).not.toBeNull();
  return t!;
}

describe('explain', () => {
  it('says a refused CONNECT is the broker’s verdict', () => {
    expect(explained('+ECMTCONN: 0,0,5')).toStrictEqual({
      en: 'broker refused: not authorized (CONNACK 5)',
      zh: '服务器拒绝：未授权 (CONNACK 5)',
    });
    expect(explained('+ECMTCONN: 0,0,4').en).toBe('broker refused: bad user name or password (CONNACK 4)');
    expect(explained('+ECMTCONN: 0,0,0').en).toBe('connected: broker accepted (CONNACK 0)');
  });

  it('says +ECMTCONN: 0,2,2 means CONNECT was not sent and the 2 is not the broker’s', () => {
    const t = explained('+ECMTCONN: 0,2,2');
    expect(t.en).toMatch(/CONNECT could not be sent/);
    expect(t.en).toMatch(/not the broker/);
    expect(t.en).not.toMatch(/^broker refused/);
    expect(t.zh).toMatch(/未能发出/);
    expect(t.zh).toMatch(/并非服务器/);
  });

  it('marks the +ECMTCON spelling', () => {
    expect(explained('+ECMTCON:0,0,5').en).toBe('broker refused: not authorized (CONNACK 5) [printed as +ECMTCON]');
  });

  it('gives the signal in dBm with a quality word', () => {
    expect(explained('+CSQ: 23,99')).toStrictEqual({ en: 'signal -67 dBm (excellent)', zh: '信号 -67 dBm（很好）' });
    expect(explained('+CSQ: 10,0').en).toBe('signal -93 dBm (fair)');
    expect(explained('+CSQ: 0,0').en).toBe('signal ≤ -113 dBm (poor)');
    expect(explained('+CSQ: 99,99').en).toMatch(/no signal measurement/);
    expect(explained('+CESQ: 99,99,255,255,13,47').en).toBe('RSRP -94 dBm (fair), RSRQ -13.5 dB');
  });

  it('gives the registration state and access technology', () => {
    expect(explained('+CEREG: 0,1')).toStrictEqual({ en: 'registered, home network', zh: '已注册，本地网络' });
    expect(explained('+CEREG: 1,"1A2B","01A2B3C4",9').en).toBe('registered, home network (NB-IoT (E-UTRAN NB-S1))');
    expect(explained('+CEREG: 3').en).toBe('registration denied');
  });

  it('says the +ECMTSUB value is a count on EC616S', () => {
    const t = explained('+ECMTSUB: 0,1,0,1');
    expect(t.en).toBe('subscribed: SUBACK received; msgID 1; value 1 is the count of SUBACK return codes on EC616S, not necessarily the granted QoS');
    expect(t.zh).toMatch(/个数/);
    expect(explained('+ECMTSUB: 0,1,0,2').en).toMatch(/granted QoS per the vendor manual/);
    expect(explained('+ECMTSUB: 0,1,0,128').en).toMatch(/refused the subscription/);
    expect(explained('+ECMTSUB: 0,1,0').en).toBe('subscribed: SUBACK received; msgID 1');
  });

  it('describes a downlink message and says when its end was inferred', () => {
    expect(explained('+ECMTRECV: 0,0,"/pc/msg",i\'m pc')).toStrictEqual({
      en: 'message on /pc/msg, 6 bytes, end of payload inferred',
      zh: '收到主题 /pc/msg 的消息，6 字节，载荷结束位置为推断',
    });
    const h = parseRecvHeader('+ECMTRECV: 0,0,"a/b",')!;
    expect(explain(recvEvent(h, Buffer.from('hello'), 'certain', 'frame', false))!.en).toBe('message on a/b, 5 bytes');
    expect(explain(recvEvent(h, Buffer.from('hello'), 'inferred', 'cut', true))!.en).toBe('message on a/b, 5 bytes, end of payload inferred, truncated');
  });

  it('explains ping results', () => {
    expect(explained('+ECPING: FAIL, dest: 1.2.3.4, time out: 100 ms')).toStrictEqual({
      en: 'ping to 1.2.3.4 failed (no reply within 100 ms)',
      zh: 'ping 1.2.3.4 失败（100 毫秒内无回复）',
    });
    expect(explained('+ECPING: TIMEOUT')).toStrictEqual({ en: 'ping failed', zh: 'ping 失败' });
    expect(explained('+ECPING: SUCC, dest: 1.2.3.4, RTT: 5 ms').en).toBe('ping reply from 1.2.3.4 in 5 ms');
  });

  it('explains CME errors from the code or from the text', () => {
    expect(explained('+CME ERROR: 3').en).toBe('CME ERROR 3: operation not allowed (ECMT: wrong state, bad value, PDN not active or no context)');
    expect(explained('+CME ERROR: operation not allowed').en).toMatch(/^CME ERROR 3:/);
    expect(explained('+CME ERROR: strange').en).toBe('CME ERROR: strange');
    expect(explained('+CME ERROR: 999').en).toBe('CME ERROR 999 (not in the table)');
  });

  // every coded URC and answer: both languages present and the Chinese actually Chinese
  const coded = [
    'ERROR',
    '+CME ERROR: 3',
    '+CME ERROR: 423',
    '+CME ERROR: some text',
    '+CME ERROR:',
    '+CMS ERROR: 500',
    '+CMS ERROR: 9',
    '+CMS ERROR: text',
    '+ECMTOPEN: 0,0',
    '+ECMTOPEN: 0,-1',
    '+ECMTOPEN: 0,7',
    '+ECMTCLOSE: 0,0',
    '+ECMTCLOSE: 0,-1',
    '+ECMTDISC: 0,0',
    '+ECMTDISC: 0,-1',
    '+ECMTCONN: 0,0,0',
    '+ECMTCONN: 0,0,1',
    '+ECMTCONN: 0,0,2',
    '+ECMTCONN: 0,0,3',
    '+ECMTCONN: 0,0,4',
    '+ECMTCONN: 0,0,5',
    '+ECMTCONN: 0,0,6',
    '+ECMTCONN: 0,0,9',
    '+ECMTCONN: 0,0,',
    '+ECMTCONN: 0,1,5',
    '+ECMTCONN: 0,2,2',
    '+ECMTCONN: 0,2,0',
    '+ECMTCONN: 0,3,0',
    '+ECMTCON:0,0,5',
    '+ECMTSUB: 0,1,0,1',
    '+ECMTSUB: 0,1,1,1',
    '+ECMTSUB: 0,1,2,0',
    '+ECMTSUB: 0,1,0,7,3',
    '+ECMTUNS: 0,1,0',
    '+ECMTUNS: 0,1,1',
    '+ECMTUNS: 0,1,2',
    '+ECMTPUB: 0,0,0',
    '+ECMTPUB: 0,0,1',
    '+ECMTPUB: 0,0,2',
    '+ECMTPUB: 0,0,0,1',
    '+ECMTSTAT: 0,1',
    '+ECMTSTAT: 0,4',
    '+ECMTRECV: 0,0,"t",x',
    '+ECMTOPEN:0,"host",1883',
    '+ECMTCONN:0,1',
    '+ECMTCONN:0,2',
    '+ECMTCONN:0,3',
    '+ECMTCONN:0,4',
    '+ECMTCONN:0,9',
    '+ECMTCFG: "keepalive",0',
    '+ECMTCFG: "keepalive",60',
    '+ECMTCFG: "session",1',
    '+ECMTCFG: "version",4',
    '+ECMTCFG: "timeout",10,3,0',
    '+ECMTCFG: "cloud",4,1',
    '+CEREG: 0,0',
    '+CEREG: 0,1',
    '+CEREG: 0,2',
    '+CEREG: 0,3',
    '+CEREG: 0,4',
    '+CEREG: 0,5',
    '+CEREG: 0,8',
    '+CEREG: 0,11',
    '+CREG: 1,"1A2B","01A2B3C4",7',
    '+CGREG: 1',
    '+CPIN: READY',
    '+CPIN: SIM PIN',
    '+CPIN: SIM PUK',
    '+CPIN: WEIRD',
    '+CSQ: 23,99',
    '+CSQ: 99,99',
    '+CESQ: 99,99,255,255,20,40',
    '+CESQ: 99,99,255,255,255,255',
    '+CGATT: 1',
    '+CGATT: 0',
    '+CGPADDR: 1,"10.1.2.3"',
    '+CGPADDR: 1',
    '+CGEV: ME PDN ACT 1',
    '+CGEV: NW PDN DEACT 1',
    '+CGEV: NW DETACH',
    '+CFUN: 0',
    '+CFUN: 1',
    '+CFUN: 4',
    '+CFUN: 7',
    '+ECDNS: "1.2.3.4"',
    '+ECPING: SUCC, dest: 1.2.3.4, RTT: 5 ms',
    '+ECPING: FAIL, dest: 1.2.3.4, time out: 100 ms',
    '+ECPING: DONE',
    'RDY',
    '^SYSSTART',
  ];

  it.each(coded)('explains %j in both languages', (line) => {
    const t = explained(line);
    expect(t.en.length).toBeGreaterThan(0);
    expect(t.zh.length).toBeGreaterThan(0);
    expect(t.zh).toMatch(CJK);
    expect(t.en).not.toMatch(CJK);
  });

  it.each(['OK', '+CGSN: 861234567890123', 'EC616S', '+ECMTOPEN: (0),<host_name>,<port>', '+ECMTCFG:"keepalive",(0),(0-3600),', '+CGEV: REJECT IPV4'])(
    'has nothing to explain for %j',
    (line) => {
      expect(explain(parseLine(line))).toBeNull();
    },
  );
});

describe('code tables', () => {
  // every code the reference names (§5) plus the rest of 103–150 through the range fallback
  const cme = [3, 4, 10, 13, 14, 30, 50, 100, 103, 111, 120, 127, 140, 149, 150, 302, 303, 304, 402, 407, 409, 413, 423, 424, 524, 537];

  it.each(cme)('names CME %i in both languages', (code) => {
    const m = cmeMeaning(code);
    expect(m).not.toBeNull();
    expect(m!.en.length).toBeGreaterThan(0);
    expect(m!.zh).toMatch(CJK);
  });

  it('names the CME codes the reference singles out', () => {
    expect(cmeMeaning(111)!.en).toMatch(/PLMN not allowed/);
    expect(cmeMeaning(127)!.en).toMatch(/APN/);
    expect(cmeMeaning(149)!.en).toMatch(/PDP authentication failure/);
    expect(cmeMeaning(423)!.en).toMatch(/DNS/);
    expect(cmeMeaning(304)!.zh).toMatch(/PDN 未激活/);
  });

  it('returns null for codes it does not know', () => {
    expect(cmeMeaning(99999)).toBeNull();
    expect(cmeMeaning(-1)).toBeNull();
    expect(cmsMeaning(1)).toBeNull();
    expect(connackMeaning(7)).toBeNull();
    expect(mqtt5ReasonMeaning(0x7f)).toBeNull();
  });

  it.each([
    ['operation not allowed', 3],
    ['OPERATION  NOT ALLOWED', 3],
    ['no nw service', 30],
    ['no network service', 30],
    ['incorrect parameters', 50],
    ['pdn not actived', 304],
    ['UE is in minimal function mode', 524],
    ['Back off timer is running', 537],
    ['missing or unknown apn', 127],
    ['PLMN not allowed (#11)', 111],
    ['gibberish', null],
  ])('maps the CME text %j to %s', (t, code) => {
    expect(cmeCodeFromText(t)).toBe(code);
  });

  it('names CONNACK 0–5 and the vendor code 6', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((c) => connackMeaning(c)?.en)).toEqual([
      'connection accepted',
      'unacceptable protocol version',
      'identifier rejected',
      'server unavailable',
      'bad user name or password',
      'not authorized',
      'CONNACK could not be decoded (vendor code 6, not MQTT)',
    ]);
  });

  it.each([0x80, 0x84, 0x85, 0x86, 0x87, 0x88, 0x8a, 0x8c])('names MQTT 5 reason code 0x%s', (code) => {
    const m = mqtt5ReasonMeaning(code);
    expect(m).not.toBeNull();
    expect(m!.zh).toMatch(CJK);
  });

  it('names MQTT 5 refusals as the reference words them', () => {
    expect(mqtt5ReasonMeaning(0x86)!.en).toBe('bad user name or password');
    expect(mqtt5ReasonMeaning(0x87)!.en).toBe('not authorized');
    expect(mqtt5ReasonMeaning(0x8a)!.en).toBe('banned');
  });
});
