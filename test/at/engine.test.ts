import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dialogue, settle } from '../helpers/dialogue.js';
import { isCatError } from '../../src/util/errors.js';

describe('AT engine: answers and URCs', () => {
  it('returns the answer lines of a command and its OK', async () => {
    const d = dialogue();
    const p = d.engine.send('AT+CSQ');
    await d.hostWrote('AT+CSQ\r');
    await d.say('\r\n+CSQ: 23,99\r\n\r\nOK\r\n');
    const o = await p;
    expect(o.status).toBe('ok');
    expect(o.lines.map((l) => l.raw)).toEqual(['+CSQ: 23,99']);
    expect(o.lines[0]).toMatchObject({ type: 'csq', rssi: 23, ber: 99 });
  });

  const answer = ['+CGPADDR: 1,"10.0.0.7"', '+CGPADDR: 2,"10.0.0.8"'];
  const positions = [0, 1, 2];
  it.each(positions)('routes a URC injected at line position %i of a multi-line answer as a URC, never into the answer', async (pos) => {
    const d = dialogue();
    const p = d.engine.send('AT+CGPADDR');
    await d.hostWrote('AT+CGPADDR\r');
    const lines = [...answer];
    lines.splice(pos, 0, '+ECMTSTAT: 0,1');
    await d.say(lines.map((l) => `\r\n${l}\r\n`).join('') + '\r\nOK\r\n');
    const o = await p;
    expect(o.status).toBe('ok');
    expect(o.lines.map((l) => l.raw)).toEqual(answer);
    expect(d.urcs.map((u) => u.raw)).toEqual(['+ECMTSTAT: 0,1']);
  });

  it('delivers a URC that arrives right after OK as a URC', async () => {
    const d = dialogue();
    const p = d.engine.send('AT+ECMTOPEN=0,"broker.example",1883');
    await d.hostWrote('1883\r');
    await d.say('\r\nOK\r\n\r\n+ECMTOPEN: 0,0\r\n');
    const o = await p;
    await settle();
    expect(o).toMatchObject({ status: 'ok', lines: [] });
    expect(d.urcs).toEqual([{ type: 'ecmt-open', raw: '+ECMTOPEN: 0,0', connectId: 0, result: 0 }]);
  });

  it('does not take a late +ECMTPUB of an earlier publish as the answer of the publish in flight', async () => {
    const d = dialogue();
    const p = d.engine.send('AT+ECMTPUB=0,2,1,0,"t","b"');
    await d.hostWrote('"b"\r');
    await d.say('\r\n+ECMTPUB: 0,1,0\r\n\r\nOK\r\n');
    const o = await p;
    expect(o).toMatchObject({ status: 'ok', lines: [] });
    expect(d.urcs).toMatchObject([{ type: 'ecmt-pub', msgId: 1, result: 0 }]);
  });

  it('tells the read answer of AT+ECMTCONN? from a +ECMTCONN URC arriving at the same time', async () => {
    const d = dialogue();
    const p = d.engine.send('AT+ECMTCONN?');
    await d.hostWrote('AT+ECMTCONN?\r');
    await d.say('\r\n+ECMTCONN: 0,0,0\r\n+ECMTCONN:0,3\r\n\r\nOK\r\n');
    const o = await p;
    expect(o.lines).toMatchObject([{ type: 'ecmt-conn-state', state: 3 }]);
    expect(d.urcs).toMatchObject([{ type: 'ecmt-conn', result: 0, retCode: 0 }]);
  });

  it('tells the read answer of AT+CEREG? from an unsolicited +CEREG', async () => {
    const d = dialogue();
    const p = d.engine.send('AT+CEREG?');
    await d.hostWrote('AT+CEREG?\r');
    await d.say('\r\n+CEREG: 1,"1A2B","0C3D4E5F",7\r\n\r\n+CEREG: 2,1,"1A2B","0C3D4E5F",7\r\n\r\nOK\r\n');
    const o = await p;
    expect(o.lines).toMatchObject([{ type: 'reg', solicited: true, n: 2, stat: 1 }]);
    expect(d.urcs).toMatchObject([{ type: 'reg', solicited: false, stat: 1 }]);
  });

  it('handles echo on, echo split across reads, and a URC between the echo and the answer', async () => {
    const d = dialogue({ chunk: 3 });
    const p = d.engine.send('AT+CSQ');
    await d.hostWrote('AT+CSQ\r');
    await d.say('AT+CSQ\r\r\n+ECMTSTAT: 0,1\r\n\r\n+CSQ: 20,99\r\n\r\nOK\r\n');
    const o = await p;
    expect(o.status).toBe('ok');
    expect(o.lines.map((l) => l.raw)).toEqual(['+CSQ: 20,99']);
    expect(d.urcs.map((u) => u.raw)).toEqual(['+ECMTSTAT: 0,1']);
    expect(d.engine.echo).toBe(true);
    expect(d.items.filter((i) => i.role === 'echo')).toHaveLength(1);
  });

  it('learns that echo is off when the answer comes without it', async () => {
    const d = dialogue();
    const p = d.engine.send('AT');
    await d.hostWrote('AT\r');
    await d.say('\r\nOK\r\n');
    await p;
    expect(d.engine.echo).toBe(false);
  });

  it('delivers ten URCs that arrive back to back in one read, in order', async () => {
    const d = dialogue();
    const block = Array.from({ length: 10 }, (_, i) => `\r\n+ECMTPUB: 0,${i + 1},0\r\n`).join('');
    await d.say(block);
    await settle();
    expect(d.urcs.map((u) => (u.type === 'ecmt-pub' ? u.msgId : -1))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('AT engine: errors', () => {
  it.each([
    ['+CME ERROR: 3', { type: 'cme-error', code: 3 }],
    ['+CME ERROR:3', { type: 'cme-error', code: 3 }],
    ['+CME ERROR: operation not allowed', { type: 'cme-error', code: 3 }],
    ['+CME ERROR:', { type: 'cme-error', code: null }],
    ['+CMS ERROR: 500', { type: 'cms-error', code: 500 }],
    ['ERROR', { type: 'error' }],
  ])('turns %s into an error outcome with the code', async (line, expected) => {
    const d = dialogue();
    const p = d.engine.send('AT+ECMTDISC=0');
    await d.hostWrote('AT+ECMTDISC=0\r');
    await d.say(`\r\n${line}\r\n`);
    const o = await p;
    expect(o.status).toBe('error');
    if (o.status === 'error') expect(o.error).toMatchObject(expected);
  });

  it('gives the meaning of a numeric CME code', async () => {
    const d = dialogue();
    const p = d.engine.send('AT+ECMTOPEN=0,"h",1883');
    await d.hostWrote('1883\r');
    await d.say('\r\n+CME ERROR: 3\r\n');
    const o = await p;
    expect(o.status === 'error' && o.meaning?.en).toMatch(/not allowed/i);
  });

  it('rejects a command containing CR or LF with a typed error instead of sending it', () => {
    const d = dialogue();
    expect(() => d.engine.send('AT\r\nAT')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_COMMAND' }));
  });
});

describe('AT engine: timeouts and late answers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('times out a command that never gets a final result; the next command succeeds and the late OK is not its answer', async () => {
    const d = dialogue({ timeoutMs: 1000 });
    const first = d.engine.send('AT+CGATT?');
    await vi.advanceTimersByTimeAsync(1000);
    const o1 = await first;
    expect(o1).toMatchObject({ status: 'timeout', waitedFor: 'final', timeoutMs: 1000 });

    const second = d.engine.send('AT+CSQ');
    // the engine first resynchronises; the late answer of AT+CGATT? arrives now
    await d.hostWrote('AT+CMEE?\r');
    await d.say('\r\n+CGATT: 1\r\n\r\nOK\r\n');
    await settle();
    await d.say('\r\n+CMEE: 1\r\n\r\nOK\r\n');
    await d.hostWrote('AT+CSQ\r');
    await d.say('\r\n+CSQ: 18,99\r\n\r\nOK\r\n');
    const o2 = await second;
    expect(o2).toMatchObject({ status: 'ok' });
    expect(o2.lines.map((l) => l.raw)).toEqual(['+CSQ: 18,99']);
    const late = d.items.filter((i) => i.role === 'late');
    expect(late.map((i) => i.event.raw)).toEqual(['+CGATT: 1', 'OK']);
    expect(late.every((i) => i.command === 'AT+CGATT?')).toBe(true);
  });

  it('marks a final result that no command waits for as stray', async () => {
    const d = dialogue();
    await d.say('\r\nOK\r\n');
    await settle();
    expect(d.items.map((i) => i.role)).toEqual(['stray']);
  });

  it('uses the 20 s guard time for AT+ECMTPUB by default', async () => {
    const d = dialogue();
    const p = d.engine.send('AT+ECMTPUB=0,1,1,0,"t","x"');
    await vi.advanceTimersByTimeAsync(19_999);
    let settled = false;
    void p.then(() => (settled = true));
    await settle();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await p).toMatchObject({ status: 'timeout', timeoutMs: 20_000 });
  });

  it('ends a single-line +ECMTRECV at the quiet time and a multi-line JSON one at the next frame', async () => {
    const d = dialogue({ quietMs: 100 });
    await d.say('\r\n+ECMTRECV: 0,987,"t",hello\r\n');
    await settle();
    expect(d.urcs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(d.urcs).toMatchObject([{ type: 'ecmt-recv', msgId: 987, topic: 't', boundary: 'certain', endedBy: 'quiet' }]);
    await d.say('\r\n+ECMTRECV: 0,0,"ESP32/common",{\r\n        "command": "putdown"\r\n}\r\n\r\n+ECMTSTAT: 0,1\r\n');
    await settle();
    const recv = d.urcs[1];
    expect(recv?.type).toBe('ecmt-recv');
    if (recv?.type === 'ecmt-recv') expect(recv.payload.toString()).toBe('{\r\n        "command": "putdown"\r\n}');
    expect(d.urcs[2]).toMatchObject({ type: 'ecmt-stat', errCode: 1 });
  });
});

describe('AT engine: data mode, queue, abort, reset, close', () => {
  it('sends the payload after the > prompt and ends it with Ctrl-Z', async () => {
    const d = dialogue();
    const p = d.engine.send('AT+ECMTPUB=0,1,1,0,"t"', { data: '{"a":1,\r\n"b":2}' });
    await d.hostWrote('"t"\r');
    await d.say('\r\n> ');
    await d.hostWrote('\x1a');
    expect(d.host()).toBe('AT+ECMTPUB=0,1,1,0,"t"\r{"a":1,\r\n"b":2}\x1a');
    await d.say('\r\nOK\r\n');
    expect(await p).toMatchObject({ status: 'ok' });
  });

  it('cancels with ESC when the module prompts for data nobody gave', async () => {
    const d = dialogue();
    const p = d.engine.send('AT+ECMTPUB=0,1,1,0,"t"');
    await d.hostWrote('"t"\r');
    await d.say('\r\n> ');
    const o = await p;
    expect(o.status).toBe('aborted');
    expect(d.host().endsWith('\x1b')).toBe(true);
  });

  it('queues a second command until the first is answered', async () => {
    const d = dialogue();
    const a = d.engine.send('AT');
    const b = d.engine.send('ATI');
    await d.hostWrote('AT\r');
    await settle();
    expect(d.host()).toBe('AT\r');
    expect(d.engine.queued).toBe(1);
    await d.say('\r\nOK\r\n');
    await d.hostWrote('ATI\r');
    await d.say('\r\nEigencomm\r\nEC616S\r\n\r\nOK\r\n');
    expect(await a).toMatchObject({ status: 'ok' });
    expect((await b).lines.map((l) => l.raw)).toEqual(['Eigencomm', 'EC616S']);
  });

  it('aborts a queued command without sending it, and an in-flight one on request', async () => {
    const d = dialogue();
    const ac1 = new AbortController();
    const ac2 = new AbortController();
    const a = d.engine.send('AT+CGATT?', { signal: ac1.signal });
    const b = d.engine.send('AT+CSQ', { signal: ac2.signal });
    ac2.abort();
    expect(await b).toMatchObject({ status: 'aborted', reason: 'aborted before it was sent' });
    await d.hostWrote('AT+CGATT?\r');
    ac1.abort();
    expect(await a).toMatchObject({ status: 'aborted' });
    expect(d.host()).not.toContain('AT+CSQ');
  });

  it('ends the pending command with a reset outcome when the module prints a boot banner', async () => {
    const d = dialogue();
    const booted = vi.fn();
    d.engine.on('boot', booted);
    const p = d.engine.send('AT+CSQ');
    await d.hostWrote('AT+CSQ\r');
    await d.say('\r\nRDY\r\n');
    expect(await p).toMatchObject({ status: 'reset', banner: 'RDY' });
    expect(booted).toHaveBeenCalledTimes(1);
  });

  it('rejects the in-flight and queued commands with ERR_PORT_CLOSED when the port goes away', async () => {
    const d = dialogue();
    const a = d.engine.send('AT+CSQ');
    const b = d.engine.send('AT');
    await d.hostWrote('AT+CSQ\r');
    d.pair.host.fail(new Error('device unplugged'));
    const [ra, rb] = await Promise.allSettled([a, b]);
    expect(ra.status === 'rejected' && isCatError(ra.reason, 'ERR_PORT_CLOSED')).toBe(true);
    expect(rb.status === 'rejected' && isCatError(rb.reason, 'ERR_PORT_CLOSED')).toBe(true);
    await expect(d.engine.send('AT')).rejects.toMatchObject({ code: 'ERR_PORT_CLOSED' });
  });

  it('the port closing names the pending command with its secrets masked (the context keeps it whole)', async () => {
    const d = dialogue();
    const a = d.engine.send('AT+ECMTCONN=0,"dev","user","s3cret"');
    await d.hostWrote('"s3cret"\r');
    d.pair.host.fail(new Error('device unplugged'));
    const err = await a.then(() => null, (e: unknown) => e);
    expect(isCatError(err, 'ERR_PORT_CLOSED')).toBe(true);
    expect((err as Error).message).toContain('AT+ECMTCONN=0,"dev","****","******"');
    expect((err as Error).message).not.toContain('s3cret');
  });
});

describe('AT engine: the device going away under a port that lives on (--follow)', () => {
  it('portLost fails the command in flight at once, masked; the answer that comes after the device is back is late, never the next command\'s', async () => {
    const d = dialogue({ timeoutMs: 60_000 });
    const a = d.engine.send('AT+ECMTCONN=0,"dev","user","s3cret"');
    await d.hostWrote('"s3cret"\r');
    d.engine.portLost('device unplugged');
    const err = await a.then(() => null, (e: unknown) => e);
    expect(isCatError(err, 'ERR_PORT_CLOSED')).toBe(true);
    expect((err as Error).message).toBe('the port went away while AT+ECMTCONN=0,"dev","****","******" was pending (memory-host: device unplugged)'.replace('memory-host', d.pair.host.description));
    // back: the next command is preceded by a resync; an OK meant for the lost command goes to nobody
    const b = d.engine.send('AT+CSQ');
    await d.hostWrote('AT+CMEE?\r');
    await d.say('\r\nOK\r\n\r\n+CMEE: 1\r\n\r\nOK\r\n');
    await d.hostWrote('AT+CSQ\r');
    await d.say('\r\n+CSQ: 20,99\r\n\r\nOK\r\n');
    expect(await b).toMatchObject({ status: 'ok', lines: [{ type: 'csq', rssi: 20 }] });
    expect(d.items.filter((i) => i.role === 'late').length).toBeGreaterThan(0);
  });

  it('reserve: queued and later commands end aborted, unwritten; only the reserved sender still reaches the module', async () => {
    const d = dialogue();
    const inFlight = d.engine.send('AT+CSQ');
    const queued = d.engine.send('AT+ECMTSUB=0,1,"t",0');
    await d.hostWrote('AT+CSQ\r');
    const send = d.engine.reserve('interrupted');
    expect(await queued).toMatchObject({ status: 'aborted', reason: 'interrupted' });
    expect(await d.engine.send('AT+ECMTPUB=0,0,0,0,"t","x"')).toMatchObject({ status: 'aborted', reason: 'interrupted' });
    const last = send('AT+ECMTDISC=0');
    await d.say('\r\n+CSQ: 20,99\r\n\r\nOK\r\n');
    expect(await inFlight).toMatchObject({ status: 'ok' });
    await d.hostWrote('AT+ECMTDISC=0\r');
    await d.say('\r\nOK\r\n');
    expect(await last).toMatchObject({ status: 'ok' });
    expect(d.host()).toBe('AT+CSQ\rAT+ECMTDISC=0\r');
  });
});

