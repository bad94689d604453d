/**
 * Fault injection: one named test per fault class, each run through the real engine (and the
 * ECMT session where the class is about two-phase commands), with the module's side played by
 * the byte-level injector (./injector.ts), the emulator and its fault options, a real
 * pseudo-terminal, or a broker that drops messages.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AtEngine, type AtEngineOptions } from '../../src/at/engine.js';
import { classifyRx } from '../../src/at/diagnosis.js';
import type { AtOutcome, TimelineEvent, TimelineItem } from '../../src/at/types.js';
import { EcmtSession } from '../../src/dialects/ecmt/session.js';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import { Framer } from '../../src/framing/framer.js';
import { defaultGrammar } from '../../src/grammar.js';
import { startEmbeddedBroker } from '../../src/mirror/broker.js';
import { compare } from '../../src/mirror/compare.js';
import { createPortPair } from '../../src/port/memory.js';
import { openPtyPair } from '../../src/port/pty.js';
import { SerialModemPort } from '../../src/port/serial.js';
import type { EventOf, ModemEvent } from '../../src/urc/types.js';
import { isCatError } from '../../src/util/errors.js';
import { CAT1, cat1, ROOT, type CliResult } from '../helpers/cli.js';
import { dialogue, NOTHING_OPEN, script, settle } from '../helpers/dialogue.js';
import { hasSocat } from '../helpers/pty.js';
import { baudGarbage, bytes, cutAt, everyN, frame, junk, ModuleSide, nulRun, OK, randomPieces, type Bytes } from './injector.js';

function setup(opts: Partial<AtEngineOptions> = {}) {
  const pair = createPortPair();
  const engine = new AtEngine(pair.host, { grammar: defaultGrammar(), ...opts });
  const mod = new ModuleSide(pair.module);
  const items: TimelineItem[] = [];
  const urcs: ModemEvent[] = [];
  engine.on('item', (i) => items.push(i));
  engine.on('urc', (e) => urcs.push(e));
  return { pair, engine, mod, items, urcs };
}

/** Send one command, then deliver the module's answer in the given pieces once it was written. */
async function exchange(s: ReturnType<typeof setup>, command: string, pieces: readonly Bytes[]): Promise<AtOutcome> {
  const p = s.engine.send(command);
  await s.mod.wrote(command);
  await s.mod.deliver(pieces);
  const o = await p;
  await settle();
  return o;
}

const raws = (evs: readonly ModemEvent[]): string[] => evs.map((e) => e.raw);
const recvOf = (evs: readonly ModemEvent[]): Array<EventOf<'ecmt-recv'>> => evs.filter((e): e is EventOf<'ecmt-recv'> => e.type === 'ecmt-recv');

afterEach(() => {
  vi.useRealTimers();
});

describe('fault classes, one test each', () => {
  // ---------------------------------------------------------------------------------------
  it('arbitrary chunking: every split point, 1-byte pieces and random pieces give the same outcome, URCs and payload', async () => {
    const payload = '{\r\n  "a": "x,y",\r\n  "b": 1\r\n}';
    const answer = bytes(
      'AT+CGPADDR\r', // echo
      frame('+ECMTSTAT: 0,1'),
      frame('+CGPADDR: 1,"10.0.0.7"'),
      frame('+CGPADDR: 2,"10.0.0.8"'),
      OK,
      frame(`+ECMTRECV: 0,0,"t/1",${payload}`),
      frame('+ECMTPUB: 0,1,0'),
    );
    const check = (o: AtOutcome, urcs: ModemEvent[], how: string): void => {
      expect(o.status, how).toBe('ok');
      expect(raws(o.lines), how).toEqual(['+CGPADDR: 1,"10.0.0.7"', '+CGPADDR: 2,"10.0.0.8"']);
      expect(urcs.map((u) => u.type), how).toEqual(['ecmt-stat', 'ecmt-recv', 'ecmt-pub']);
      const recv = recvOf(urcs)[0]!;
      expect(recv.payload.toString('latin1'), how).toBe(payload);
      expect(recv.boundary, how).toBe('certain');
    };
    const splits: Array<[string, Buffer[]]> = [];
    for (let i = 1; i < answer.length; i++) splits.push([`split at ${i}`, cutAt(answer, [i])]);
    splits.push(['1-byte pieces', everyN(answer, 1)]);
    for (let seed = 1; seed <= 40; seed++) splits.push([`random pieces, seed ${seed}`, randomPieces(answer, seed, 9)]);
    for (const [how, pieces] of splits) {
      const s = setup();
      check(await exchange(s, 'AT+CGPADDR', pieces), s.urcs, how);
    }
  });

  // ---------------------------------------------------------------------------------------
  it('URC between echo and answer: delivered as a URC, never as an answer line', async () => {
    const s = setup();
    const o = await exchange(s, 'AT+CSQ', ['AT+CSQ\r', frame('+CEREG: 5,"1A2B","0C3D4E5F",7'), frame('+ECMTSTAT: 0,1'), frame('+CSQ: 20,99'), OK]);
    expect(o).toMatchObject({ status: 'ok' });
    expect(raws(o.lines)).toEqual(['+CSQ: 20,99']);
    expect(raws(s.urcs)).toEqual(['+CEREG: 5,"1A2B","0C3D4E5F",7', '+ECMTSTAT: 0,1']);
    expect(s.items.filter((i) => i.role === 'echo')).toHaveLength(1);
    // and for the read form whose answer has the same prefix as the URC
    const o2 = await exchange(s, 'AT+CEREG?', ['AT+CEREG?\r', frame('+CEREG: 1,"1A2B","0C3D4E5F",7'), frame('+CEREG: 2,1,"1A2B","0C3D4E5F",7'), OK]);
    expect(raws(o2.lines)).toEqual(['+CEREG: 2,1,"1A2B","0C3D4E5F",7']);
    expect(raws(s.urcs).at(-1)).toBe('+CEREG: 1,"1A2B","0C3D4E5F",7');
  });

  // ---------------------------------------------------------------------------------------
  it('URCs inside a multi-line answer and right after OK: the answer lines are exact, every URC is delivered', async () => {
    const s = setup();
    const o = await exchange(s, 'AT+CGPADDR', [
      frame('+CGPADDR: 0,"10.0.0.6"'),
      frame('+ECMTPUB: 0,7,0'),
      frame('+CGPADDR: 1,"10.0.0.7"'),
      frame('+ECMTRECV: 0,3,"cmd",stop'),
      frame('+CGPADDR: 2,"10.0.0.8"'),
      OK + frame('+ECMTCONN: 0,0,0') + frame('+ECMTSTAT: 0,1'),
    ]);
    expect(raws(o.lines)).toEqual(['+CGPADDR: 0,"10.0.0.6"', '+CGPADDR: 1,"10.0.0.7"', '+CGPADDR: 2,"10.0.0.8"']);
    expect(s.urcs.map((u) => u.type)).toEqual(['ecmt-pub', 'ecmt-recv', 'ecmt-conn', 'ecmt-stat']);
    expect(recvOf(s.urcs)[0]!.payload.toString()).toBe('stop');
    // no URC is ever inside an answer
    expect(s.items.filter((i) => i.role === 'answer').every((i) => i.event.type === 'cgpaddr')).toBe(true);
  });

  // ---------------------------------------------------------------------------------------
  it('ten URCs back to back in one read: all delivered once, in order, idle or during a command', async () => {
    const ten = Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? `+ECMTPUB: 0,${i + 1},0` : i % 3 === 1 ? `+ECMTSUB: 0,${i + 1},0,1` : `+ECMTSTAT: 0,1`));
    const block = ten.map(frame).join('');
    const s = setup();
    await s.mod.deliver([block]);
    expect(raws(s.urcs)).toEqual(ten);
    const o = await exchange(s, 'AT+CSQ', [frame('+CSQ: 9,99') + block + OK]);
    expect(raws(o.lines)).toEqual(['+CSQ: 9,99']);
    expect(raws(s.urcs)).toEqual([...ten, ...ten]);
  });

  // ---------------------------------------------------------------------------------------
  it('unknown URC and junk before CRLF: kept as events (never dropped), never part of an answer', async () => {
    const s = setup();
    const j = junk(12);
    const o = await exchange(s, 'AT+CSQ', [frame('+QIURC: "recv",1'), bytes(j, frame('+CSQ: 20,99')), frame('BOOT-LOG something happened'), bytes('\0\0', '+ECMTSTAT: 0,1\r\n'), bytes(junk(5, 9), OK)]);
    expect(o.status).toBe('ok');
    expect(raws(o.lines)).toEqual(['+CSQ: 20,99']);
    expect(s.urcs[0]).toMatchObject({ raw: '+QIURC: "recv",1' });
    expect(s.urcs.find((u) => u.raw === j.toString('utf8'))?.type).toBe('unknown');
    expect(s.urcs.some((u) => u.raw === 'BOOT-LOG something happened')).toBe(true);
    expect(s.urcs.find((u) => u.type === 'ecmt-stat')).toMatchObject({ errCode: 1 });
    expect(s.urcs).toHaveLength(5);
    expect(s.items.filter((i) => i.role === 'answer')).toHaveLength(1);
  });

  // ---------------------------------------------------------------------------------------
  it('echo on/off and split echo: learned from the stream, the echo is never an answer, a split echo is one echo', async () => {
    const off = setup();
    await exchange(off, 'AT', [OK]);
    expect(off.engine.echo).toBe(false);

    const on = setup();
    const o = await exchange(on, 'ATI', ['ATI\r', frame('Eigencomm'), frame('EC616S'), OK]);
    expect(on.engine.echo).toBe(true);
    expect(raws(o.lines)).toEqual(['Eigencomm', 'EC616S']);

    const split = setup();
    const o2 = await exchange(split, 'AT+CGMR', [...everyN(Buffer.from('AT+CGMR\r'), 1), frame('EC616S_V1'), OK]);
    expect(raws(o2.lines)).toEqual(['EC616S_V1']);
    expect(split.items.filter((i) => i.role === 'echo').map((i) => i.event.raw)).toEqual(['AT+CGMR']);

    // the emulator switching echo on and off in the middle of a session
    const pair = createPortPair();
    const em = new EcmtEmulator(pair.module, { faults: { chunk: 3 } });
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
    try {
      expect((await engine.send('ATI')).lines).toHaveLength(3);
      expect(await engine.send('ATE1')).toMatchObject({ status: 'ok' });
      const withEcho = await engine.send('AT+CGMI');
      expect(raws(withEcho.lines)).toEqual(['cat1-bridge emulator']);
      expect(engine.echo).toBe(true);
      expect(await engine.send('ATE0')).toMatchObject({ status: 'ok' });
      expect(raws((await engine.send('AT+CSQ')).lines)).toEqual(['+CSQ: 24,99']);
    } finally {
      await em.close();
      await engine.close();
    }
  });

  // ---------------------------------------------------------------------------------------
  it('missing final result: a timeout outcome with the answer lines so far; the next command is not confused', async () => {
    vi.useFakeTimers();
    const s = setup({ timeoutMs: 1000 });
    const p = s.engine.send('AT+CSQ');
    await s.mod.wrote('AT+CSQ');
    await s.mod.deliver([frame('+CSQ: 12,99')]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await p).toMatchObject({ status: 'timeout', waitedFor: 'final', timeoutMs: 1000, lines: [{ type: 'csq', rssi: 12 }] });
    // the resync probe goes first, then the next command gets its own answer
    s.mod.onLine = (line) => void s.mod.deliver([line === 'AT+CMEE?' ? frame('+CMEE: 1') + OK : frame('+CSQ: 20,99') + OK]);
    const o = await s.engine.send('AT+CSQ');
    expect(raws(o.lines)).toEqual(['+CSQ: 20,99']);
    expect(s.mod.written).toEqual(['AT+CSQ', 'AT+CMEE?', 'AT+CSQ']);
  });

  // ---------------------------------------------------------------------------------------
  it('late answer after a timeout: reported as late for the command that timed out, never as the next one\'s', async () => {
    vi.useFakeTimers();
    const s = setup({ timeoutMs: 1000 });
    const first = s.engine.send('AT+CGATT?');
    await vi.advanceTimersByTimeAsync(1000);
    expect(await first).toMatchObject({ status: 'timeout' });
    const second = s.engine.send('AT+CGATT?');
    await s.mod.wrote('AT+CMEE?');
    // the late answer and the probe's answer in one read, split badly
    await s.mod.deliver(cutAt(bytes(frame('+CGATT: 0'), OK, frame('+CMEE: 1'), OK), [3, 11, 19]));
    await s.mod.wrote('AT+CGATT?', 2);
    expect(s.mod.written).toEqual(['AT+CGATT?', 'AT+CMEE?', 'AT+CGATT?']);
    await s.mod.deliver([frame('+CGATT: 1') + OK]);
    const o = await second;
    expect(o).toMatchObject({ status: 'ok', lines: [{ type: 'cgatt', attached: true }] });
    const late = s.items.filter((i) => i.role === 'late');
    expect(late.map((i) => [i.event.raw, i.command])).toEqual([
      ['+CGATT: 0', 'AT+CGATT?'],
      ['OK', 'AT+CGATT?'],
    ]);

    // the emulator answering after the engine gave up (faults.delayMs), on the same fake clock;
    // so slowly that the resync probe (AT+CMEE?, 2 s) times out too: its late OK must not be
    // taken as the next command's answer
    const pair = createPortPair();
    const em = new EcmtEmulator(pair.module, { faults: { delayMs: 2500 } });
    let delays = 0;
    em.on('fault', (kind) => {
      if (kind === 'delay' && ++delays === 2) em.setFaults({}); // AT+CSQ and AT+CMEE? are slow, the rest is not
    });
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar(), timeoutMs: 1000 });
    const items: TimelineItem[] = [];
    engine.on('item', (i) => items.push(i));
    try {
      const slow = engine.send('AT+CSQ');
      await vi.advanceTimersByTimeAsync(1000);
      expect(await slow).toMatchObject({ status: 'timeout' });
      const next = engine.send('AT+CGATT?', { timeoutMs: 5000 });
      await vi.advanceTimersByTimeAsync(10_000);
      expect(await next).toMatchObject({ status: 'ok', lines: [{ type: 'cgatt', attached: true }] });
      expect(items.filter((i) => i.role === 'late').map((i) => [i.event.raw, i.command])).toEqual([
        ['+CSQ: 24,99', 'AT+CSQ'],
        ['OK', 'AT+CSQ'],
        ['+CMEE: 1', 'AT+CMEE?'],
        ['OK', 'AT+CMEE?'],
      ]);
      // in sync again: the next command needs no marker
      const after = engine.send('AT');
      await vi.advanceTimersByTimeAsync(100);
      expect(await after).toMatchObject({ status: 'ok' });
    } finally {
      await em.close();
      await engine.close();
    }
  });

  // ---------------------------------------------------------------------------------------
  it('+CME ERROR numeric, text, empty and without a space: an error outcome with the code and its meaning', async () => {
    const cases: Array<[string, number | null]> = [
      ['+CME ERROR: 3', 3],
      ['+CME ERROR: operation not allowed', 3],
      ['+CME ERROR:', null],
      ['+CME ERROR: ', null],
      ['+CME ERROR:3', 3],
      ['+CME ERROR:304', 304],
      ['+CME ERROR: PDN not active', null],
    ];
    for (const [line, code] of cases) {
      const s = setup();
      const o = await exchange(s, 'AT+ECMTOPEN=0,"h",1883', [frame(line)]);
      expect(o.status, line).toBe('error');
      if (o.status !== 'error') continue;
      expect(o.error.type, line).toBe('cme-error');
      if (code !== null) {
        expect(o.error, line).toMatchObject({ code });
        // ecmt.md §5: 3 operation not allowed, 304 PDN not active
        const meant = code === 3 ? { en: /operation not allowed/, zh: /不允许/ } : { en: /PDN not active/, zh: /PDN 未激活/ };
        expect(o.meaning?.en, line).toMatch(meant.en);
        expect(o.meaning?.zh, line).toMatch(meant.zh);
      }
      expect(s.urcs, line).toEqual([]);
    }
    // through the session: a rejected step, with what CME 3 means for it
    const { d, session } = (() => {
      const d = dialogue();
      return { d, session: new EcmtSession(d.engine) };
    })();
    script(d, [...NOTHING_OPEN, { expect: /^AT\+ECMTOPEN=/, reply: frame('+CME ERROR:3') }]);
    const r = await session.open('broker.example.com', 1883);
    expect(r).toMatchObject({ ok: false, failure: 'rejected' });
    expect(r.note?.en).toMatch(/PDN/);
  });

  // ---------------------------------------------------------------------------------------
  it('two-phase command whose URC reports failure: OK at once, then the step fails with the URC and its meaning', async () => {
    const d = dialogue();
    const session = new EcmtSession(d.engine);
    const s = script(d, [
      ...NOTHING_OPEN,
      { expect: /^AT\+ECMTOPEN=/, reply: OK + frame('+ECMTOPEN: 0,-1') },
      ...NOTHING_OPEN,
      { expect: /^AT\+ECMTOPEN=/, reply: OK + frame('+ECMTOPEN: 0,0') },
      { expect: 'AT+ECMTCONN?', reply: OK },
      { expect: /^AT\+ECMTCONN=/, reply: OK + frame('+ECMTCONN: 0,0,4') },
      { expect: 'AT+ECMTCONN?', reply: OK },
      { expect: /^AT\+ECMTCONN=/, reply: OK + frame('+ECMTCONN: 0,0,0') },
      { expect: /^AT\+ECMTSUB=0,\d+,"a",1$/, reply: OK + frame('+ECMTSUB: 0,1,2,0') },
      { expect: /^AT\+ECMTPUB=0,\d+,1,0,"a","x"$/, reply: OK + frame('+ECMTPUB: 0,2,2') },
      { expect: 'AT+ECMTDISC=0', reply: OK + frame('+ECMTDISC: 0,-1') },
    ]);
    const open1 = await session.open('h', 1883);
    expect(open1).toMatchObject({ ok: false, failure: 'urc', urc: { type: 'ecmt-open', result: -1 } });
    // ecmt.md §4: open result -1 = DNS, TCP or TLS failed; the context is deleted
    expect(open1.explain?.en).toMatch(/DNS.*TCP.*TLS.*context/);
    expect(open1.explain?.zh).toMatch(/DNS.*TCP.*TLS.*上下文/);
    expect(session.state).toBe('closed');
    expect((await session.open('h', 1883)).ok).toBe(true);
    const conn1 = await session.connect({ clientId: 'c', username: 'u', password: 'p' });
    expect(conn1).toMatchObject({ ok: false, failure: 'urc', urc: { retCode: 4 } });
    expect(conn1.explain?.en).toMatch(/user name or password/i);
    expect(session.state).toBe('open');
    expect((await session.connect({ clientId: 'c', username: 'u', password: 'p' })).ok).toBe(true);
    expect(await session.subscribe('a', 1)).toMatchObject({ ok: false, failure: 'urc', urc: { result: 2 } });
    expect(session.subscriptions.size).toBe(0);
    expect(await session.publish('a', 'x', { qos: 1 })).toMatchObject({ ok: false, failure: 'urc', urc: { result: 2 } });
    expect(await session.disconnect()).toMatchObject({ ok: false, failure: 'urc' });
    expect(s.unexpected).toEqual([]);

    // with the emulator: the broker refuses (CONNACK 5), and a CONNACK that is lost (no URC at all)
    const broker = await startEmbeddedBroker({ users: { u: 'p' } });
    const pair = createPortPair();
    const em = new EcmtEmulator(pair.module, { faults: { chunk: 5 } });
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
    const s2 = new EcmtSession(engine, { connectTimeoutMs: 300 });
    try {
      expect((await s2.open('127.0.0.1', broker.port)).ok).toBe(true);
      const refused = await s2.connect({ clientId: 'rel-2p', username: 'u', password: 'wrong' });
      expect(refused).toMatchObject({ ok: false, failure: 'urc', urc: { type: 'ecmt-conn', result: 0, retCode: 5 } });
      await s2.close();
      em.setFaults({ chunk: 5, brokerSilence: ['connack'] });
      expect((await s2.open('127.0.0.1', broker.port)).ok).toBe(true);
      const silent = await s2.connect({ clientId: 'rel-2p', username: 'u', password: 'p' });
      expect(silent).toMatchObject({ ok: false, failure: 'no-urc', outcome: { status: 'ok' } });
      expect(silent.note?.en).toMatch(/no \+ECMTCONN within 300 ms/);
    } finally {
      await em.close();
      await engine.close();
      await broker.stop();
    }
  });

  // ---------------------------------------------------------------------------------------
  it('module reboot mid-session (banner): every pending operation ends (reset / ERR_MODULE_REBOOTED) and the state is reset', async () => {
    const d = dialogue();
    const session = new EcmtSession(d.engine, { ackTimeoutMs: 60_000 });
    const events: string[] = [];
    session.on('rebooted', (e) => events.push(`rebooted ${e.banner}`));
    d.engine.on('boot', () => events.push('boot'));
    const mod = new ModuleSide(d.pair.module);
    // echo on until the reboot, as a module configured with ATE1 would
    mod.onLine = (line) => {
      const reply = (s: string): void => void d.say(`${line}\r${s}`);
      if (line === 'AT+ECMTCONN?') reply(frame('+ECMTCONN:0,3') + OK);
      else if (/^AT\+ECMTSUB=/.test(line)) reply(OK + frame(`+ECMTSUB: 0,${line.split(',')[1]},0,1`));
      else if (line === 'AT+ECMTOPEN?') reply(frame('+ECMTOPEN:0,"h",1883') + OK);
    };
    await session.open('h', 1883);
    await session.connect({ clientId: 'c', username: 'u', password: 'p' });
    expect(session.state).toBe('connected');
    expect((await session.subscribe('before', 1)).ok).toBe(true);
    expect(d.engine.echo).toBe(true);
    // now: a subscribe waits for its URC, a general command is in flight, one is queued behind
    // it, and a publish step is queued behind the subscribe
    mod.onLine = (line) => {
      if (/^AT\+ECMTSUB=/.test(line)) void d.say(`${line}\r${OK}`); // ack never comes
    };
    const sub = session.subscribe('pending', 1);
    await mod.wrote(/^AT\+ECMTSUB=0,\d+,"pending",1$/);
    await settle();
    const pub = session.publish('pending', 'x', { qos: 1 });
    const inFlight = d.engine.send('AT+CGATT?');
    await mod.wrote('AT+CGATT?');
    const queued = d.engine.send('AT+CSQ');
    // after the reboot the module answers with echo off, as at power-up
    mod.onLine = (line) => {
      if (line === 'AT+CSQ') void d.say(frame('+CSQ: 21,99') + OK);
      if (/^AT\+ECMTPUB=/.test(line)) void d.say(frame('+CME ERROR: 3'));
    };
    await d.say(frame('RDY'));
    const [rSub, rPub, rIn, rQueued] = await Promise.allSettled([sub, pub, inFlight, queued]);
    expect(rSub.status === 'rejected' && isCatError(rSub.reason, 'ERR_MODULE_REBOOTED')).toBe(true);
    expect(rPub.status === 'rejected' && isCatError(rPub.reason, 'ERR_MODULE_REBOOTED')).toBe(true);
    expect(rIn).toMatchObject({ status: 'fulfilled', value: { status: 'reset', banner: 'RDY' } });
    // a command queued on the engine was not sent before the reboot: it runs afterwards, answered by the new module
    expect(rQueued).toMatchObject({ status: 'fulfilled', value: { status: 'ok', lines: [{ type: 'csq', rssi: 21 }] } });
    expect(events.sort()).toEqual(['boot', 'rebooted RDY']);
    expect(session.state).toBe('closed');
    expect(session.subscriptions.size).toBe(0);
    // the echo learned before the reboot is forgotten; the new module answers without it
    expect(d.engine.echo).toBe(false);
    expect(mod.written.filter((l) => /^AT\+ECMTPUB=/.test(l))).toEqual([]);

    // the same with the emulator and a real broker: the SUBACK is lost (brokerSilence), then reboot()
    const broker = await startEmbeddedBroker({ users: { u: 'p' } });
    const pair = createPortPair();
    const em = new EcmtEmulator(pair.module);
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
    const s2 = new EcmtSession(engine, { ackTimeoutMs: 60_000 });
    try {
      expect((await engine.send('ATE1')).status).toBe('ok');
      expect((await engine.send('AT')).status).toBe('ok');
      expect(engine.echo).toBe(true);
      expect((await s2.open('127.0.0.1', broker.port)).ok).toBe(true);
      expect((await s2.connect({ clientId: 'rel-reboot', username: 'u', password: 'p' })).ok).toBe(true);
      expect((await s2.subscribe('rel/a', 1)).ok).toBe(true);
      em.setFaults({ brokerSilence: ['suback'] });
      const lost = s2.subscribe('rel/b', 1);
      const queuedStep = s2.unsubscribe('rel/a');
      await new Promise<void>((resolve) => em.on('mqtt', (dir, packet) => dir === 'in' && packet.cmd === 'suback' && resolve()));
      em.reboot();
      const [rl, rq] = await Promise.allSettled([lost, queuedStep]);
      expect(rl.status === 'rejected' && isCatError(rl.reason, 'ERR_MODULE_REBOOTED')).toBe(true);
      expect(rq.status === 'rejected' && isCatError(rq.reason, 'ERR_MODULE_REBOOTED')).toBe(true);
      expect([s2.state, s2.subscriptions.size]).toEqual(['closed', 0]);
      // the module answers again, and the session starts over
      expect((await engine.send('AT+CSQ')).status).toBe('ok');
      expect(engine.echo).toBe(false);
      expect((await s2.open('127.0.0.1', broker.port)).ok).toBe(true);
    } finally {
      await em.close();
      await engine.close();
      await broker.stop();
    }
  });

  // ---------------------------------------------------------------------------------------
  it('baud-rate mismatch garbage and long NUL runs: bounded memory, flagged as garbage, and a clear "does not speak AT" diagnosis', async () => {
    // bounded memory: 8 MiB of NULs and 1 MiB of garbage without a line end
    const framer = new Framer(() => undefined, { rule: defaultGrammar().rawBlock });
    let maxHeld = 0;
    for (let i = 0; i < 128; i++) {
      framer.feed(nulRun(64 * 1024));
      maxHeld = Math.max(maxHeld, framer.buffered);
    }
    for (let i = 0; i < 16; i++) {
      framer.feed(junk(64 * 1024, i));
      maxHeld = Math.max(maxHeld, framer.buffered);
    }
    expect(maxHeld).toBeLessThanOrEqual(framer.maxLine + framer.maxBlock);
    expect(framer.stats.overlong).toBeGreaterThan(0);

    // through the engine: the command times out, the garbage is flagged, nothing throws
    vi.useFakeTimers();
    const s = setup({ timeoutMs: 2000 });
    const sampleParts: Buffer[] = [];
    s.pair.host.on('data', (b) => sampleParts.push(Buffer.from(b)));
    const p = s.engine.send('AT');
    await s.mod.wrote('AT');
    await s.mod.deliver(everyN(nulRun(200_000), 4096));
    await s.mod.deliver(everyN(baudGarbage(50_000), 1000));
    await vi.advanceTimersByTimeAsync(2000);
    expect(await p).toMatchObject({ status: 'timeout' });
    const garbage = s.items.filter((i) => i.role === 'garbage');
    expect(garbage.length).toBeGreaterThan(0);
    expect(s.items.filter((i) => i.role === 'final')).toEqual([]);

    // the diagnosis from what arrived: a NUL run, baud-mismatch bytes, silence, a log port, an echo
    const sample = (b: Buffer) => ({ bytes: b.length, sample: b.subarray(0, 4096), written: ['AT'] });
    expect(classifyRx(sample(nulRun(10_000)))).toMatchObject({ kind: 'nul-run' });
    expect(classifyRx(sample(nulRun(10_000))).summary.en).toMatch(/does not speak AT/);
    expect(classifyRx(sample(baudGarbage(5000)))).toMatchObject({ kind: 'garbage' });
    expect(classifyRx(sample(baudGarbage(5000))).hint?.en).toMatch(/baud/);
    expect(classifyRx(sample(Buffer.alloc(0)))).toMatchObject({ kind: 'silent' });
    expect(classifyRx(sample(Buffer.from('[I] app_main: heap 12345\r\n[I] wifi: scanning\r\n')))).toMatchObject({ kind: 'text-not-at' });
    expect(classifyRx(sample(Buffer.from('AT\r')))).toMatchObject({ kind: 'echo-only' });
    expect(classifyRx(sample(Buffer.from('\r\nOK\r\n')))).toMatchObject({ kind: 'at' });

    // what the CLI says, on a pseudo-terminal whose "module" answers at the wrong rate / with NULs
    if (!hasSocat()) {
      console.warn('socat is not installed (apt-get install socat): the CLI half of this test is skipped');
      return;
    }
    vi.useRealTimers();
    const onPty = async (answer: Buffer, args: string[]): Promise<CliResult> => {
      const pair = await openPtyPair();
      pair.port.on('data', () => void pair.port.write(answer).catch(() => undefined));
      try {
        return await cat1([...args.slice(0, 1), '--port', pair.path, '--timeout', '0.4', ...args.slice(1)]);
      } finally {
        await pair.stop();
      }
    };
    const human = await onPty(baudGarbage(700), ['at', 'AT']);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/no final result within 400 ms: this port does not speak AT: \d+ bytes came back that are not text/);
    expect(human.stdout).toMatch(/baud-rate mismatch: try --baud auto/);
    const json = await onPty(nulRun(3000), ['at', '--json', 'AT']);
    const outcome = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((o) => o['type'] === 'outcome');
    expect(outcome).toMatchObject({ status: 'timeout', diagnosis: { kind: 'nul-run', explain: expect.stringMatching(/does not speak AT/) } });
    // the verbs that check the port first fail with the diagnosis in their one line
    const cmp = await onPty(baudGarbage(700, 9), ['compare', '--broker', 'mqtt://127.0.0.1:1', '--client-id', 'x']);
    expect(cmp.code).toBe(3);
    expect(cmp.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cat1: no answer to AT on .* at 115200 baud: this port does not speak AT: .*baud-rate mismatch/)]);
  });

  // ---------------------------------------------------------------------------------------
  it('overlong line: flagged as garbage (with its length), dropped, and the stream recovers at the next CRLF', async () => {
    const s = setup({ maxLine: 256 });
    const long = Buffer.alloc(10_000, 0x41);
    const o = await exchange(s, 'AT+CGPADDR', [frame('+CGPADDR: 0,"10.0.0.6"'), ...everyN(bytes('\r\n+CGPADDR: 1,"', long, '"\r\n'), 700), frame('+ECMTSTAT: 0,1'), frame('+CGPADDR: 2,"10.0.0.8"'), OK]);
    expect(o.status).toBe('ok');
    expect(raws(o.lines)).toEqual(['+CGPADDR: 0,"10.0.0.6"', '+CGPADDR: 2,"10.0.0.8"']);
    const g = s.items.filter((i) => i.role === 'garbage').map((i) => i.event as Extract<TimelineEvent, { type: 'overlong' }>);
    expect(g.map((e) => e.complete)).toEqual([false, true]);
    expect(g[1]!.length).toBe('+CGPADDR: 1,"'.length + long.length + '"\r\n'.length);
    expect(raws(s.urcs)).toEqual(['+ECMTSTAT: 0,1']);
  });

  // ---------------------------------------------------------------------------------------
  it('+ECMTRECV payloads with CR, LF, quote, comma, leading NULs, an inner NUL, non-UTF-8 bytes and the maximum size: exact, or flagged', async () => {
    // 1. what the module prints reaches the caller byte for byte, also when split badly
    const payloads: Array<[string, Buffer]> = [
      ['CR LF and a blank line', Buffer.from('line1\r\nline2\rstill2\n\r\nline4')],
      ['quotes and commas', Buffer.from('"a","b",c,,"')],
      ['leading NULs', Buffer.from('\0\0\0start')],
      ['an inner NUL', Buffer.from('ab\0cd')],
      ['non-UTF-8', Buffer.from([0xff, 0xfe, 0x80, 0x41, 0xc3, 0x28, 0x0d, 0x0a, 0xe9])],
      ['empty', Buffer.alloc(0)],
      ['the longest the host keeps whole on one line (maxBlock minus the CRLF)', Buffer.alloc(8190, 0x7a)],
      ['the firmware receive buffer, as JSON lines', Buffer.from(Array.from({ length: 40 }, (_, i) => `  "k${String(i).padStart(2, '0')}": "${'v'.repeat(18)}",`).join('\r\n'))],
    ];
    for (const [name, payload] of payloads) {
      const stream = bytes(frame('+ECMTPUB: 0,1,0'), '\r\n+ECMTRECV: 0,5,"dev/1/down",', payload, '\r\n', frame('+ECMTSTAT: 0,1'));
      for (const pieces of [[stream], everyN(stream, 7), randomPieces(stream, payload.length + 1, 300)]) {
        const s = setup();
        await s.mod.deliver(pieces);
        const recv = recvOf(s.urcs);
        expect(recv, name).toHaveLength(1);
        expect(recv[0]!.payload.equals(payload), `${name}: ${JSON.stringify(recv[0]!.payload.toString('latin1').slice(0, 60))}`).toBe(true);
        expect(recv[0], name).toMatchObject({ topic: 'dev/1/down', msgId: 5, truncated: false, boundary: 'certain' });
        expect(s.urcs.map((u) => u.type), name).toEqual(['ecmt-pub', 'ecmt-recv', 'ecmt-stat']);
      }
    }
    // 2. over the bound: never silently cut, flagged as truncated
    const s = setup({ maxBlock: 1024 });
    await s.mod.deliver([bytes('\r\n+ECMTRECV: 0,5,"t",', Buffer.alloc(3000, 0x79), '\r\n', frame('+ECMTSTAT: 0,1'))]);
    expect(recvOf(s.urcs)[0]).toMatchObject({ truncated: true, boundary: 'inferred' });
    expect(recvOf(s.urcs)[0]!.payload.length).toBe(1024);

    // 3. end to end through the emulator: the module prints a C string (leading NULs skipped,
    //    an inner NUL ends it), so the caller gets exactly what the firmware would print
    const broker = await startEmbeddedBroker({ users: { u: 'p' } });
    const pair = createPortPair();
    const em = new EcmtEmulator(pair.module, { faults: { chunk: 64 }, seed: 5 });
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
    const session = new EcmtSession(engine, { openTimeoutMs: 5000, connectTimeoutMs: 5000, ackTimeoutMs: 5000 });
    const pub = await mqtt.connectAsync(broker.url, { clientId: 'rel-pub', username: 'u', password: 'p', reconnectPeriod: 0 });
    try {
      expect((await session.open('127.0.0.1', broker.port)).ok).toBe(true);
      expect((await session.connect({ clientId: 'rel-mod', username: 'u', password: 'p' })).ok).toBe(true);
      expect((await session.subscribe('rel/down', 1)).ok).toBe(true);
      const maxPayload = 4 + 128 + 1024 - (1 + 2 + 2 + 'rel/down'.length); // QoS 0 PUBLISH in the module's RX buffer
      const e2e: Array<[string, Buffer, Buffer]> = [
        ['CR/LF, quotes, commas', Buffer.from('{\r\n "a": "1,2",\r\n "b": "\\"q\\""\r\n}'), Buffer.from('{\r\n "a": "1,2",\r\n "b": "\\"q\\""\r\n}')],
        ['leading NULs', Buffer.from('\0\0abc'), Buffer.from('abc')],
        ['an inner NUL', Buffer.from('ab\0cd'), Buffer.from('ab')],
        ['non-UTF-8', Buffer.from([0x41, 0xff, 0xfe, 0x42]), Buffer.from([0x41, 0xff, 0xfe, 0x42])],
        ['the receive buffer exactly', Buffer.alloc(maxPayload, 0x6d), Buffer.alloc(maxPayload, 0x6d)],
      ];
      for (const [name, sent, printed] of e2e) {
        const got = new Promise<Buffer>((resolve) => session.once('message', (m) => resolve(m.payload)));
        await pub.publishAsync('rel/down', sent, { qos: 0 });
        expect((await got).equals(printed), name).toBe(true);
      }
    } finally {
      await pub.endAsync(true);
      await em.close();
      await engine.close();
      await broker.stop();
    }
  });

  // ---------------------------------------------------------------------------------------
  it('the "> " prompt only when expected: a stray prompt is reported as stray, a publish in data mode gets its payload', async () => {
    const s = setup();
    await s.mod.deliver(['\r\n> ']);
    expect(s.items.map((i) => [i.role, i.event.type])).toEqual([['stray', 'prompt']]);
    // a prompt while a command that never prompts is in flight: stray, and the command completes
    const o = await exchange(s, 'AT+CSQ', ['\r\n> ', frame('+CSQ: 5,99'), OK]);
    expect(o).toMatchObject({ status: 'ok', lines: [{ type: 'csq', rssi: 5 }] });
    expect(s.items.filter((i) => i.event.type === 'prompt').map((i) => i.role)).toEqual(['stray', 'stray']);
    // a '>' inside an answer line is not a prompt
    const o2 = await exchange(s, 'AT+CGMR', [frame('>V1.2 build 7'), OK]);
    expect(raws(o2.lines)).toEqual(['>V1.2 build 7']);
    // a data-mode publish: the prompt split across reads, then the payload and Ctrl-Z
    const pub = s.engine.send('AT+ECMTPUB=0,1,1,0,"t"', { data: 'hello > world' });
    await s.mod.wrote('AT+ECMTPUB=0,1,1,0,"t"');
    const hostBytes: Buffer[] = [];
    s.pair.module.on('data', (b) => hostBytes.push(Buffer.from(b)));
    await s.mod.deliver(['\r\n>', ' ']);
    await settle();
    expect(Buffer.concat(hostBytes).toString()).toBe('hello > world\x1a');
    await s.mod.deliver([OK, frame('+ECMTPUB: 0,1,0')]);
    expect(await pub).toMatchObject({ status: 'ok' });
    expect(s.items.filter((i) => i.role === 'prompt')).toHaveLength(1);
  });

  // ---------------------------------------------------------------------------------------
  it('a second command while one is in flight: queued, written only after the first final, answers never mixed', async () => {
    const s = setup();
    const a = s.engine.send('AT+CSQ');
    const b = s.engine.send('AT+CGATT?');
    const c = s.engine.send('AT+CEREG?');
    await s.mod.wrote('AT+CSQ');
    await settle();
    expect(s.mod.written).toEqual(['AT+CSQ']);
    expect(s.engine.queued).toBe(2);
    // the module answers the first with lines that look like the second's: they are URCs/answers of the right one
    await s.mod.deliver([frame('+CSQ: 7,99'), frame('+CEREG: 1,"1A2B","0C3D4E5F",7'), OK]);
    await s.mod.wrote('AT+CGATT?');
    expect(s.mod.written).toEqual(['AT+CSQ', 'AT+CGATT?']);
    await s.mod.deliver([frame('+CGATT: 1') + OK]);
    await s.mod.wrote('AT+CEREG?');
    await s.mod.deliver([frame('+CEREG: 0,5') + OK]);
    const [oa, ob, oc] = await Promise.all([a, b, c]);
    expect(raws(oa.lines)).toEqual(['+CSQ: 7,99']);
    expect(raws(ob.lines)).toEqual(['+CGATT: 1']);
    expect(raws(oc.lines)).toEqual(['+CEREG: 0,5']);
    expect(raws(s.urcs)).toEqual(['+CEREG: 1,"1A2B","0C3D4E5F",7']);
    // the session serialises its steps the same way
    const d = dialogue();
    const session = new EcmtSession(d.engine);
    const sc = script(d, [
      { expect: /^AT\+ECMTSUB=0,\d+,"x",0$/, reply: OK },
      { expect: /^AT\+ECMTSUB=0,\d+,"y",0$/, reply: OK + frame('+ECMTSUB: 0,2,0,1') + frame('+ECMTSUB: 0,1,0,1') },
    ]);
    const sx = session.subscribe('x', 0);
    const sy = session.subscribe('y', 0);
    await settle();
    expect(sc.remaining()).toBe(1);
    await d.say(frame('+ECMTSUB: 0,1,0,1'));
    const [rx, ry] = await Promise.all([sx, sy]);
    expect([rx.ok, rx.msgId, ry.ok, ry.msgId]).toEqual([true, 1, true, 2]);
  });

  // ---------------------------------------------------------------------------------------
  it('the port unplugged mid-command: pending and queued operations rejected with ERR_PORT_CLOSED at once (in-memory pair and a real pty whose socat is killed)', async () => {
    // in memory
    const d = dialogue();
    const session = new EcmtSession(d.engine);
    script(d, [{ expect: /^AT\+ECMTSUB=/, reply: OK }]);
    const step = session.subscribe('t', 1);
    await d.hostWrote('AT+ECMTSUB');
    await settle();
    const a = d.engine.send('AT+CSQ');
    const b = d.engine.send('AT');
    await d.hostWrote('AT+CSQ\r');
    d.pair.host.fail(new Error('device unplugged'));
    const all = await Promise.allSettled([a, b, step]);
    for (const r of all) expect(r.status === 'rejected' && isCatError(r.reason, 'ERR_PORT_CLOSED')).toBe(true);
    await expect(d.engine.send('AT')).rejects.toMatchObject({ code: 'ERR_PORT_CLOSED' });

    // a real pseudo-terminal, its socat killed (the USB adapter pulled out)
    if (!hasSocat()) {
      console.warn('socat is not installed (apt-get install socat): the pty half of this test is skipped');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'cat1-unplug-'));
    const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${join(dir, 'module')}`, `pty,raw,echo=0,link=${join(dir, 'host')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let log = '';
        socat.stderr.on('data', (c: Buffer) => {
          log += c.toString();
          if (log.includes('starting data transfer loop')) resolve();
        });
        socat.once('exit', () => reject(new Error(`socat exited: ${log}`)));
      });
      const modulePort = await SerialModemPort.open({ path: join(dir, 'module') });
      const host = await SerialModemPort.open({ path: join(dir, 'host') });
      const engine = new AtEngine(host, { grammar: defaultGrammar(), timeoutMs: 60_000 });
      const ptySession = new EcmtSession(engine);
      const seen = new Promise<void>((resolve) => modulePort.on('data', (c) => c.toString().includes('\r') && resolve()));
      const t0 = performance.now();
      const pending = [engine.send('AT+CSQ'), engine.send('AT+CGATT?'), ptySession.subscribe('t', 1)];
      await seen;
      socat.kill('SIGKILL');
      const results = await Promise.allSettled(pending);
      const elapsed = performance.now() - t0;
      for (const r of results) expect(r.status === 'rejected' && isCatError(r.reason, 'ERR_PORT_CLOSED'), JSON.stringify(r)).toBe(true);
      expect(elapsed).toBeLessThan(5000);
      expect(host.isOpen).toBe(false);
      await modulePort.close().catch(() => undefined);
    } finally {
      if (socat.exitCode === null && socat.signalCode === null) socat.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }

    // the CLI waiting for the URC of an ECMT action (up to 30 s) when the adapter is pulled: exit 3 at once
    const dir2 = mkdtempSync(join(tmpdir(), 'cat1-unplug-'));
    const socat2 = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${join(dir2, 'module')}`, `pty,raw,echo=0,link=${join(dir2, 'host')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await new Promise<void>((resolve) => {
        let log = '';
        socat2.stderr.on('data', (c: Buffer) => {
          log += c.toString();
          if (log.includes('starting data transfer loop')) resolve();
        });
      });
      const modulePort = await SerialModemPort.open({ path: join(dir2, 'module') });
      modulePort.on('data', (c) => {
        if (c.toString().includes('\r')) void modulePort.write('\r\nOK\r\n');
      });
      const t0 = performance.now();
      const child = spawn(process.execPath, [CAT1, 'at', '--port', join(dir2, 'host'), 'AT+ECMTOPEN=0,"broker.example.com",1883'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', LANG: 'C' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        // it got the OK and now waits for +ECMTOPEN: pull the adapter
        if (/waiting up to 30 s/.test(stderr)) socat2.kill('SIGKILL');
      });
      const code = await new Promise<number | null>((r) => child.on('close', r));
      expect(performance.now() - t0).toBeLessThan(10_000);
      expect(code, stderr).toBe(3);
      expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/waiting up to 30 s for \+ECMTOPEN/), expect.stringMatching(/^cat1: the port .* went away/)]);
      expect(stdout).toMatch(/←  OK/);
      await modulePort.close().catch(() => undefined);
    } finally {
      if (socat2.exitCode === null && socat2.signalCode === null) socat2.kill('SIGKILL');
      rmSync(dir2, { recursive: true, force: true });
    }
  });

  // ---------------------------------------------------------------------------------------
  it('a broker dropping messages vs the module dropping them: the comparison tells them apart (loss-at-broker vs loss-on-module)', async () => {
    const run = async (opts: { moduleDrops: boolean; brokerDrops: boolean }) => {
      const broker = await startDroppingBroker(opts.brokerDrops ? (topic) => topic.endsWith('/d2m') : () => false);
      const pair = createPortPair();
      const em = new EcmtEmulator(pair.module, opts.moduleDrops ? { faults: { dropIncoming: { every: 1 } } } : {});
      const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
      const session = new EcmtSession(engine, { openTimeoutMs: 5000, connectTimeoutMs: 5000, ackTimeoutMs: 5000 });
      try {
        return await compare({ session, broker: { host: '127.0.0.1', port: broker.port, tls: false }, credentials: { clientId: `rel-${String(opts.moduleDrops)}`, username: 'u', password: 'p' }, deliveryTimeoutMs: 700, qos: 1 });
      } finally {
        await em.close();
        await engine.close();
        await broker.stop();
      }
    };
    const onModule = await run({ moduleDrops: true, brokerDrops: false });
    expect(onModule.delivery?.d2m).toMatchObject({ sent: true, brokerDelivered: true, received: false });
    expect(onModule.verdict.causes.map((c) => c.id)).toContain('loss-on-module');
    expect(onModule.verdict.causes.map((c) => c.id)).not.toContain('loss-at-broker');

    const atBroker = await run({ moduleDrops: false, brokerDrops: true });
    expect(atBroker.delivery?.d2m).toMatchObject({ sent: true, brokerDelivered: false, received: false });
    expect(atBroker.verdict.causes.map((c) => c.id)).toContain('loss-at-broker');
    expect(atBroker.verdict.causes.map((c) => c.id)).not.toContain('loss-on-module');
  });
});

/** An aedes broker that acknowledges every publish but never forwards the ones `drop` picks. */
async function startDroppingBroker(drop: (topic: string) => boolean): Promise<{ port: number; stop(): Promise<void> }> {
  const { Aedes } = await import('aedes');
  const { createServer } = await import('node:net');
  const broker = await Aedes.createBroker({
    authorizeForward(_client, packet) {
      return drop(packet.topic) ? null : packet;
    },
  });
  const server = createServer(broker.handle as (s: import('node:net').Socket) => void);
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as import('node:net').AddressInfo).port;
  return {
    port,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}

/**
 * Bugs these tests found in files this suite does not edit (framing/, at/tracker.ts), reported
 * with their exact inputs. Each test states the correct behaviour and is marked `fails` until
 * the fix lands: when one starts passing, drop its `.fails`.
 */
describe('bugs found by this suite, fixed', () => {
  const recvFrames = (stream: Buffer, opts: { maxLine?: number; maxBlock?: number } = {}) => {
    const frames: Array<import('../../src/framing/framer.js').Frame> = [];
    const framer = new Framer((x) => frames.push(x), { rule: defaultGrammar().rawBlock, ...opts });
    framer.feed(stream);
    return { frames, framer };
  };

  it('framer: a +ECMTRECV payload of exactly maxBlock (or maxBlock-1) bytes is kept whole and not flagged truncated', () => {
    for (const n of [8191, 8192]) {
      const { frames } = recvFrames(bytes('\r\n+ECMTRECV: 0,5,"t",', Buffer.alloc(n, 0x7a), '\r\n', frame('+ECMTSTAT: 0,1')));
      const b = frames.find((x) => x.kind === 'block');
      expect(b).toMatchObject({ kind: 'block', truncated: false, endedBy: 'frame' });
      if (b?.kind === 'block') expect(b.payload.equals(Buffer.alloc(n, 0x7a))).toBe(true);
    }
  });

  it('framer: empty lines inside a +ECMTRECV payload are held within the memory bound (maxLine + maxBlock)', () => {
    const { framer } = recvFrames(bytes('\r\n+ECMTRECV: 0,5,"t",x\r\n'), { maxLine: 64, maxBlock: 128 });
    for (let i = 0; i < 100; i++) {
      framer.feed(Buffer.from('\r\n'.repeat(100)));
      expect(framer.buffered).toBeLessThanOrEqual(framer.maxLine + framer.maxBlock);
    }
  });

  it('tracker: a payload holding "\\r\\n\\r\\nOK\\r\\n" while no command waits is not cut with a certain boundary', async () => {
    const s = setup();
    await s.mod.deliver([bytes('\r\n+ECMTRECV: 0,0,"t",a\r\n\r\nOK\r\nb\r\n', frame('+ECMTSTAT: 0,1'))]);
    const recv = recvOf(s.urcs)[0]!;
    expect(recv.payload.toString() === 'a\r\n\r\nOK\r\nb' || recv.boundary === 'inferred').toBe(true);
  });

  it('tracker: the answer of a bare command (ATI) printed right after a +ECMTRECV is not swallowed by the payload', async () => {
    const s = setup();
    const o = await exchange(s, 'ATI', [bytes(frame('+ECMTRECV: 0,0,"t",hello'), frame('Eigencomm'), OK)]);
    expect(raws(o.lines)).toEqual(['Eigencomm']);
    expect(recvOf(s.urcs)[0]!.payload.toString()).toBe('hello');
  });
});
