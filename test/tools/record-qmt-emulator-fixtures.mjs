#!/usr/bin/env node
// Records QMT emulator fixtures (kind "emulator"): the Quectel QMT emulator driven by the library's
// QmtSession against a real mosquitto started here. Output: hardware-fixtures/emulator-qmt-bg96-refused.jsonl
// and hardware-fixtures/emulator-qmt-ec800n-session.jsonl (replayed by the shared suite, the second
// also by test/dialects/qmt/session-replay.test.ts; their .expect.json are written by hand).
// Give a directory as the first argument to write both there instead.
// Usage: npm run build && node test/tools/record-qmt-emulator-fixtures.mjs [dir]
import { join } from 'node:path';
import { mosquitto, PASS, USER } from './fixture-broker.mjs';
import mqtt from 'mqtt';
import { AtEngine, createPortPair, EcmtEmulator, emulatorTranscriptHeader, TranscriptWriter } from '../../dist/index.js';
import { defaultGrammar } from '../../dist/grammar.js';
import { QmtSession } from '../../dist/dialects/qmt/session.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const OUT = process.argv[2] ?? null;
const FIXTURES = OUT ?? join(ROOT, 'hardware-fixtures');
const RECORDINGS = FIXTURES;

async function record(dir, file, model, note, script) {
  const broker = await mosquitto();
  const writer = TranscriptWriter.create(join(dir, file), emulatorTranscriptHeader({ qmtModel: model, note: `${note} Recorded by test/tools/record-qmt-emulator-fixtures.mjs against a local mosquitto; the broker address and port are those of that run.` }));
  const pair = createPortPair();
  const emulator = new EcmtEmulator(pair.module, { dialect: 'qmt', model, record: writer });
  const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
  const session = new QmtSession(engine, { model });
  const got = [];
  session.on('message', (m) => got.push(m));
  const peer = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { clientId: 'fixture-peer', username: USER, password: PASS, reconnectPeriod: 0 });
  try {
    await script(session, broker, got, peer);
  } finally {
    await peer.endAsync(true);
    await emulator.close();
    await engine.close();
    broker.stop();
  }
  console.log(`${file}: ${got.length} messages received by the module`);
}

const waitFor = async (cond) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
};

const TRICKY = '{"command_type": 2,\r\n"say":"he said \\"hi\\", then left"}';

await record(RECORDINGS, 'emulator-qmt-ec800n-session.jsonl', 'EC800N', 'A healthy Quectel EC800N session (echo on): recv/mode with length, open, connect, subscribe, AT+QMTPUBEX length-form publish of a multi-line payload with inner quotes that the module receives back, a downlink from another client, disconnect.', async (s, b, got, peer) => {
  await s.configure({ key: 'recv/mode', buffered: false, withLength: true });
  await s.open('127.0.0.1', b.port);
  await s.connect({ clientId: 'emu-qmt-fixture-1', username: USER, password: PASS });
  await s.subscribe('fixture/qmt', 1);
  await s.publish('fixture/qmt', TRICKY, { qos: 1 });
  await waitFor(() => got.length >= 1);
  await peer.publishAsync('fixture/qmt', 'downlink "quoted"', { qos: 0 });
  await waitFor(() => got.length >= 2);
  await s.disconnect();
});

await record(FIXTURES, 'emulator-qmt-bg96-refused.jsonl', 'BG96', 'A Quectel BG96 with a wrong password (echo on): +QMTOPEN: 0,0, +QMTCONN: 0,0,5, then +QMTSTAT: 0,1 when the broker closes; the client is closed and not reconnected.', async (s, b) => {
  await s.open('127.0.0.1', b.port);
  const lost = new Promise((r) => s.once('linkLost', r));
  await s.connect({ clientId: 'emu-qmt-fixture-2', username: USER, password: 'wrong-password' });
  await lost;
  await s.query();
});
