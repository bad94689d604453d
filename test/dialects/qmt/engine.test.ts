/**
 * QMT commands through the real AT engine and grammar (a strict replay port): read and test
 * forms have answer lines, the two-phase results are URCs after OK and never the answer of the
 * command in flight (qmt.md §1–§2). Dialogues from the reference's quoted lines.
 */
import { describe, expect, it } from 'vitest';
import { ReplayPort } from '../../../src/port/replay.js';
import { AtEngine } from '../../../src/at/engine.js';
import { defaultGrammar } from '../../../src/grammar.js';
import type { TranscriptEntry } from '../../../src/recording/types.js';

const e = (t: number, dir: 'tx' | 'rx', text: string): TranscriptEntry => ({ t, dir, data: Buffer.from(text, 'latin1') });

describe('QMT through the engine', () => {
  it('the BG770A single-CRLF test form is the answer; AT+QMTCONN? states are answers', async () => {
    const port = new ReplayPort([
      e(0, 'tx', 'AT+QMTOPEN=?\r'),
      e(0.1, 'rx', '\r\n+QMTOPEN: (0-5),<host_name>,(0-65535)\r\nOK\r\n'),
      e(0.2, 'tx', 'AT+QMTCONN?\r'),
      e(0.3, 'rx', '\r\n+QMTCONN: 0,3\r\n\r\nOK\r\n'),
    ]);
    const engine = new AtEngine(port, { grammar: defaultGrammar(), resyncCommand: null });
    const test = await engine.send('AT+QMTOPEN=?');
    expect(test.status).toBe('ok');
    expect(test.lines.map((l) => l.type)).toEqual(['qmt-test']);
    const read = await engine.send('AT+QMTCONN?');
    expect(read.lines).toMatchObject([{ type: 'qmt-conn-state', idx: 0, state: 3 }]);
    await port.whenIdle();
    port.assertDone();
  });

  it('a connect answers OK; +QMTCONN comes as a URC, also when it arrives in the same read as OK', async () => {
    const port = new ReplayPort([
      e(0, 'tx', 'AT+QMTCONN=0,"dev"\r'),
      e(0.1, 'rx', '\r\nOK\r\n\r\n+QMTCONN: 0,0,5\r\n'),
    ]);
    const engine = new AtEngine(port, { grammar: defaultGrammar(), resyncCommand: null });
    const urcs: string[] = [];
    engine.on('urc', (ev) => urcs.push(ev.raw));
    const out = await engine.send('AT+QMTCONN=0,"dev"');
    expect(out.status).toBe('ok');
    expect(out.lines).toEqual([]);
    await port.whenIdle();
    expect(urcs).toEqual(['+QMTCONN: 0,0,5']);
  });

  it('a prompt-mode publish sends the payload after `> ` and ends it with Ctrl-Z (BG96, O [WIZ])', async () => {
    const port = new ReplayPort([
      e(0, 'tx', 'AT+QMTPUB=0,0,0,0,"topic/openhouse-B"\r'),
      e(0.1, 'rx', '\r\n> '),
      e(0.2, 'tx', 'Hello IoT Open House\x1a'),
      e(0.3, 'rx', '\r\nOK\r\n'),
    ]);
    const engine = new AtEngine(port, { grammar: defaultGrammar(), resyncCommand: null });
    const out = await engine.send('AT+QMTPUB=0,0,0,0,"topic/openhouse-B"', { data: 'Hello IoT Open House' });
    expect(out.status).toBe('ok');
    await port.whenIdle();
    port.assertDone();
  });
});
