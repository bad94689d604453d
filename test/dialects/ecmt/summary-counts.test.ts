import { describe, expect, it } from 'vitest';
import { SummaryBuilder } from '../../../src/dialects/ecmt/summary.js';
import type { TimelineItem } from '../../../src/at/types.js';
import { parseLine } from '../../../src/dialects/classify.js';

let seq = 0;
function urc(raw: string, t: number | null): TimelineItem {
  return { seq: seq++, t, dir: 'rx', role: 'urc', event: parseLine(raw) };
}

describe('the summary: exact counts, first and last failure, the EC626 retry pattern', () => {
  it('counts every connect (no cap), and keeps the first and the last failure', () => {
    const b = new SummaryBuilder();
    const n = 120_000;
    for (let i = 0; i < n; i++) b.add(urc(i % 3 === 0 ? '+ECMTCONN: 0,0,5' : '+ECMTCONN: 0,0,0', i * 10));
    const s = b.summary;
    expect(s.connectCount).toBe(n);
    expect(s.connectFailed).toBe(n / 3);
    expect(s.failures).toBe(n / 3);
    expect(s.connects.length).toBe(50); // the list stays bounded; the counts do not
    expect(s.firstFailure?.t).toBe(0);
    expect(s.lastFailure?.t).toBe((n - 3) * 10);
    expect(s.lastConnect).toEqual({ result: 0, retCode: 0, t: (n - 1) * 10 });
  });

  it('reports +ECMTCONN: 0,2,2 then 0,0,0 within a second as the first failure and what followed', () => {
    const b = new SummaryBuilder();
    b.add(urc('+ECMTCONN: 0,2,2', 5.0));
    b.add(urc('+ECMTCONN: 0,0,0', 5.4));
    const s = b.summary;
    expect(s.firstFailure?.raw).toBe('+ECMTCONN: 0,2,2');
    expect(s.connectRetried).toEqual({ failed: { t: 5.0, raw: '+ECMTCONN: 0,2,2' }, recovered: { t: 5.4, raw: '+ECMTCONN: 0,0,0' } });
    // explained as in the protocol reference §4: a failed send, an internal reconnect, then success
    expect(s.firstFailure?.why.en).toMatch(/could not be sent.*hard-coded.*reconnected.*two URCs/);
    expect(s.firstFailure?.why.zh.length).toBeGreaterThan(0);
  });

  it('does not take a success more than a second later for the retry pattern', () => {
    const b = new SummaryBuilder();
    b.add(urc('+ECMTCONN: 0,2,2', 5.0));
    b.add(urc('+ECMTCONN: 0,0,0', 6.5));
    expect(b.summary.connectRetried).toBeNull();
    expect(b.summary.firstFailure?.why.en).toMatch(/could not be sent/);
  });

  it('takes the next connect for the pattern when the log has no times', () => {
    const b = new SummaryBuilder();
    b.add(urc('+ECMTCONN: 0,2,2', null));
    b.add(urc('+ECMTCONN: 0,0,0', null));
    expect(b.summary.connectRetried?.recovered.raw).toBe('+ECMTCONN: 0,0,0');
  });

  it('counts garbage runs and their bytes', () => {
    const b = new SummaryBuilder();
    b.add({ seq: seq++, t: null, dir: 'rx', role: 'garbage', event: { type: 'garbage', raw: 'ff 00', length: 8, diagnosis: 'power-up' } });
    b.add({ seq: seq++, t: null, dir: 'rx', role: 'garbage', event: { type: 'garbage', raw: 'ff 00', length: 2046, diagnosis: 'baud-rate' } });
    expect(b.summary.garbageRuns).toBe(2);
    expect(b.summary.garbageBytes).toBe(2054);
  });

  it('names copy-paste mistakes as the reason of an ERROR that follows the command', () => {
    const b = new SummaryBuilder();
    const command = 'AT+ECMTOPEN=0,“h”,1883';
    b.add({
      seq: seq++,
      t: null,
      dir: 'tx',
      role: 'command',
      event: { type: 'command', raw: command, command },
      command,
      paste: { findings: [{ code: 'typographic-quote', message: { en: 'x', zh: 'x' } }], answer: { en: 'the module answers ERROR', zh: '模组回复 ERROR' }, corrected: 'AT+ECMTOPEN=0,"h",1883' },
    });
    b.add({ seq: seq++, t: null, dir: 'rx', role: 'final', event: { type: 'error', raw: 'ERROR' }, command });
    expect(b.summary.firstFailure?.why.en).toContain('corrected: AT+ECMTOPEN=0,"h",1883');
  });
});

describe('the summary reads other dialects\' commands whatever the ECMT shortcut skips', () => {
  function cmd(command: string): TimelineItem {
    return { seq: seq++, t: null, dir: 'tx', role: 'command', event: { type: 'command', raw: command, command } };
  }

  it('takes the QMT open and publishes (any case, blanks before AT), and counts only ECMT publishes by their own rule', () => {
    const b = new SummaryBuilder();
    // the Quectel commands as qmt.md writes them: AT+QMTOPEN=<id>,"<host>",<port>, AT+QMTPUBEX=<id>,<msgId>,<qos>,<retain>,"<topic>",<len>
    b.add(cmd('at+qmtopen=0,"broker.example.com",1883'));
    b.add(cmd('AT+QMTPUBEX=0,1,1,0,"t",2'));
    b.add(cmd(' AT+QMTPUBEX=0,2,1,0,"t",2'));
    b.add(cmd('AT+ECMTPUB=0,"t",1,0,0,"x"'));
    b.add(cmd('at+ecmtpub=0,"t",1,0,0,"y"'));
    b.add(cmd('AT+ECMTCFG="keepalive",0,60'));
    const s = b.summary;
    expect(s.open).toEqual({ host: 'broker.example.com', port: 1883, result: null });
    expect(s.publishes.sent).toBe(4);
    expect(s.commands).toBe(6);
  });
});
