import { describe, expect, it } from 'vitest';
import { detectDialect, detectFromLines, dialectChoices, dialectOfLine, getDialect, resultOf, unsolicitedOf } from '../../src/dialects/index.js';
import { parseLine } from '../../src/dialects/classify.js';

describe('the dialect registry', () => {
  it('knows ECMT by name and offers it and auto as --dialect choices', () => {
    expect(getDialect('ecmt').name).toBe('ecmt');
    expect(dialectChoices()).toContain('ecmt');
    expect(dialectChoices()).toContain('auto');
    expect(() => getDialect('nope')).toThrow(/unknown dialect "nope"/);
  });

  it('an explicit --dialect wins over any evidence', () => {
    const d = detectDialect('ecmt', { identity: 'Quectel', lines: ['AT+QMTOPEN=0,"h",1883'] });
    expect(d.dialect.name).toBe('ecmt');
    expect(d.by).toBe('option');
  });

  it('auto reads an Eigencomm identity answer', () => {
    const d = detectDialect('auto', { identity: 'Eigencomm\r\nEC616S' });
    expect(d).toMatchObject({ by: 'identity', evidence: 'Eigencomm\r\nEC616S' });
    expect(d.dialect.name).toBe('ecmt');
  });

  it('auto reads the first dialect-only command or URC of a log and names the line', () => {
    const lines = ['AT', 'OK', 'AT+CSQ', '+CSQ: 20,99', 'AT+ECMTOPEN=0,"broker",1883', '+ECMTOPEN: 0,0'];
    expect(detectFromLines(lines)?.line).toBe('AT+ECMTOPEN=0,"broker",1883');
    const d = detectDialect('auto', { lines });
    expect(d.by).toBe('log');
    expect(d.dialect.name).toBe('ecmt');
  });

  it('auto falls back to the default dialect and says nothing decided', () => {
    const d = detectDialect('auto', { identity: 'SomeVendor X1', lines: ['AT', 'OK'] });
    expect(d).toMatchObject({ by: 'default', evidence: null });
  });

  it('a prefix only counts where a command or frame starts (not inside a payload word)', () => {
    expect(dialectOfLine('+ECMTRECV: 0,0,"t",x')?.name).toBe('ecmt');
    expect(dialectOfLine('AT+CSQ;+ECMTDISC=0')?.name).toBe('ecmt');
    expect(dialectOfLine('hello +ECMTOPEN world')).toBeNull();
  });
});

describe('the ECMT description', () => {
  const d = getDialect('ecmt');

  it('has the seven two-phase commands of ecmt.md §2, each with its result URC, correlated by connect id (and msgID for SUB/UNS/PUB)', () => {
    const twoPhase = d.commands.filter((c) => c.result !== null);
    expect(twoPhase.map((c) => [c.name, c.result!.prefix])).toEqual([
      ['+ECMTOPEN', '+ECMTOPEN'],
      ['+ECMTCONN', '+ECMTCONN'],
      ['+ECMTSUB', '+ECMTSUB'],
      ['+ECMTUNS', '+ECMTUNS'],
      ['+ECMTPUB', '+ECMTPUB'],
      ['+ECMTDISC', '+ECMTDISC'],
      ['+ECMTCLOSE', '+ECMTCLOSE'],
    ]);
    for (const c of twoPhase) {
      expect(c.result!.correlate).toEqual(['+ECMTSUB', '+ECMTUNS', '+ECMTPUB'].includes(c.name) ? ['connectId', 'msgId'] : ['connectId']);
      expect(d.urcs.some((u) => u.prefix === c.result!.prefix && u.role === 'result')).toBe(true);
    }
  });

  it('marks the user name, password and TLS/aliauth values as secrets', () => {
    const conn = d.commands.find((c) => c.op === 'connect')!;
    expect(conn.params.filter((p) => p.secret).map((p) => p.name)).toEqual(['username', 'password']);
    for (const key of ['aliauth', 'ssl']) expect(d.configs.find((c) => c.key === key)!.params.some((p) => p.secret)).toBe(true);
  });

  it('reads a result URC as an MQTT result: +ECMTCONN: 0,0,5 is a refused connect (CONNACK 5)', () => {
    const r = resultOf(parseLine('+ECMTCONN: 0,0,5'));
    expect(r).toMatchObject({ op: 'connect', connectId: 0, ok: false, result: 0, retCode: 5 });
    expect(resultOf(parseLine('+ECMTSUB: 0,7,0,1'))).toMatchObject({ op: 'subscribe', msgId: 7, ok: true });
    expect(resultOf(parseLine('+ECMTOPEN: 0,-1'))).toMatchObject({ op: 'open', ok: false, result: -1 });
    expect(resultOf(parseLine('OK'))).toBeNull();
  });

  it('reads +ECMTSTAT as a link loss and +ECMTRECV as a message', () => {
    expect(unsolicitedOf(parseLine('+ECMTSTAT: 0,1'))).toMatchObject({ kind: 'link-lost', connectId: 0, errCode: 1 });
    const m = unsolicitedOf(parseLine('+ECMTRECV: 0,3,"a/b",hello'));
    expect(m?.kind).toBe('message');
    if (m?.kind === 'message') expect([m.topic, m.payload.toString()]).toEqual(['a/b', 'hello']);
  });

  it('reads a command line back into its MQTT meaning (inline payload with commas and quotes kept)', () => {
    expect(d.readCommand('+ECMTCONN', '0,"id","user","pw"')).toEqual({ op: 'connect', connectId: 0, clientId: 'id', username: 'user', password: 'pw' });
    const pub = d.readCommand('+ECMTPUB', '0,5,1,0,"t",{"a":1,"b":2}');
    expect(pub).toMatchObject({ op: 'publish', msgId: 5, qos: 1, retain: false, topic: 't', mode: 'inline' });
    if (pub?.op === 'publish') expect(pub.payload?.toString()).toBe('{"a":1,"b":2}');
    expect(d.readCommand('+ECMTPUB', '0,5,1,0,"t"')).toMatchObject({ mode: 'prompt', payload: null });
    expect(d.readCommand('+CSQ', '')).toBeNull();
  });
});
