/**
 * The QMT Dialect description: results normalised (qmt.md §3), unsolicited signals (§1: no
 * auto-reconnect), command lines read back (§2, §2.3), detection, and the payload rule run by
 * the shared line framer over the reference's +QMTRECV examples (§3.1), in any chunking.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { qmt } from '../../../src/dialects/qmt/dialect.js';
import { answers, commandSpec, correlationIds, detectDialect, getDialect, resultOf } from '../../../src/dialects/index.js';
import { parseQmtLine } from '../../../src/dialects/qmt/urc.js';
import { scanHead } from '../../../src/dialects/qmt/recv.js';
import { Framer, type Frame } from '../../../src/framing/framer.js';

const ev = (line: string) => {
  const e = parseQmtLine(line);
  if (!e) throw new Error(line);
  return e;
};

describe('results and signals', () => {
  it('a connect is ok only with result 0 and CONNACK 0', () => {
    expect(qmt.resultOf(ev('+QMTCONN: 0,0,0'))).toMatchObject({ op: 'connect', connectId: 0, ok: true, retCode: 0 });
    expect(qmt.resultOf(ev('+QMTCONN: 0,0,5'))).toMatchObject({ op: 'connect', ok: false, retCode: 5 });
    expect(qmt.resultOf(ev('+QMTCONN: 0,2'))).toBeNull(); // a read-form state, not a result
    expect(qmt.resultOf(ev('+QMTOPEN: 0,-1'))).toMatchObject({ op: 'open', ok: false, result: -1 });
    expect(qmt.resultOf(ev('+QMTOPEN: 0,"h",1883'))).toBeNull();
  });

  it('subscribe with 128 is not ok; publish results carry msgid and the BGx +QMTPUB spelling', () => {
    expect(qmt.resultOf(ev('+QMTSUB: 0,1,0,128'))).toMatchObject({ op: 'subscribe', msgId: 1, ok: false, retCode: 128 });
    expect(qmt.resultOf(ev('+QMTSUB: 0,1,0,2'))).toMatchObject({ ok: true, retCode: 2 });
    expect(qmt.resultOf(ev('+QMTPUBEX: 0,7,0'))).toMatchObject({ op: 'publish', msgId: 7, ok: true });
    expect(qmt.resultOf(ev('+QMTPUB: 0,7,2'))).toMatchObject({ op: 'publish', ok: false });
    expect(resultOf(ev('+QMTUNS: 1,3,0'))).toMatchObject({ op: 'unsubscribe', connectId: 1, msgId: 3, ok: true });
  });

  it('+QMTSTAT is a link loss the host must recover from; +QMTRECV a message', () => {
    const s = qmt.unsolicitedOf(ev('+QMTSTAT: 0,1'));
    expect(s).toMatchObject({ kind: 'link-lost', connectId: 0, errCode: 1 });
    expect(s?.kind === 'link-lost' && s.hint?.en).toMatch(/does not reconnect by itself/);
    expect(qmt.unsolicitedOf(ev('+QMTRECV: 0,1,"t",3,"abc"'))).toMatchObject({ kind: 'message', topic: 't', boundary: 'certain' });
    expect(qmt.autoReconnect).toBe(false);
  });

  it('every two-phase command names its result URC and correlation; PUBEX accepts +QMTPUB (BG95 O)', () => {
    const byName = new Map(qmt.commands.map((c) => [c.name, c]));
    expect(byName.get('+QMTSUB')?.result).toMatchObject({ prefix: '+QMTSUB', correlate: ['connectId', 'msgId'] });
    expect(byName.get('+QMTCONN')?.result).toMatchObject({ prefix: '+QMTCONN', correlate: ['connectId'] });
    expect(byName.get('+QMTPUBEX')?.result?.variants).toEqual(['+QMTPUB']);
    expect(byName.get('+QMTOPEN')?.result?.hostTimeoutMs).toBeGreaterThanOrEqual(120_000);
    expect(byName.get('+QMTCFG')?.result).toBeNull();
  });
});

describe('two-phase correlation (what `cat1 at` waits for)', () => {
  const r = (line: string) => {
    const x = resultOf(ev(line));
    if (!x) throw new Error(line);
    return x;
  };
  it('a subscribe is answered by the +QMTSUB of the same client and msgid only', () => {
    const spec = commandSpec('+QMTSUB')!.spec;
    const ids = correlationIds(spec, '1,5,"a/b",1');
    expect(ids).toEqual({ connectId: 1, msgId: 5 });
    expect(answers(spec, ids, r('+QMTSUB: 1,5,0,1'))).toBe(true);
    expect(answers(spec, ids, r('+QMTSUB: 1,4,0,1'))).toBe(false);
    expect(answers(spec, ids, r('+QMTSUB: 0,5,0,1'))).toBe(false);
    expect(answers(spec, ids, r('+QMTUNS: 1,5,0'))).toBe(false);
  });

  it('an inline AT+QMTPUBEX is answered by +QMTPUB (BGx) as by +QMTPUBEX (ASR)', () => {
    const spec = commandSpec('+QMTPUBEX')!.spec;
    const ids = correlationIds(spec, '0,7,1,0,"t","hello"');
    expect(answers(spec, ids, r('+QMTPUB: 0,7,0'))).toBe(true);
    expect(answers(spec, ids, r('+QMTPUBEX: 0,7,0'))).toBe(true);
    expect(answers(spec, ids, r('+QMTPUB: 0,8,0'))).toBe(false);
  });

  it('open and connect are answered per client; a refused CONNACK is a failure with its meaning', () => {
    const spec = commandSpec('+QMTCONN')!.spec;
    const ids = correlationIds(spec, '2,"dev","u","p"');
    expect(ids).toEqual({ connectId: 2, msgId: null });
    const refused = r('+QMTCONN: 2,0,4');
    expect(answers(spec, ids, refused)).toBe(true);
    expect(refused.ok).toBe(false);
    expect(refused.meaning.en).toMatch(/bad user name or password/);
    expect(answers(commandSpec('+QMTOPEN')!.spec, correlationIds(commandSpec('+QMTOPEN')!.spec, '3,"h",1883'), r('+QMTOPEN: 3,0'))).toBe(true);
  });
});

describe('command lines read back', () => {
  it('reads connect, subscribe and the publish forms', () => {
    expect(qmt.readCommand('+QMTCONN', '0,"dev","u","p"')).toEqual({ op: 'connect', connectId: 0, clientId: 'dev', username: 'u', password: 'p' });
    expect(qmt.readCommand('+QMTSUB', '1,5,"a/b",2')).toEqual({ op: 'subscribe', connectId: 1, msgId: 5, topic: 'a/b', qos: 2 });
    expect(qmt.readCommand('+QMTPUB', '0,0,0,0,"t"')).toMatchObject({ op: 'publish', mode: 'prompt', length: null, payload: null });
    expect(qmt.readCommand('+QMTPUBEX', '0,1,1,0,"t",33')).toMatchObject({ op: 'publish', mode: 'prompt', length: 33, qos: 1 });
    const inline = qmt.readCommand('+QMTPUBEX', '0,1,1,0,"main_topic","Temp: "22" C"');
    expect(inline).toMatchObject({ op: 'publish', mode: 'inline', topic: 'main_topic' });
    expect(inline?.op === 'publish' && inline.payload?.toString()).toBe('Temp: "22" C');
    expect(qmt.readCommand('+QMTCFG', '"recv/mode",0,0,1')).toEqual({ op: 'config', connectId: 0, key: 'recv/mode', values: ['0', '1'] });
    expect(qmt.readCommand('+ECMTOPEN', '0,"h",1')).toBeNull();
  });

  it('the publish profile knows which forms wait for the prompt', () => {
    const prompt = (c: string) => qmt.atProfiles().find((p) => p.match(c) && p.prompt)?.prompt?.(c) ?? false;
    expect(prompt('AT+QMTPUB=0,0,0,0,"t"')).toBe(true);
    expect(prompt('AT+QMTPUB=0,1,1,0,"t",33')).toBe(true);
    expect(prompt('AT+QMTPUBEX=0,1,1,0,"t",5')).toBe(true);
    expect(prompt('AT+QMTPUBEX=0,1,1,0,"t","inline"')).toBe(false);
  });
});

describe('detection', () => {
  it('picks QMT from a Quectel identity or a +QMT line, ECMT stays the default', () => {
    expect(detectDialect('auto', { identity: 'Quectel\r\nEC800N\r\nRevision: EC800NCNLCR01A21M04' }).dialect.name).toBe('qmt');
    expect(detectDialect('auto', { lines: ['AT', 'OK', '+QMTOPEN: 0,0'] })).toMatchObject({ by: 'log', evidence: '+QMTOPEN: 0,0' });
    expect(detectDialect('auto', { lines: ['AT+ECMTOPEN=0,"h",1'] }).dialect.name).toBe('ecmt');
    expect(detectDialect('auto', {}).dialect.name).toBe('ecmt');
    expect(getDialect('qmt')).toBe(qmt);
    expect(qmt.pdpCheck?.command).toBe('AT+QIACT?');
  });
});

describe('the payload rule in the shared framer', () => {
  const rule = qmt.framing.rule!;
  function frames(chunks: Buffer[]): unknown[] {
    const out: unknown[] = [];
    const f = new Framer(
      (fr: Frame) => {
        if (fr.kind === 'block') {
          const e = rule.toEvent(fr.header, fr.payload, fr.endedBy, fr.truncated);
          out.push(e.type === 'qmt-recv' ? { recv: e.topic, payload: e.payload.toString('latin1'), boundary: e.boundary, length: e.length } : e);
        } else if (fr.kind === 'line') out.push(fr.text);
        else out.push(fr.kind);
      },
      { rule },
    );
    for (const c of chunks) f.feed(c);
    f.end();
    return out;
  }
  // qmt.md §3.1: BG95-M3 (closing quote on the next line), EC20x (inner quotes), EC200x (length)
  const stream = Buffer.from(
    '\r\n+QMTRECV: 0,1,"main_topic","AT+QMTPUBEX=0,1,1,0,"main_topic","Temperature: 22stC"\r\n"\r\n\r\n+QMTSTAT: 0,1\r\n' +
      '\r\n+QMTRECV: 0,0,"/server/x","{"command_type": 2, "command_id":5,"dzcount":160}"\r\n\r\nOK\r\n' +
      '\r\n+QMTRECV: 0,1,"test",10,"1234567890"\r\n\r\nOK\r\n',
  );

  it('frames the reference examples exactly', () => {
    expect(frames([stream])).toEqual([
      { recv: 'main_topic', payload: 'AT+QMTPUBEX=0,1,1,0,"main_topic","Temperature: 22stC"\r\n', boundary: 'inferred', length: null },
      '+QMTSTAT: 0,1',
      { recv: '/server/x', payload: '{"command_type": 2, "command_id":5,"dzcount":160}', boundary: 'certain', length: null },
      'OK',
      { recv: 'test', payload: '1234567890', boundary: 'certain', length: 10 },
      'OK',
    ]);
  });

  it('gives the same frames for any chunking', () => {
    const whole = frames([stream]);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: stream.length }), { maxLength: 30 }), (cuts) => {
        const sorted = [...new Set(cuts)].sort((a, b) => a - b);
        const parts: Buffer[] = [];
        let prev = 0;
        for (const c of [...sorted, stream.length]) {
          if (c > prev) parts.push(stream.subarray(prev, c));
          prev = c;
        }
        expect(frames(parts)).toEqual(whole);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('announces the length (payload plus the closing quote) when the header has one', () => {
    expect(rule.payloadLength?.('+QMTRECV: 0,1,"test",10,"')).toBe(11);
    expect(rule.payloadLength?.('+QMTRECV: 0,1,"test","')).toBeNull();
    expect(rule.headerLength('+QMTRECV: 0,1,"test",10,"1234567890"')).toBe('+QMTRECV: 0,1,"test",10,"'.length);
    expect(rule.headerLength('+QMTRECV: 0,3')).toBe(-1);
  });

  it('a property: the header length is that of scanHead over the UTF-8 bytes, for header-like lines and any others (the `+Q` gate) (3,000 runs)', () => {
    // the general path, as it was before the gate: scanHead over the line's bytes, then the header's characters
    const general = (line: string): number => {
      const h = scanHead(Buffer.from(line, 'utf8').toString('latin1') + '\r\n');
      if (h.status !== 'head' || h.head.nextLine) return -1;
      return Buffer.from(line, 'utf8').subarray(0, h.head.payloadStart).toString('utf8').length;
    };
    const part = fc.constantFrom('+QMTRECV', '+qmtrecv', '+QmTrEcV', ':', ': ', ' ', '\0', '0', '12', ',', '"', '",', 'test', '温度', '+', 'Q', 'q', '+ECMTRECV: 0,1,"t",', '\u0151', '"x"');
    // a header of every shape (word in any case, NULs, spaces, a length or none), then anything
    const header = fc
      .tuple(fc.constantFrom('', '\0', '\0\0'), fc.constantFrom('+QMTRECV:', '+qmtrecv:', '+QmTrEcV: ', '+QMTRECV', '+\u0151MTRECV:'), fc.constantFrom('0', ' 1', '-1'), fc.constantFrom(',1,', ', 2 ,', ','), fc.constantFrom('"test"', '"温度/x"', '"a",b"'), fc.constantFrom(',"', ',10,"', ', 10 , "', ',10', ',x'))
      .map((p) => p.join(''));
    fc.assert(
      fc.property(header, fc.array(part, { maxLength: 12 }), fc.boolean(), (h, parts, withHeader) => {
        const line = (withHeader ? h : '') + parts.join('');
        expect(rule.headerLength(line)).toBe(general(line));
      }),
      { numRuns: 3000 },
    );
  });
});
