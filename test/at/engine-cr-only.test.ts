/**
 * The engine against a module that ends its lines with CR alone (ATS4 set so that it sends no
 * LF, V.250 S3/S4): `AT+CSQ\r\r+CSQ: 20,99\r\rOK\r`. Its last CR is undecided until the next
 * byte (an LF may follow it), so the command resolves at the next byte or after the quiet time
 * (the engine's timer; the framer has none); a URC after it comes out the same way. Answers
 * expected here are written by hand (the emulator's from test/emulator/general.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dialogue, settle } from '../helpers/dialogue.js';
import { AtEngine } from '../../src/at/engine.js';
import { defaultGrammar } from '../../src/grammar.js';
import { createPortPair } from '../../src/port/memory.js';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import type { ModemEvent } from '../../src/urc/types.js';

describe('AT engine: a module that ends its lines with CR alone (scripted)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves AT+CSQ after the quiet time that ends its OK, with its answer line', async () => {
    const d = dialogue({ quietMs: 100 });
    let done = false;
    const p = d.engine.send('AT+CSQ');
    void p.then(() => (done = true));
    await d.hostWrote('AT+CSQ\r');
    await d.say('AT+CSQ\r\r+CSQ: 20,99\r\rOK\r');
    await settle();
    expect(done).toBe(false); // an LF may still come after that CR
    await vi.advanceTimersByTimeAsync(100);
    const o = await p;
    expect(o.status).toBe('ok');
    expect(o.lines.map((l) => l.raw)).toEqual(['+CSQ: 20,99']);
    expect(d.items.map((i) => [i.role, i.event.raw])).toEqual([
      ['command', 'AT+CSQ'],
      ['echo', 'AT+CSQ'],
      ['answer', '+CSQ: 20,99'],
      ['final', 'OK'],
    ]);
  });

  it('the next byte ends the OK at once; a URC after it comes out after the quiet time', async () => {
    const d = dialogue({ quietMs: 100, chunk: 3 });
    const p = d.engine.send('AT+CEREG?');
    await d.hostWrote('AT+CEREG?\r');
    await d.say('\r+CEREG: 0,1\r\rOK\r\r+ECMTSTAT: 0,1\r');
    const o = await p; // no timer advanced: the bytes after OK's CR decided it
    expect(o).toMatchObject({ status: 'ok', lines: [{ type: 'reg', solicited: true, stat: 1 }] });
    expect(d.urcs).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(d.urcs).toMatchObject([{ type: 'ecmt-stat', errCode: 1 }]);
  });

  it('an error final and a +ECMTRECV payload ended by the quiet time', async () => {
    const d = dialogue({ quietMs: 100 });
    const p = d.engine.send('AT+CFUN=9');
    await d.hostWrote('AT+CFUN=9\r');
    await d.say('\r+CME ERROR: 50\r');
    await vi.advanceTimersByTimeAsync(100);
    expect(await p).toMatchObject({ status: 'error', error: { raw: '+CME ERROR: 50' } });
    await d.say('\r+ECMTRECV: 0,7,"t",hello\r');
    await settle();
    expect(d.urcs).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(d.urcs).toMatchObject([{ type: 'ecmt-recv', msgId: 7, topic: 't', boundary: 'certain', endedBy: 'quiet' }]);
    expect((d.urcs[0] as Extract<ModemEvent, { type: 'ecmt-recv' }>).payload.toString()).toBe('hello');
  });
});

describe('AT engine: the emulator behind a link that drops every LF it prints', () => {
  it('answers the commands and delivers its URCs as with CR LF', async () => {
    const a = createPortPair();
    const b = createPortPair();
    const emulator = new EcmtEmulator(a.module, {});
    // the module's output without LF: what a module set not to send LF prints
    a.host.on('data', (chunk) => void b.module.write(Buffer.from(chunk.filter((c) => c !== 0x0a))));
    b.module.on('data', (chunk) => void a.host.write(chunk));
    const engine = new AtEngine(b.host, { grammar: defaultGrammar(), quietMs: 20 });
    const urcs: ModemEvent[] = [];
    engine.on('urc', (e) => urcs.push(e));
    const ok = async (command: string): Promise<string[]> => {
      const o = await engine.send(command);
      expect(o.status, command).toBe('ok');
      return o.lines.map((l) => l.raw);
    };
    try {
      expect(await ok('AT')).toEqual([]);
      expect(await ok('ATI')).toEqual(['cat1-bridge emulator', 'EC616S-EMU', 'Revision: EMU_EC616S_V0.1 (emulated firmware)']);
      expect(await ok('AT+CSQ')).toEqual(['+CSQ: 24,99']);
      expect(await ok('AT+CGSN=1')).toEqual(['+CGSN: 860000000000001']);
      await ok('AT+CEREG=2');
      expect(await ok('AT+CEREG?')).toEqual(['+CEREG: 2,1,"1A2B","0C3D4E5F",9']);
      const urc = new Promise<ModemEvent>((resolve) => engine.on('urc', (e) => e.type === 'reg' && resolve(e)));
      await ok('AT+CFUN=0');
      expect((await urc).raw).toBe('+CEREG: 0');
      expect(await ok('AT+CSQ')).toEqual(['+CSQ: 99,99']);
      const failed = await engine.send('AT+ECMTOPEN=0,"127.0.0.1",1883');
      expect(failed).toMatchObject({ status: 'error', error: { raw: '+CME ERROR: 3' } });
    } finally {
      await emulator.close();
      await engine.close();
    }
  });
});
