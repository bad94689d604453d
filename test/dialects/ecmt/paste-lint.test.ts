import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPastedCommand, KNOWN_COMMANDS, knownNameAtOnce, nearMiss } from '../../../src/dialects/ecmt/paste-lint.js';

describe('copy-paste mistakes in a command line', () => {
  const cases: Array<[string, string, string[], string, 'error' | 'accepted']> = [
    ['typographic double quotes', 'AT+ECMTOPEN=0,“broker.example.com”,1883', ['typographic-quote'], 'AT+ECMTOPEN=0,"broker.example.com",1883', 'error'],
    ['typographic single quotes as delimiters', 'AT+ECMTCFG=‘keepalive’,0,120', ['typographic-quote'], 'AT+ECMTCFG="keepalive",0,120', 'error'],
    ['a full-width comma', 'AT+ECMTOPEN=0,"h"，1883', ['full-width'], 'AT+ECMTOPEN=0,"h",1883', 'error'],
    ['a full-width colon and semicolon', 'AT+CSQ；+CEREG？', ['full-width'], 'AT+CSQ;+CEREG?', 'error'],
    ['full-width letters and digits', 'ＡＴ+ＣＳＱ', ['full-width'], 'AT+CSQ', 'error'],
    ['a non-breaking space in the name', 'AT+ECMT\u00a0OPEN=0,"h",1883', ['invisible-space'], 'AT+ECMTOPEN=0,"h",1883', 'error'],
    ['a zero-width space in a topic', 'AT+ECMTSUB=0,1,"a/\u200bb",1', ['invisible-space'], 'AT+ECMTSUB=0,1,"a/b",1', 'accepted'],
    ['AT+ECMTCON for AT+ECMTCONN', 'AT+ECMTCON=0,"id"', ['near-miss'], 'AT+ECMTCONN=0,"id"', 'error'],
    ['a swapped pair of letters', 'AT+EMCTOPEN=0,"h",1883', ['near-miss'], 'AT+ECMTOPEN=0,"h",1883', 'error'],
    ['one letter too many', 'AT+ECMTPUBB=0,1,1,0,"t","x"', ['near-miss'], 'AT+ECMTPUB=0,1,1,0,"t","x"', 'error'],
    ['a missing "=" (parameter glued on)', 'AT+ECMTOPEN0,"h",1883', ['missing-equals'], 'AT+ECMTOPEN=0,"h",1883', 'error'],
    ['a space where "=" belongs', 'AT+ECMTOPEN 0,"h",1883', ['missing-equals'], 'AT+ECMTOPEN=0,"h",1883', 'error'],
    ['the URC form copied as the command', 'AT+ECMTOPEN: 0,"h",1883', ['missing-equals'], 'AT+ECMTOPEN=0,"h",1883', 'error'],
    ['several at once', 'AT+ECMTCON=0，“id”', ['typographic-quote', 'full-width', 'near-miss'], 'AT+ECMTCONN=0,"id"', 'error'],
  ];
  it.each(cases)('%s', (_name, line, codes, corrected, answer) => {
    const r = checkPastedCommand(line);
    expect(r?.findings.map((f) => f.code)).toEqual(codes);
    expect(r?.corrected).toBe(corrected);
    // what the module will answer, in both languages
    if (answer === 'error') expect(r?.answer.en).toMatch(/answers ERROR/);
    else expect(r?.answer.en).toMatch(/accepts it \(OK\)/);
    expect(r?.answer.zh.length).toBeGreaterThan(0);
  });

  const clean = [
    'AT+ECMTOPEN=0,"broker.example.com",1883',
    'AT+ECMTCONN=0,"id","u","p"',
    'AT+CSQ',
    'AT+CEREG?',
    'ATE0',
    'AT+ECMTPUB=0,1,1,0,"t","你好，世界：“引号”在值里"', // full-width text inside a quoted payload is the payload
    'AT+ECMTPUB=0,1,1,0,"t","it’s fine"', // an apostrophe inside a value
    'AT+CGDCONT=1,"IP","cmnet"',
    'AT+QMTOPEN=0,"h",1883', // another dialect's name is not a near-miss of ours
  ];
  it.each(clean)('finds nothing in %s', (line) => {
    expect(checkPastedCommand(line)).toBeNull();
  });

  it('never quotes a value in its messages (a password may be one)', () => {
    const r = checkPastedCommand('AT+ECMTCON=0,“id”，“user”，“s3cr3t-value”');
    for (const f of r?.findings ?? []) {
      expect(f.message.en).not.toContain('s3cr3t');
      expect(f.message.zh).not.toContain('s3cr3t');
    }
  });

  it('suggests only a name one edit away, and only one', () => {
    expect(nearMiss('+ECMTCON')).toBe('+ECMTCONN');
    expect(nearMiss('+ECMTCONN')).toBeNull();
    expect(nearMiss('+CPOL')).toBeNull();
    expect(nearMiss('+XYZABC')).toBeNull();
  });
});

describe('the ASCII fast path (knownNameAtOnce)', () => {
  /** The regex form it replaced. */
  const byRegex = (line: string): boolean => {
    const name = /^\s*AT(\+[A-Za-z][A-Za-z0-9]*)/i.exec(line);
    if (!name || !KNOWN_COMMANDS.includes(name[1]!.toUpperCase())) return false;
    const next = line.charCodeAt(name[0].length);
    return Number.isNaN(next) || next === 0x3d || next === 0x3f;
  };

  it('a property: the same answer as the regex form on ASCII lines (5,000 runs)', () => {
    const part = fc.constantFrom('AT', 'at', 'aT', '+', 'ECMTPUB', 'ecmtconn', 'CSQ', 'csq', 'CSQX', 'CEREG', 'c', 'SQ', 'e', 'CMTCONN', 'E', '0', '1', '=', '?', '=?', ':', ' ', '\t', '\r', '\v', 'A', 'T', '_', '"x"', ',', '@', '[', '`', '{');
    // a known name (or one a letter off), each letter in either case, after blanks and AT in any case
    const flip = (w: string, bits: number): string => [...w].map((ch, i) => ((bits >> i) & 1 ? ch.toLowerCase() : ch)).join('');
    const command = fc
      .tuple(fc.constantFrom('', ' ', '\t ', '\r'), fc.constantFrom('AT', 'at', 'aT', 'At', 'A T'), fc.constantFrom(...KNOWN_COMMANDS, '+CSQX', '+ECMTPU', '+1CSQ', '+'), fc.nat(), fc.array(part, { maxLength: 4 }))
      .map(([b, at, name, bits, rest]) => b + at + flip(name, bits) + rest.join(''));
    fc.assert(
      fc.property(fc.oneof(command, fc.array(part, { maxLength: 8 }).map((p) => p.join(''))), (line) => {
        expect(knownNameAtOnce(line), JSON.stringify(line)).toBe(byRegex(line));
      }),
      { numRuns: 5000 },
    );
  });
});
