#!/usr/bin/env node
// Records the emulator fixtures of hardware-fixtures/ (kind "emulator"): the module emulator
// driven by the library's session against a real mosquitto started here.
// Usage: npm run build && node test/tools/record-emulator-fixtures.mjs
import { join } from 'node:path';
import { mosquitto, PASS, USER } from './fixture-broker.mjs';
import mqtt from 'mqtt';
import { AtEngine, createPortPair, defaultGrammar, EcmtEmulator, EcmtSession, emulatorTranscriptHeader, TranscriptWriter } from '../../dist/index.js';

const ROOT = new URL('../../', import.meta.url).pathname;

async function record(file, note, faults, script) {
  const broker = await mosquitto();
  const writer = TranscriptWriter.create(join(ROOT, 'hardware-fixtures', file), emulatorTranscriptHeader({ note: `${note} Recorded by test/tools/record-emulator-fixtures.mjs against a local mosquitto; the broker address and port are those of that run (give --broker to re-run it).` }));
  const pair = createPortPair();
  const emulator = new EcmtEmulator(pair.module, { profile: 'ec616s', record: writer, ...(faults ? { faults } : {}) });
  const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
  const session = new EcmtSession(engine);
  const got = [];
  session.on('message', (m) => got.push(m));
  incoming.count = 0;
  emulator.on('incoming', () => incoming.count++);
  try {
    await script(session, broker, got);
  } finally {
    await emulator.close();
    broker.stop();
  }
  console.log(`${file}: ${got.length} messages received by the module`);
}

const incoming = { count: 0 };
const waitFor = async (cond) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
};

await record('emulator-healthy-session.jsonl', 'A healthy session: open, connect, subscribe, inline and prompt-mode publishes the module receives back, unsubscribe, disconnect.', null, async (s, b, got) => {
  await s.configure({ type: 'keepalive', seconds: 60 });
  await s.open('127.0.0.1', b.port);
  await s.connect({ clientId: 'emu-fixture-1', username: USER, password: PASS });
  await s.subscribe('fixture/loop', 1);
  await s.publish('fixture/loop', 'hello, "world"', { qos: 1 });
  await s.publish('fixture/loop', '{\r\n  "multi": "line",\r\n  "中文": true\r\n}', { qos: 0 });
  await waitFor(() => got.length >= 2);
  await s.unsubscribe('fixture/loop');
  await s.disconnect();
});

await record('emulator-lost-messages.jsonl', 'The module drops incoming messages 2 and 4 (emulator fault injection dropIncoming every 2): it publishes five messages to a topic it subscribed and prints +ECMTRECV for 1, 3 and 5 only.', { dropIncoming: { every: 2 } }, async (s, b, got) => {
  await s.open('127.0.0.1', b.port);
  await s.connect({ clientId: 'emu-fixture-2', username: USER, password: PASS });
  await s.subscribe('fixture/lossy', 1);
  for (let i = 1; i <= 5; i++) await s.publish('fixture/lossy', `message ${i}`, { qos: 1 });
  // all five came back to the module (two of them dropped by the fault), then disconnect
  await waitFor(() => got.length >= 3 && incoming.count >= 5);
  await s.disconnect();
});
void mqtt;
