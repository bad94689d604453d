import { afterEach, describe, expect, it } from 'vitest';
import { LineAssembler, parseCommandLine, splitArgs } from '../../src/at/command-line.js';
import { inlinePayload } from '../../src/dialects/ecmt/emulator.js';
import { errorOf, rig, waitFor, type Rig } from './harness.js';

function command(line: string) {
  const p = parseCommandLine(line);
  if (p.kind !== 'command') throw new Error(`not a command: ${JSON.stringify(p)}`);
  return p.command;
}

describe('emulator AT decoder: command lines', () => {
  it.each([
    ['AT', '', 'action', ''],
    ['at', '', 'action', ''],
    ['ATE0', 'E', 'set', '0'],
    ['ate1', 'E', 'set', '1'],
    ['ATI', 'I', 'action', ''],
    ['AT&F', '&F', 'action', ''],
    ['AT+CSQ', '+CSQ', 'action', ''],
    ['at+cereg?', '+CEREG', 'read', ''],
    ['AT+ECMTCFG=?', '+ECMTCFG', 'test', ''],
    ['AT+ECMTCFG= ?', '+ECMTCFG', 'test', ''],
    ['AT+ECMTCFG ="cloud",0,4,1', '+ECMTCFG', 'set', '"cloud",0,4,1'],
    ['  AT+CGPADDR=0', '+CGPADDR', 'set', '0'],
  ])('reads %j as %j (%s)', (line, name, form, args) => {
    expect(command(line)).toMatchObject({ name, form, args });
  });

  it('ends a command at an unquoted semicolon and ignores the rest of the line', () => {
    expect(command('AT+CSQ;+CEREG?')).toMatchObject({ name: '+CSQ', form: 'action' });
    expect(command('AT+ECDNS=host;junk')).toMatchObject({ args: 'host' });
    expect(command('AT+ECDNS="a;b"')).toMatchObject({ args: '"a;b"' });
  });

  it('keeps a semicolon in the raw AT+ECMTPUB payload', () => {
    expect(command('AT+ECMTPUB=0,0,0,0,"t",a;b').args).toBe('0,0,0,0,"t",a;b');
  });

  it('rejects lines that are not AT commands', () => {
    expect(parseCommandLine('hello')).toMatchObject({ kind: 'invalid' });
    expect(parseCommandLine('AT+')).toMatchObject({ kind: 'invalid' });
    expect(parseCommandLine('AT+CSQ x')).toMatchObject({ kind: 'invalid' });
    expect(parseCommandLine('   ')).toEqual({ kind: 'empty' });
  });
});

describe('emulator AT decoder: parameters', () => {
  it('splits quoted and unquoted values, empty ones kept as omitted', () => {
    expect(splitArgs('0,"host",1883')).toEqual([
      { text: '0', quoted: false, empty: false },
      { text: 'host', quoted: true, empty: false },
      { text: '1883', quoted: false, empty: false },
    ]);
    expect(splitArgs('0, host name ,')).toEqual([
      { text: '0', quoted: false, empty: false },
      { text: 'host name', quoted: false, empty: false },
      { text: '', quoted: false, empty: true },
    ]);
  });

  it('has no escapes: a quoted value ends at the next quote, text after it is a syntax error', () => {
    expect(splitArgs('"a\\"b"')).toBeNull();
    expect(splitArgs('"abc')).toBeNull();
    expect(splitArgs('"a" ,1')).toEqual([
      { text: 'a', quoted: true, empty: false },
      { text: '1', quoted: false, empty: false },
    ]);
  });

  it('takes the raw parameter verbatim to the end of the line, commas and inner quotes included', () => {
    const ps = splitArgs('0,1,1,0,"t","{"k":"a,b"}"', 5)!;
    expect(ps[5]).toEqual({ text: '"{"k":"a,b"}"', quoted: false, empty: false });
    expect(inlinePayload(ps[5]!.text)).toBe('{"k":"a,b"}');
  });

  it.each([
    ['"hello"', 'hello'],
    ['hello', 'hello'],
    ['"hello', 'hello'],
    ['he said "hi"', 'he said "hi"'],
    ['""', ''],
  ])('strips only a leading quote and a trailing quote from the inline payload %j', (raw, payload) => {
    expect(inlinePayload(raw)).toBe(payload);
  });
});

describe('emulator AT decoder: bytes to lines', () => {
  function feed(asm: LineAssembler, s: string | Buffer) {
    const out = [];
    for (const b of Buffer.from(s)) {
      const ev = asm.push(b);
      if (ev) out.push(ev);
    }
    return out;
  }

  it('ends a line at CR, ignores LF (CR LF works), deletes with BS', () => {
    const asm = new LineAssembler();
    expect(feed(asm, 'AT\r\nATE0\rAT+CSX\bQ\r')).toEqual([
      { kind: 'line', line: 'AT', overlong: false },
      { kind: 'line', line: 'ATE0', overlong: false },
      { kind: 'line', line: 'AT+CSQ', overlong: false },
    ]);
  });

  it('reads data mode up to Ctrl-Z or ESC, and counts bytes past the limit', () => {
    const asm = new LineAssembler();
    asm.enterData(4);
    expect(feed(asm, 'ab\r\ncd\x1a')).toEqual([{ kind: 'data', payload: Buffer.from('ab\r\nc'.slice(0, 4)), end: 'ctrl-z', overflow: true }]);
    asm.enterData(10);
    expect(feed(asm, 'xyz\x1b')).toEqual([{ kind: 'data', payload: Buffer.from('xyz'), end: 'esc', overflow: false }]);
    expect(asm.mode).toBe('command');
  });
});

describe('emulator AT parsing through the engine', () => {
  let r: Rig;
  afterEach(async () => {
    await r.close();
  });

  it('accepts a space before = (as a real EC616S did)', async () => {
    r = rig();
    await r.ok('AT+ECMTCFG ="cloud",0,4,1');
    expect(await r.ok('AT+ECMTCFG="cloud",0')).toEqual(['+ECMTCFG: "cloud",4,1']);
  });

  it('accepts unquoted strings', async () => {
    r = rig({ conditions: { dns: { 'www.example.test': '192.0.2.7' } } });
    expect(await r.ok('AT+ECDNS=www.example.test')).toEqual(['+ECDNS: "192.0.2.7"']);
    await r.ok('AT+ECMTCFG=keepalive,0,60');
    expect(await r.ok('AT+ECMTCFG=keepalive,0')).toEqual(['+ECMTCFG: "keepalive",60']);
  });

  it('runs only the first command of a line with ;', async () => {
    r = rig();
    const o = await r.send('AT+CSQ;+CGMI');
    expect(o.status).toBe('ok');
    expect(o.lines.map((l) => l.raw)).toEqual(['+CSQ: 24,99']);
  });

  it('answers ERROR to a missing mandatory parameter, an unknown command and a line that is not AT', async () => {
    r = rig();
    expect(errorOf(await r.send('AT+ECMTSUB=0,1,"t"'))).toBe('ERROR');
    expect(errorOf(await r.send('AT+ECMTDISC='))).toBe('ERROR');
    expect(errorOf(await r.send('AT+NOSUCH'))).toBe('ERROR');
    expect(errorOf(await r.send('HELLO'))).toBe('ERROR');
  });

  it('accepts CR LF and lower case, and answers nothing to an empty line', async () => {
    r = rig();
    const answered: string[] = [];
    r.emulator.on('answered', (f) => answered.push(f));
    const done = waitFor(r.emulator, 'answered', () => answered.length === 2);
    await r.engine.port.write('\r\nat\r\nAt+cgmi\r\n');
    await done;
    expect(r.output()).toBe('\r\nOK\r\n\r\ncat1-bridge emulator\r\n\r\nOK\r\n');
  });

  it('prompts for data without a payload: Ctrl-Z sends, ESC cancels with OK', async () => {
    r = rig();
    // not connected: the prompt still comes first, the state is checked once Ctrl-Z arrives
    const sent = await r.send('AT+ECMTPUB=0,1,1,0,"t"', { data: 'x' });
    expect(errorOf(sent)).toBe('+CME ERROR: 3');
    expect(r.output()).toContain('\r\n> ');
    const controller = new AbortController();
    const prompted = waitFor(r.engine, 'item', (i) => i.role === 'prompt');
    const cancelled = r.send('AT+ECMTPUB=0,2,0,0,"t"', { signal: controller.signal });
    await prompted;
    const ok = waitFor(r.emulator, 'answered');
    controller.abort(); // the engine cancels the prompt with ESC
    expect((await cancelled).status).toBe('aborted');
    expect(await ok).toEqual(['OK']);
  });
});
