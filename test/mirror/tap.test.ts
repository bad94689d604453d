import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AtTracker } from '../../src/at/tracker.js';
import type { TimelineItem } from '../../src/at/types.js';
import { defaultGrammar } from '../../src/grammar.js';
import { TapMerger } from '../../src/mirror/tap.js';

function rig() {
  const items: TimelineItem[] = [];
  const tracker = new AtTracker((i) => items.push(i), { grammar: defaultGrammar() });
  const tap = new TapMerger(tracker, { skewMs: 40, gateMs: 1500 });
  const finals = () => items.filter((i) => i.role === 'final').map((i) => `${i.command} → ${i.event.raw}`);
  return { items, tracker, tap, finals };
}

describe('UART tap merger (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pairs answers with commands when a stall delivers several commands before their answers', () => {
    const r = rig();
    r.tap.tx(Buffer.from('AT+ECMTCONN=0,"a","b","c"\r'));
    r.tap.tx(Buffer.from('AT+ECMTSUB=0,1,"t",1\rAT+ECMTPUB=0,2,1,0,"t","x"\r'));
    r.tap.rx(Buffer.from('\r\nOK\r\n\r\n+ECMTCONN: 0,0,0\r\n'));
    r.tap.rx(Buffer.from('\r\nOK\r\n\r\n+ECMTSUB: 0,1,0,1\r\n'));
    r.tap.rx(Buffer.from('\r\nOK\r\n\r\n+ECMTPUB: 0,2,0\r\n'));
    expect(r.finals()).toEqual(['AT+ECMTCONN=0,"a","b","c" → OK', 'AT+ECMTSUB=0,1,"t",1 → OK', 'AT+ECMTPUB=0,2,1,0,"t","x" → OK']);
    expect(r.items.filter((i) => i.role === 'stray' || i.role === 'late')).toEqual([]);
  });

  it('holds module output that comes before the command it answers', () => {
    const r = rig();
    r.tap.rx(Buffer.from('\r\n+CSQ: 20,99\r\n\r\nOK\r\n'));
    r.tap.tx(Buffer.from('AT+CSQ\r'));
    expect(r.finals()).toEqual(['AT+CSQ → OK']);
    expect(r.items.find((i) => i.role === 'answer')?.event.raw).toBe('+CSQ: 20,99');
  });

  it('holds an answer whose command comes later than the skew time (a loaded host reads one adapter late)', () => {
    const r = rig();
    r.tap.tx(Buffer.from('AT+ECMTCONN=0,"a","b","c"\r'));
    r.tap.rx(Buffer.from('\r\nOK\r\n\r\n+ECMTCONN: 0,0,0\r\n'));
    // the subscribe's answer is read from the module side; its command is still in the host-side adapter
    r.tap.rx(Buffer.from('\r\nOK\r\n\r\n+ECMTSUB: 0,1,0,1\r\n'));
    vi.advanceTimersByTime(1000); // far beyond the 40 ms skew, short of the 1500 ms gate
    r.tap.tx(Buffer.from('AT+ECMTSUB=0,1,"t",1\r'));
    r.tap.tx(Buffer.from('AT+ECMTPUB=0,2,1,0,"t","x"\r'));
    r.tap.rx(Buffer.from('\r\nOK\r\n\r\n+ECMTPUB: 0,2,0\r\n'));
    vi.advanceTimersByTime(40);
    expect(r.finals()).toEqual(['AT+ECMTCONN=0,"a","b","c" → OK', 'AT+ECMTSUB=0,1,"t",1 → OK', 'AT+ECMTPUB=0,2,1,0,"t","x" → OK']);
    expect(r.items.filter((i) => i.role === 'urc').map((i) => i.event.raw)).toEqual(['+ECMTCONN: 0,0,0', '+ECMTSUB: 0,1,0,1', '+ECMTPUB: 0,2,0']);
    expect(r.items.filter((i) => i.role === 'stray' || i.role === 'late')).toEqual([]);
  });

  it('an answer whose command never shows up is delivered after the gate time, not held for ever', () => {
    const r = rig();
    r.tap.rx(Buffer.from('\r\n+CSQ: 20,99\r\n\r\nOK\r\n'));
    vi.advanceTimersByTime(1499);
    expect(r.items).toHaveLength(0);
    vi.advanceTimersByTime(41);
    expect(r.items.map((i) => i.event.raw)).toEqual(['+CSQ: 20,99', 'OK']);
  });

  it('a payload line that reads OK (not framed as a final) does not make held output wait for a command', () => {
    const r = rig();
    r.tap.rx(Buffer.from('\r\n+ECMTRECV: 0,0,"t",status\r\nOK\r\n'));
    vi.advanceTimersByTime(40 + 100); // the skew time, then the quiet time that ends a payload
    const recv = r.items.filter((i) => i.role === 'urc').map((i) => i.event);
    expect(recv).toHaveLength(1);
    expect(recv[0]).toMatchObject({ type: 'ecmt-recv', topic: 't' });
    expect(recv[0]?.type === 'ecmt-recv' && recv[0].payload.toString('latin1')).toBe('status\r\nOK');
  });

  it('delivers held URCs after the skew time when no command comes', () => {
    const r = rig();
    r.tap.rx(Buffer.from('\r\n+ECMTSTAT: 0,1\r\n'));
    expect(r.items).toHaveLength(0);
    vi.advanceTimersByTime(40);
    expect(r.items.map((i) => [i.role, i.event.raw])).toEqual([['urc', '+ECMTSTAT: 0,1']]);
  });

  it('releases a queued command after the gate time when the previous one is never answered', () => {
    const r = rig();
    r.tap.tx(Buffer.from('AT+X\rAT+Y\r'));
    expect(r.items.filter((i) => i.role === 'command')).toHaveLength(1);
    vi.advanceTimersByTime(1500);
    expect(r.items.filter((i) => i.role === 'command').map((i) => i.event.raw)).toEqual(['AT+X', 'AT+Y']);
  });

  it('passes a data-mode payload straight to the command that prompted', () => {
    const r = rig();
    r.tap.tx(Buffer.from('AT+ECMTPUB=0,1,1,0,"t"\r'));
    r.tap.rx(Buffer.from('\r\n> '));
    r.tap.tx(Buffer.from('{"a":1}\x1a'));
    r.tap.rx(Buffer.from('\r\nOK\r\n'));
    expect(r.items.map((i) => i.role)).toEqual(['command', 'prompt', 'data', 'final']);
  });
});

describe('UART tap merger: one read holding the answers of two commands', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the second answer for the command still in the other adapter', () => {
    const r = rig();
    r.tap.tx(Buffer.from('AT+ECMTCONN=0,"a","b","c"\r'));
    r.tap.rx(Buffer.from('\r\nOK\r\n\r\n+ECMTCONN: 0,0,0\r\n\r\nOK\r\n\r\n+ECMTSUB: 0,1,0,1\r\n'));
    r.tap.tx(Buffer.from('AT+ECMTSUB=0,1,"t",1\r'));
    expect(r.finals()).toEqual(['AT+ECMTCONN=0,"a","b","c" → OK', 'AT+ECMTSUB=0,1,"t",1 → OK']);
    expect(r.items.filter((i) => i.role === 'stray' || i.role === 'late')).toEqual([]);
    vi.advanceTimersByTime(40); // what follows the last final waits the skew time for a command
    expect(r.items.filter((i) => i.role === 'urc').map((i) => i.event.raw)).toEqual(['+ECMTCONN: 0,0,0', '+ECMTSUB: 0,1,0,1']);
  });
});
