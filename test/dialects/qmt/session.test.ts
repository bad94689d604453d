import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AtEngine } from '../../../src/at/engine.js';
import { EcmtEmulator } from '../../../src/emulator/emulator.js';
import { startPtyEmulator } from '../../../src/emulator/pty.js';
import type { EcmtEmulatorOptions } from '../../../src/emulator/options.js';
import { defaultGrammar } from '../../../src/grammar.js';
import { QmtSession, type QmtMessageEvent, type QmtSessionOptions } from '../../../src/dialects/qmt/session.js';
import { createPortPair } from '../../../src/port/memory.js';
import { SerialModemPort } from '../../../src/port/serial.js';
import { waitForEvent } from '../../../src/util/waiter.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../../helpers/mosquitto.js';
import { hasSocat } from '../../helpers/pty.js';
import { checker, unique, type Checker } from '../../emulator/broker-helpers.js';

/**
 * The QMT session over the AT engine, against the QMT emulator (in-memory pair, and once through a
 * pseudo-terminal with the real serialport code), the emulator speaking real MQTT to mosquitto and
 * a separate mqtt.js client on the other side. Expected texts come from ../shared/protocol/qmt.md.
 */

const missing = mosquittoMissing();
if (missing) console.warn(`[test/dialects/qmt/session.test.ts skipped] ${missing}`);

const USER = 'sess';
const PASS = 'sess-pw';
const PAYLOAD = '{"cmd": "set",\r\n"say":"a \\"quoted\\" word"}';

describe.skipIf(missing !== null)('QmtSession against the QMT emulator and mosquitto', () => {
  let broker: RunningMosquitto;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    broker = await startMosquitto({ users: { [USER]: PASS } });
  });
  afterAll(async () => {
    await broker?.stop();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  function setup(em: EcmtEmulatorOptions = {}, so: QmtSessionOptions = {}): { emulator: EcmtEmulator; engine: AtEngine; session: QmtSession } {
    const pair = createPortPair();
    const emulator = new EcmtEmulator(pair.module, { dialect: 'qmt', ...em });
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
    const session = new QmtSession(engine, so);
    cleanups.push(async () => {
      await emulator.close();
      await engine.close();
    });
    return { emulator, engine, session };
  }

  async function watch(topic: string): Promise<Checker> {
    const c = await checker(broker, { username: USER, password: PASS });
    cleanups.push(() => c.close());
    await c.client.subscribeAsync(topic, { qos: 2 });
    return c;
  }

  it('runs open → connect → subscribe → publish → receive → disconnect, each step decided by its URC', async () => {
    const { session } = setup({ model: 'EC800N' }, { model: 'EC800N' });
    const topic = unique('sess');
    const c = await watch(`${topic}/up`);
    const open = await session.open('127.0.0.1', broker.port);
    expect(open).toMatchObject({ ok: true, urc: { type: 'qmt-open', raw: '+QMTOPEN: 0,0' } });
    expect(session.state).toBe('open');
    const conn = await session.connect({ clientId: unique('sess-dev'), username: USER, password: PASS });
    expect(conn).toMatchObject({ ok: true, urc: { raw: '+QMTCONN: 0,0,0' } });
    // the password never appears in the command the step reports
    expect(conn.command).not.toContain(PASS);
    expect(session.state).toBe('connected');
    const sub = await session.subscribe(`${topic}/down`, 1);
    expect(sub).toMatchObject({ ok: true, values: [1] });
    expect(sub.urc?.raw).toBe(`+QMTSUB: 0,${sub.msgId},0,1`);

    // EC800N's preferred form is AT+QMTPUBEX with a length: exactly the bytes, no Ctrl-Z
    const pub = await session.publish(`${topic}/up`, PAYLOAD, { qos: 1 });
    expect(pub).toMatchObject({ ok: true, form: 'pubex-length' });
    expect(pub.urc?.raw).toBe(`+QMTPUBEX: 0,${pub.msgId},0`);
    expect((await c.next((m) => m.topic === `${topic}/up`)).payload.toString('utf8')).toBe(PAYLOAD);

    const got = waitForEvent(session, 'message', { timeoutMs: 5000 });
    await c.client.publishAsync(`${topic}/down`, PAYLOAD, { qos: 1 });
    const [m] = (await got.promise) as [QmtMessageEvent];
    expect(m.topic).toBe(`${topic}/down`);
    expect(m.payload.toString('utf8')).toBe(PAYLOAD);
    expect(m.msgId).toBeGreaterThan(0);

    const disc = await session.disconnect();
    expect(disc).toMatchObject({ ok: true, urc: { raw: '+QMTDISC: 0,0' } });
    expect(session.state).toBe('closed');
  });

  it('frames a multi-line payload with inner quotes exactly, with the length (recv/mode 0,1) and without it (0,0)', async () => {
    for (const [mode, length] of [
      [1, Buffer.byteLength(PAYLOAD)],
      [0, null],
    ] as const) {
      const { session } = setup();
      const topic = unique(`sess-frame${mode}`);
      const c = await watch(`${topic}/unused`);
      expect((await session.configure({ key: 'recv/mode', buffered: false, withLength: mode === 1 })).ok).toBe(true);
      expect((await session.open('127.0.0.1', broker.port)).ok).toBe(true);
      expect((await session.connect({ clientId: unique('sess-frame'), username: USER, password: PASS })).ok).toBe(true);
      expect((await session.subscribe(topic, 0)).ok).toBe(true);
      const got = waitForEvent(session, 'message', { timeoutMs: 5000 });
      await c.client.publishAsync(topic, PAYLOAD, { qos: 0 });
      const [m] = (await got.promise) as [QmtMessageEvent];
      expect(m.payload.toString('utf8')).toBe(PAYLOAD);
      expect(m.length).toBe(length);
      expect(m.msgId).toBe(0);
    }
  });

  it('reads buffered messages itself in recv/mode 1 (AT+QMTRECV=<idx>,<slot>)', async () => {
    const { session } = setup({ echo: false }, { idx: 3 });
    const topic = unique('sess-buf');
    const c = await watch(`${topic}/unused`);
    expect((await session.configure({ key: 'recv/mode', buffered: true, withLength: true })).ok).toBe(true);
    expect((await session.open('127.0.0.1', broker.port)).urc?.raw).toBe('+QMTOPEN: 3,0');
    expect((await session.connect({ clientId: unique('sess-buf'), username: USER, password: PASS })).ok).toBe(true);
    expect((await session.subscribe(topic, 0)).ok).toBe(true);
    const got = waitForEvent(session, 'message', { timeoutMs: 5000 });
    await c.client.publishAsync(topic, 'buffered', { qos: 0 });
    const [m] = (await got.promise) as [QmtMessageEvent];
    expect(m).toMatchObject({ topic, slot: 0, length: 8 });
    expect(m.payload.toString()).toBe('buffered');
  });

  it('a wrong password: the connect step fails on +QMTCONN: 0,0,5, then +QMTSTAT ends the session (linkLost, ended)', async () => {
    const { session } = setup();
    expect((await session.open('127.0.0.1', broker.port)).ok).toBe(true);
    const lost = waitForEvent(session, 'linkLost', { timeoutMs: 5000 });
    const ended = waitForEvent(session, 'ended', { timeoutMs: 5000 });
    const conn = await session.connect({ clientId: unique('sess-bad'), username: USER, password: 'wrong' });
    expect(conn).toMatchObject({ ok: false, failure: 'urc', urc: { type: 'qmt-conn', result: 0, retCode: 5 } });
    expect(conn.explain?.en).toBeTruthy();
    const [l] = (await lost.promise) as [{ errCode: number }];
    expect(l.errCode).toBe(1);
    expect(await ended.promise).not.toBeNull();
    expect(session.state).toBe('closed');
  });

  it('reports +QMTSTAT on broker loss as linkLost then ended, and does not expect a reconnect', async () => {
    const doomed = await startMosquitto({ users: { [USER]: PASS } });
    cleanups.push(() => doomed.stop());
    const { session } = setup();
    expect((await session.open('127.0.0.1', doomed.port)).ok).toBe(true);
    expect((await session.connect({ clientId: unique('sess-lost'), username: USER, password: PASS })).ok).toBe(true);
    const lost = waitForEvent(session, 'linkLost', { timeoutMs: 5000 });
    doomed.kill();
    const [l] = (await lost.promise) as [{ errCode: number; explain: { en: string } | null }];
    expect(l.errCode).toBe(1);
    expect(session.state).toBe('closed');
    expect((await session.query()).open).toBeNull();
  });

  it('an open on a client that is still open: +QMTOPEN: 0,2 fails the step with the reason', async () => {
    const { session } = setup();
    expect((await session.open('127.0.0.1', broker.port)).ok).toBe(true);
    const again = await session.open('127.0.0.1', broker.port);
    expect(again).toMatchObject({ ok: false, failure: 'urc', urc: { raw: '+QMTOPEN: 0,2' } });
    expect(again.note?.en).toContain('AT+QMTCLOSE');
    expect((await session.close()).urc?.raw).toBe('+QMTCLOSE: 0,0');
  });

  it.skipIf(!hasSocat())('runs the session through a pseudo-terminal with the real serialport code (BG96: Ctrl-Z prompt publish)', async () => {
    const pty = await startPtyEmulator({ dialect: 'qmt', model: 'BG96' });
    cleanups.push(() => pty.stop());
    const port = await SerialModemPort.open({ path: pty.path });
    const engine = new AtEngine(port, { grammar: defaultGrammar() });
    cleanups.push(() => engine.close());
    const session = new QmtSession(engine, { model: 'BG96', publishForm: 'pub-prompt' });
    const topic = unique('sess-pty');
    const c = await watch(topic);
    expect((await session.open('localhost', broker.port)).ok).toBe(true);
    expect((await session.connect({ clientId: unique('sess-pty-dev'), username: USER, password: PASS })).ok).toBe(true);
    const pub = await session.publish(topic, PAYLOAD, { qos: 2 });
    expect(pub).toMatchObject({ ok: true, form: 'pub-prompt' });
    expect(pub.urc?.raw).toBe(`+QMTPUB: 0,${pub.msgId},0`);
    const seen = await c.next((m) => m.topic === topic);
    expect(seen.payload.toString('utf8')).toBe(PAYLOAD);
    expect(seen.qos).toBe(2);
    expect((await session.disconnect()).ok).toBe(true);
  });
});
