/**
 * QMT builders and lint against ../shared/protocol/qmt.md §2 (syntax), §2.1 (limits per model,
 * null where not published), §2.3 (publish forms). Expected command lines are the reference's
 * syntax filled in by hand.
 */
import { describe, expect, it } from 'vitest';
import * as b from '../../../src/dialects/qmt/commands.js';
import { lintCfg, lintConn, lintOpen, lintPublish, lintSub, lintCfgKey } from '../../../src/dialects/qmt/lint.js';
import { QMT_PROFILES, qmtModelOf, qmtProfile } from '../../../src/dialects/qmt/profiles.js';

describe('builders (§2, §2.2)', () => {
  it('build the two-phase commands', () => {
    expect(b.open(0, 'broker.example.com', 1883)).toBe('AT+QMTOPEN=0,"broker.example.com",1883');
    expect(b.close(0)).toBe('AT+QMTCLOSE=0');
    expect(b.conn(0, 'dev1')).toBe('AT+QMTCONN=0,"dev1"');
    expect(b.conn(0, 'dev1', 'u', 'p')).toBe('AT+QMTCONN=0,"dev1","u","p"');
    expect(b.disc(2)).toBe('AT+QMTDISC=2');
    expect(b.sub(0, 1, [{ topic: 'a/b', qos: 1 }, { topic: 'c', qos: 2 }])).toBe('AT+QMTSUB=0,1,"a/b",1,"c",2');
    expect(b.uns(0, 2, ['a/b', 'c'])).toBe('AT+QMTUNS=0,2,"a/b","c"');
    expect(b.recvRead(0)).toBe('AT+QMTRECV=0');
    expect(b.recvRead(0, 3)).toBe('AT+QMTRECV=0,3');
    expect(b.read('+QMTCONN')).toBe('AT+QMTCONN?');
    expect(b.test('+QMTPUB')).toBe('AT+QMTPUB=?');
  });

  it('build every QMTCFG key and the query form', () => {
    expect(b.cfg({ key: 'version', idx: 0, version: 4 })).toBe('AT+QMTCFG="version",0,4');
    expect(b.cfg({ key: 'pdpcid', idx: 0, cid: 1 })).toBe('AT+QMTCFG="pdpcid",0,1');
    expect(b.cfg({ key: 'ssl', idx: 0, enable: true, ctx: 2 })).toBe('AT+QMTCFG="ssl",0,1,2');
    expect(b.cfg({ key: 'keepalive', idx: 1, seconds: 120 })).toBe('AT+QMTCFG="keepalive",1,120');
    expect(b.cfg({ key: 'session', idx: 0, clean: true })).toBe('AT+QMTCFG="session",0,1');
    expect(b.cfg({ key: 'timeout', idx: 0, pktTimeoutS: 5, retries: 3, notice: false })).toBe('AT+QMTCFG="timeout",0,5,3,0');
    expect(b.cfg({ key: 'will', idx: 0, enabled: true, qos: 1, retain: false, topic: 'w', message: 'bye' })).toBe('AT+QMTCFG="will",0,1,1,0,"w","bye"');
    expect(b.cfg({ key: 'will', idx: 0, enabled: false })).toBe('AT+QMTCFG="will",0,0');
    expect(b.cfg({ key: 'recv/mode', idx: 0, buffered: false, withLength: true })).toBe('AT+QMTCFG="recv/mode",0,0,1');
    expect(b.cfg({ key: 'aliauth', idx: 0, productKey: 'pk', deviceName: 'dn', deviceSecret: 'ds' })).toBe('AT+QMTCFG="aliauth",0,"pk","dn","ds"');
    expect(b.cfg({ key: 'send/mode', idx: 0, hex: true })).toBe('AT+QMTCFG="send/mode",0,1');
    expect(b.cfg({ key: 'dataformat', idx: 0, send: 0, recv: 1 })).toBe('AT+QMTCFG="dataformat",0,0,1');
    expect(b.cfgQuery('recv/mode', 0)).toBe('AT+QMTCFG="recv/mode",0');
    expect(b.cfgRaw('qmtping', 0, [30])).toBe('AT+QMTCFG="qmtping",0,30');
  });

  it('build the four publish forms of §2.3', () => {
    const p = { idx: 0, msgId: 1, qos: 1, retain: false, topic: 't', payload: 'a"b,c\r\n' };
    expect(b.publish(p, 'pub-prompt')).toMatchObject({ command: 'AT+QMTPUB=0,1,1,0,"t"', terminator: 0x1a, urc: 'QMTPUB' });
    expect(b.publish(p, 'pub-length')).toMatchObject({ command: 'AT+QMTPUB=0,1,1,0,"t",7', terminator: null, urc: 'QMTPUB' });
    expect(b.publish(p, 'pubex-length')).toMatchObject({ command: 'AT+QMTPUBEX=0,1,1,0,"t",7', terminator: null, urc: 'QMTPUBEX' });
    expect(b.publish(p, 'pub-length').data?.toString()).toBe('a"b,c\r\n');
    expect(b.publish({ ...p, payload: 'hello' }, 'pubex-inline')).toMatchObject({ command: 'AT+QMTPUBEX=0,1,1,0,"t","hello"', data: null, urc: 'QMTPUB' });
    expect(() => b.publish(p, 'pubex-inline')).toThrow(/double quote/);
    expect(() => b.publish({ ...p, payload: 'x\x1ay' }, 'pub-prompt')).toThrow(/Ctrl-Z/);
  });

  it('refuses values that cannot be quoted, naming the field and never the value', () => {
    expect(() => b.conn(0, 'id', 'user', 'se"cret')).toThrow(/password contains a double quote/);
    try {
      b.conn(0, 'id', 'user', 'se"cret');
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('se"cret');
    }
    expect(() => b.open(0, 'h\r', 1)).toThrow(/host contains CR/);
    expect(() => b.open(0.5, 'h', 1)).toThrow(/whole number/);
  });

  it('the PDP commands of §4', () => {
    expect(b.QIACT_READ).toBe('AT+QIACT?');
    expect(b.qiact(1)).toBe('AT+QIACT=1');
    expect(b.qicsgp(1, 1, 'cmnet', 'u', 'p', 1)).toBe('AT+QICSGP=1,1,"cmnet","u","p",1');
  });
});

describe('profiles (§2.1)', () => {
  it('take numbers only from the reference, null where not published', () => {
    expect(QMT_PROFILES.BG96.publishPayload).toMatchObject({ min: 1, max: 1548 });
    expect(QMT_PROFILES.BG95.publishPayload).toMatchObject({ max: 4096 });
    expect(QMT_PROFILES.BC660K.clientIdx).toMatchObject({ min: 0, max: 4 });
    expect(QMT_PROFILES.BC660K.clientId?.max).toBe(128);
    expect(QMT_PROFILES.EC200U.publishPayload).toBeNull();
    expect(QMT_PROFILES.EC800N.keepalive).toMatchObject({ min: 0, max: 3600 });
    expect(QMT_PROFILES.EC800N.basis).toMatch(/naming only/);
    expect(QMT_PROFILES.EC600S.pktTimeout).toMatchObject({ max: 1200 });
    for (const p of Object.values(QMT_PROFILES)) expect(p.clientId === null || p.name === 'BC660K').toBe(true);
  });

  it('know the two meanings of AT+QMTPUBEX', () => {
    expect(QMT_PROFILES.BG95.pubexUrc).toBe('QMTPUB');
    expect(QMT_PROFILES.BG96.pubexUrc).toBe('QMTPUB');
    expect(QMT_PROFILES.EC800M.pubexUrc).toBe('QMTPUBEX');
    expect(QMT_PROFILES.EC800N.publishForms[0]).toBe('pubex-length');
  });

  it('map model strings to profiles', () => {
    expect(qmtModelOf('BG95-M3')).toBe('BG95');
    expect(qmtModelOf('BG77')).toBe('BG95');
    expect(qmtModelOf('ec800n-cn')).toBe('EC800N');
    expect(qmtModelOf('EC616S')).toBeNull();
    expect(() => qmtProfile('XYZ')).toThrow(/unknown QMT model/);
  });
});

describe('lint', () => {
  const bg95 = QMT_PROFILES.BG95;
  const ec200u = QMT_PROFILES.EC200U;
  const codes = (fs: Array<{ code: string }>) => fs.map((f) => f.code);

  it('client index beyond the model (BC660K has 0–4)', () => {
    expect(codes(lintOpen(QMT_PROFILES.BC660K, { idx: 5, host: 'h', port: 1883 }))).toEqual(['out-of-range']);
    expect(lintOpen(QMT_PROFILES.EC800N, { idx: 5, host: 'h', port: 1883 })).toEqual([]);
  });

  it('a host longer than 100 bytes on BG95 (D), no limit invented on EC200U', () => {
    const host = 'h'.repeat(101);
    expect(lintOpen(bg95, { idx: 0, host, port: 1 })).toMatchObject([{ code: 'too-long', limit: 100, valueLength: 101 }]);
    expect(lintOpen(ec200u, { idx: 0, host, port: 1 })).toEqual([]);
  });

  it('never puts a secret value in a finding', () => {
    const pw = 'Sup3r"Secret'.padEnd(300, 'x');
    const fs = lintConn(QMT_PROFILES.BC660K, { idx: 0, clientId: 'c', username: 'someuser', password: pw });
    expect(codes(fs)).toEqual(['unsendable-char', 'too-long']);
    expect(JSON.stringify(fs)).not.toContain('Sup3r');
    expect(JSON.stringify(fs)).not.toContain('someuser');
  });

  it('a password without a user name is flagged', () => {
    expect(codes(lintConn(bg95, { idx: 0, clientId: 'c', password: 'p' }))).toEqual(['password-without-user']);
  });

  it('msgid 0 exactly when QoS 0 (D), SUB msgid 1–65535', () => {
    const base = { idx: 0, retain: false, topic: 't', payload: 'x' };
    expect(codes(lintPublish(bg95, { ...base, msgId: 0, qos: 1 }, 'pub-length'))).toEqual(['msgid-qos']);
    expect(codes(lintPublish(bg95, { ...base, msgId: 3, qos: 0 }, 'pub-length'))).toEqual(['msgid-qos']);
    expect(lintPublish(bg95, { ...base, msgId: 0, qos: 0 }, 'pub-length')).toEqual([]);
    expect(codes(lintSub(bg95, { idx: 0, msgId: 0, filters: [{ topic: 't', qos: 0 }] }))).toEqual(['out-of-range']);
  });

  it('publish payload limits per model: BG96 1548, inline QMTPUBEX 560 and no quotes', () => {
    const base = { idx: 0, msgId: 1, qos: 1, retain: false, topic: 't' };
    expect(lintPublish(QMT_PROFILES.BG96, { ...base, payload: 'x'.repeat(1549) }, 'pub-length')).toMatchObject([{ code: 'too-long', limit: 1548 }]);
    expect(codes(lintPublish(QMT_PROFILES.BG96, { ...base, payload: 'x'.repeat(561) }, 'pubex-inline'))).toEqual(['too-long']);
    expect(codes(lintPublish(QMT_PROFILES.BG96, { ...base, payload: 'a"b' }, 'pubex-inline'))).toEqual(['payload-form']);
    expect(lintPublish(ec200u, { ...base, payload: 'x'.repeat(100_000) }, 'pub-prompt')).toEqual([]);
  });

  it('AT+QMTPUBEX in the other meaning is an error; a trailing CR/LF in a length form is pointed out', () => {
    const base = { idx: 0, msgId: 1, qos: 1, retain: false, topic: 't', payload: 'x\r\n' };
    expect(lintPublish(QMT_PROFILES.EC800M, { ...base, payload: 'x' }, 'pubex-inline')).toMatchObject([{ code: 'form-not-confirmed', severity: 'error' }]);
    expect(codes(lintPublish(QMT_PROFILES.EC800M, base, 'pubex-length'))).toEqual(['trailing-line-break']);
  });

  it('wildcards in a publish topic; a topic holding `",` is ambiguous in +QMTRECV', () => {
    expect(codes(lintPublish(bg95, { idx: 0, msgId: 1, qos: 1, retain: false, topic: 'a/+', payload: 'x' }, 'pub-length'))).toEqual(['wildcard-in-publish']);
    // it cannot even be sent (no escapes), and a +QMTRECV for it could not be split
    expect(codes(lintSub(bg95, { idx: 0, msgId: 1, filters: [{ topic: 'a",b', qos: 0 }] }))).toEqual(['unsendable-char', 'ambiguous-topic']);
  });

  it('QMTCFG ranges per model, recv/mode without length, unknown keys', () => {
    expect(lintCfg(bg95, { key: 'keepalive', idx: 0, seconds: 3601 })).toMatchObject([{ code: 'out-of-range', range: [0, 3600] }]);
    expect(lintCfg(ec200u, { key: 'keepalive', idx: 0, seconds: 99999 })).toEqual([]);
    expect(codes(lintCfg(QMT_PROFILES.BG770A, { key: 'pdpcid', idx: 0, cid: 6 }))).toEqual(['out-of-range']);
    expect(codes(lintCfg(QMT_PROFILES.EC600S, { key: 'timeout', idx: 0, pktTimeoutS: 1200 }))).toEqual([]);
    expect(codes(lintCfg(bg95, { key: 'timeout', idx: 0, pktTimeoutS: 61 }))).toEqual(['out-of-range']);
    expect(codes(lintCfg(bg95, { key: 'recv/mode', idx: 0, buffered: false }))).toEqual(['recv-without-length']);
    expect(lintCfg(bg95, { key: 'recv/mode', idx: 0, buffered: false, withLength: true })).toEqual([]);
    expect(codes(lintCfg(bg95, { key: 'send/mode', idx: 0, hex: false }))).toEqual(['unknown-key']);
    expect(lintCfg(QMT_PROFILES.EC800N, { key: 'send/mode', idx: 0, hex: false })).toEqual([]);
    expect(codes(lintCfgKey(bg95, 'clean_session'))).toEqual(['unknown-key']);
    expect(lintCfgKey(bg95, 'KEEPALIVE')).toEqual([]);
  });
});
