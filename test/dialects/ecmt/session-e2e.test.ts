/**
 * The ECMT session end to end: the library's session drives the emulator, which talks real MQTT
 * to a real mosquitto started for the test (with a password file); a separate mqtt.js client
 * checks what reaches the broker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { AtEngine } from '../../../src/at/engine.js';
import { defaultGrammar } from '../../../src/grammar.js';
import { createPortPair } from '../../../src/port/memory.js';
import { SerialModemPort } from '../../../src/port/serial.js';
import { EcmtEmulator } from '../../../src/emulator/emulator.js';
import { startPtyEmulator } from '../../../src/emulator/pty.js';
import { EcmtSession, type MessageEvent } from '../../../src/dialects/ecmt/session.js';
import { MemorySink } from '../../../src/recording/writer.js';
import { emulatorTranscriptHeader } from '../../../src/emulator/recorder.js';
import { ReplayPort } from '../../../src/port/replay.js';
import { hostCommands } from '../../../src/transcript/commands.js';
import { mosquittoMissing, startMosquitto, type RunningMosquitto } from '../../helpers/mosquitto.js';
import { hasSocat } from '../../helpers/pty.js';

const missing = mosquittoMissing();
if (missing) console.warn(`skipping the session end-to-end tests: ${missing}`);

const USER = 'dev-user';
const PASS = 'dev-pass-1';

function rig(broker: RunningMosquitto, opts: ConstructorParameters<typeof EcmtSession>[1] = {}, record?: MemorySink) {
  const pair = createPortPair();
  const emulator = new EcmtEmulator(pair.module, { profile: 'ec616s', ...(record ? { record } : {}) });
  const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
  const session = new EcmtSession(engine, { openTimeoutMs: 10_000, connectTimeoutMs: 10_000, ackTimeoutMs: 10_000, ...opts });
  const messages: MessageEvent[] = [];
  session.on('message', (m) => messages.push(m));
  return { pair, emulator, engine, session, messages, port: broker.port };
}

async function checker(broker: RunningMosquitto, topics: string[]): Promise<{ client: MqttClient; got: Array<{ topic: string; payload: Buffer; qos: number }> }> {
  const client = await mqtt.connectAsync(broker.url, { username: USER, password: PASS, clientId: `checker-${Math.random().toString(36).slice(2)}`, reconnectPeriod: 0 });
  const got: Array<{ topic: string; payload: Buffer; qos: number }> = [];
  client.on('message', (topic, payload, packet) => got.push({ topic, payload: Buffer.from(payload), qos: packet.qos }));
  if (topics.length > 0) await client.subscribeAsync(topics, { qos: 2 });
  return { client, got };
}

function until<T>(fn: () => T | undefined, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      const v = fn();
      if (v !== undefined) return resolve(v);
      if (Date.now() - started > ms) return reject(new Error(`condition not met within ${ms} ms`));
      setImmediate(tick);
    };
    tick();
  });
}

describe.skipIf(missing !== null)('ECMT session against a real mosquitto (password file)', () => {
  let broker: RunningMosquitto;
  beforeAll(async () => {
    broker = await startMosquitto({ users: { [USER]: PASS }, allowAnonymous: false });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('connects with the right credentials', async () => {
    const r = rig(broker);
    expect((await r.session.open('127.0.0.1', r.port)).ok).toBe(true);
    const c = await r.session.connect({ clientId: 'e2e-ok', username: USER, password: PASS });
    expect(c).toMatchObject({ ok: true, urc: { type: 'ecmt-conn', result: 0, retCode: 0 } });
    expect(c.lint).toEqual([]);
    expect((await r.session.disconnect()).ok).toBe(true);
    await r.emulator.close();
  });

  it('gets +ECMTCONN: 0,0,5 with a wrong password, and the broker logs the refusal', async () => {
    const r = rig(broker);
    await r.session.open('127.0.0.1', r.port);
    const c = await r.session.connect({ clientId: 'e2e-bad', username: USER, password: 'wrong-password' });
    expect(c).toMatchObject({ ok: false, failure: 'urc', urc: { result: 0, retCode: 5 } });
    expect(c.explain?.en).toMatch(/not authori[sz]ed/);
    await broker.waitForLog(/disconnected, not authori[sz]ed/i);
    await r.session.close();
    await r.emulator.close();
  });

  it.each([0, 1, 2] as const)('subscribes and publishes at QoS %i in both directions, checked from a separate client', async (qos) => {
    const r = rig(broker);
    const up = `e2e/q${qos}/up`;
    const down = `e2e/q${qos}/down`;
    const chk = await checker(broker, [up]);
    await r.session.open('127.0.0.1', r.port);
    expect((await r.session.connect({ clientId: `e2e-q${qos}`, username: USER, password: PASS })).ok).toBe(true);
    const sub = await r.session.subscribe(down, qos);
    expect(sub).toMatchObject({ ok: true, value: 1 });
    const pub = await r.session.publish(up, `hello q${qos}, "quoted" ok`, { qos });
    expect(pub).toMatchObject({ ok: true, mode: 'inline' });
    const upGot = await until(() => chk.got.find((m) => m.topic === up));
    expect(upGot.payload.toString()).toBe(`hello q${qos}, "quoted" ok`);
    expect(upGot.qos).toBe(qos);
    await chk.client.publishAsync(down, Buffer.from(`down q${qos} 中文`), { qos });
    const downGot = await until(() => r.messages.find((m) => m.topic === down));
    expect(downGot.payload.toString('utf8')).toBe(`down q${qos} 中文`);
    expect(downGot.msgId === 0).toBe(qos === 0);
    await chk.client.endAsync();
    await r.session.disconnect();
    await r.emulator.close();
  });

  it('a pretty-printed JSON downlink arrives as one message with the exact bytes', async () => {
    const r = rig(broker);
    const chk = await checker(broker, []);
    await r.session.open('127.0.0.1', r.port);
    await r.session.connect({ clientId: 'e2e-json', username: USER, password: PASS });
    await r.session.subscribe('e2e/json', 1);
    const doc = JSON.stringify({ command: 'putdown', args: { speed: 3, name: '阀门' } }, null, 8).replace(/\n/g, '\r\n');
    await chk.client.publishAsync('e2e/json', Buffer.from(doc), { qos: 1 });
    const m = await until(() => r.messages.find((x) => x.topic === 'e2e/json'));
    expect(m.payload.equals(Buffer.from(doc))).toBe(true);
    expect(r.messages.filter((x) => x.topic === 'e2e/json')).toHaveLength(1);
    await chk.client.endAsync();
    await r.session.disconnect();
    await r.emulator.close();
  });

  it('the credential quirk: a client ID alone reaches the broker as an empty client ID without credentials, and the lint warned', async () => {
    const open = await startMosquitto({ allowAnonymous: true });
    try {
      const r = rig(open);
      await r.session.open('127.0.0.1', r.port);
      const c = await r.session.connect({ clientId: 'quirk-device-42' });
      expect(c.lint.map((f) => f.code)).toContain('credential-quirk');
      expect(c.ok).toBe(true); // the broker accepts the anonymous CONNECT…
      const line = await open.waitForLog(/New client connected from \S+ as \S+.*/);
      expect(line).not.toContain('quirk-device-42'); // …under an ID the broker made up
      expect(line).toMatch(/ as auto-/);
      expect(line).not.toMatch(/u'/);
      await r.session.disconnect();
      await r.emulator.close();
    } finally {
      await open.stop();
    }
  });

  it('link loss: +ECMTSTAT, the module reconnects, the session says so and re-subscribes, and messages flow again', async () => {
    const r = rig(broker, { resubscribe: true });
    const chk = await checker(broker, []);
    await r.session.open('127.0.0.1', r.port);
    await r.session.connect({ clientId: 'e2e-link', username: USER, password: PASS });
    await r.session.subscribe('e2e/link', 1);
    const lost = new Promise((res) => r.session.once('linkLost', res));
    const back = new Promise<{ ok: boolean }>((res) => r.session.once('reconnected', res));
    const resub = new Promise<Array<{ ok: boolean }>>((res) => r.session.once('resubscribed', res));
    expect(r.emulator.dropLink()).toBe(true);
    await lost;
    expect((await back).ok).toBe(true);
    expect((await resub).map((x) => x.ok)).toEqual([true]);
    await chk.client.publishAsync('e2e/link', Buffer.from('after the reconnect'), { qos: 1 });
    const m = await until(() => r.messages.find((x) => x.topic === 'e2e/link'));
    expect(m.payload.toString()).toBe('after the reconnect');
    await chk.client.endAsync();
    await r.session.disconnect();
    await r.emulator.close();
  });

  it('every transcript the emulator records replays strictly through the engine', async () => {
    const sink = new MemorySink(emulatorTranscriptHeader());
    const r = rig(broker, {}, sink);
    await r.session.open('127.0.0.1', r.port);
    await r.session.connect({ clientId: 'e2e-rec', username: USER, password: PASS });
    await r.session.subscribe('e2e/rec', 0);
    await r.session.publish('e2e/rec', 'multi\r\nline', { qos: 1 });
    await until(() => r.messages.find((x) => x.topic === 'e2e/rec'));
    await r.session.disconnect();
    await r.emulator.close();
    expect(sink.header.kind).toBe('emulator');
    expect(sink.toJsonl()).not.toContain(PASS);
    // replay: the commands the host sent, in order, against the recording
    const entries = sink.entries;
    const replay = new ReplayPort(entries);
    const engine = new AtEngine(replay, { grammar: defaultGrammar(), resyncCommand: null });
    const commands = hostCommands(entries, defaultGrammar());
    expect(commands.find((c) => c.data)?.data?.toString()).toBe('multi\r\nline');
    for (const c of commands) {
      const o = await engine.send(c.command, c.data ? { data: c.data } : {});
      expect(['ok', 'error']).toContain(o.status);
    }
    await replay.whenIdle();
    expect(() => replay.assertDone()).not.toThrow();
  });
});

describe.skipIf(missing !== null || !hasSocat())('ECMT session over a pseudo-terminal through the real serialport', () => {
  if (!hasSocat()) console.warn('skipping the pseudo-terminal session test: socat is not installed (apt-get install socat)');
  it('opens, connects, publishes and receives through SerialModemPort', async () => {
    const broker = await startMosquitto({ users: { [USER]: PASS }, allowAnonymous: false });
    const pty = await startPtyEmulator({ profile: 'ec616s' });
    const port = await SerialModemPort.open({ path: pty.path, baudRate: 115200 });
    try {
      const engine = new AtEngine(port, { grammar: defaultGrammar() });
      const session = new EcmtSession(engine);
      const messages: MessageEvent[] = [];
      session.on('message', (m) => messages.push(m));
      const chk = await checker(broker, ['pty/up']);
      expect((await session.open('127.0.0.1', broker.port)).ok).toBe(true);
      expect((await session.connect({ clientId: 'pty-dev', username: USER, password: PASS })).ok).toBe(true);
      expect((await session.subscribe('pty/down', 1)).ok).toBe(true);
      expect((await session.publish('pty/up', '{\r\n "via": "pty"\r\n}', { qos: 1 })).mode).toBe('prompt');
      expect((await until(() => chk.got.find((m) => m.topic === 'pty/up'))).payload.toString()).toBe('{\r\n "via": "pty"\r\n}');
      await chk.client.publishAsync('pty/down', Buffer.from('over the pty'), { qos: 1 });
      expect((await until(() => messages[0])).payload.toString()).toBe('over the pty');
      await chk.client.endAsync();
      await session.disconnect();
    } finally {
      await port.close();
      await pty.stop();
      await broker.stop();
    }
  });
});
