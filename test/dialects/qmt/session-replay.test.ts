import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtEngine } from '../../../src/at/engine.js';
import { defaultGrammar } from '../../../src/grammar.js';
import { QmtSession, type QmtMessageEvent } from '../../../src/dialects/qmt/session.js';
import { ReplayPort } from '../../../src/port/replay.js';
import { parseTranscript } from '../../../src/recording/reader.js';

/**
 * QmtSession replayed strictly against a recording of the QMT emulator (header kind "emulator",
 * made by test/tools/record-qmt-emulator-fixtures.mjs): every byte the session writes must match
 * what the recorded host wrote (user name and password are masked spans of the same length), and
 * the steps must come to what the recording shows (qmt.md §2–§3.1).
 *
 * The engine uses the registry's defaultGrammar(): the shared framer counts the <len> of each
 * +QMTRECV, so the second message (`+QMTRECV: 0,0,"fixture/qmt",17,"downlink "quoted""`, then the
 * echo `AT+QMTDISC=0\r` with no empty line before it) ends after its 17 bytes and closing quote.
 * The recording is also one of the shared suite's fixtures (test/fixtures.test.ts).
 */

const FILE = join(import.meta.dirname, '..', '..', '..', 'hardware-fixtures', 'emulator-qmt-ec800n-session.jsonl');
const TRICKY = '{"command_type": 2,\r\n"say":"he said \\"hi\\", then left"}';

describe('QmtSession against the recorded EC800N emulator session (strict replay)', () => {
  it('sends byte for byte what was recorded, the length-form publish without Ctrl-Z, and reads both +QMTRECV messages with their length', async () => {
    const { header, entries } = parseTranscript(readFileSync(FILE, 'utf8'), FILE);
    expect(header.kind).toBe('emulator');
    expect(header['dialect']).toBe('qmt');
    const port = new ReplayPort(entries);
    const engine = new AtEngine(port, { grammar: defaultGrammar(), resyncCommand: null });
    const session = new QmtSession(engine, { model: 'EC800N' });
    const got: QmtMessageEvent[] = [];
    session.on('message', (m) => got.push(m));
    // the port of that recording's broker, as the recording's AT+QMTOPEN shows it
    const tx = entries.map((e) => (e.dir === 'tx' ? e.data.toString('latin1') : '')).join('');
    const port0 = Number(/AT\+QMTOPEN=0,"127\.0\.0\.1",(\d+)/.exec(tx)![1]);

    expect((await session.configure({ key: 'recv/mode', buffered: false, withLength: true })).ok).toBe(true);
    expect((await session.open('127.0.0.1', port0)).urc?.raw).toBe('+QMTOPEN: 0,0');
    // masked in the recording: any 12-byte user name and password replay
    expect((await session.connect({ clientId: 'emu-qmt-fixture-1', username: 'x'.repeat(12), password: 'y'.repeat(12) })).urc?.raw).toBe('+QMTCONN: 0,0,0');
    expect((await session.subscribe('fixture/qmt', 1)).urc?.raw).toBe('+QMTSUB: 0,1,0,1');
    const pub = await session.publish('fixture/qmt', TRICKY, { qos: 1 });
    expect(pub).toMatchObject({ ok: true, form: 'pubex-length', msgId: 2 });
    expect(pub.urc?.raw).toBe('+QMTPUBEX: 0,2,0');
    expect((await session.disconnect()).urc?.raw).toBe('+QMTDISC: 0,0');
    await port.whenIdle();
    expect(() => port.assertDone()).not.toThrow();

    expect(got.map((m) => ({ topic: m.topic, payload: m.payload.toString('utf8'), msgId: m.msgId, length: m.length, boundary: m.boundary }))).toEqual([
      { topic: 'fixture/qmt', payload: TRICKY, msgId: 1, length: Buffer.byteLength(TRICKY), boundary: 'certain' },
      { topic: 'fixture/qmt', payload: 'downlink "quoted"', msgId: 0, length: 17, boundary: 'certain' },
    ]);
    await engine.close();
  });
});
