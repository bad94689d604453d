/**
 * Dialogues with a fixed-length data mode (qmt.md §2.3 forms 2 and 3): after `> ` the module
 * takes exactly `<len>` bytes, no Ctrl-Z. The tracker must end the payload at its count, so the
 * next command line is a command (not payload), and the engine must not append a Ctrl-Z.
 */
import { describe, expect, it } from 'vitest';
import { AtTracker } from '../../src/at/tracker.js';
import { AtEngine } from '../../src/at/engine.js';
import type { TimelineItem } from '../../src/at/types.js';
import { defaultGrammar } from '../../src/grammar.js';
import { ReplayPort } from '../../src/port/replay.js';
import { hostCommands } from '../../src/transcript/commands.js';
import type { TranscriptEntry } from '../../src/recording/types.js';

const e = (t: number, dir: 'tx' | 'rx', text: string): TranscriptEntry => ({ t, dir, data: Buffer.from(text, 'latin1') });
const PUB = 'AT+QMTPUBEX=0,2,1,0,"fixture/qmt",12';
const PAYLOAD = 'line1\r\nAT+X"'; // 12 bytes: a CR LF and something that reads like a command inside

// the host's and the module's bytes, echo on
const DIALOGUE: TranscriptEntry[] = [
  e(0, 'tx', `${PUB}\r`),
  e(0.01, 'rx', `${PUB}\r\r\n> `),
  e(0.02, 'tx', PAYLOAD),
  e(0.03, 'rx', `${PAYLOAD}\r\nOK\r\n`),
  e(0.04, 'tx', 'AT+QMTDISC=0\r'),
  e(0.05, 'rx', 'AT+QMTDISC=0\r\r\nOK\r\n\r\n+QMTPUBEX: 0,2,0\r\n\r\n+QMTDISC: 0,0\r\n'),
];

function timeline(entries: readonly TranscriptEntry[]): TimelineItem[] {
  const items: TimelineItem[] = [];
  const tr = new AtTracker((i) => items.push(i), { grammar: defaultGrammar() });
  for (const x of entries) if (x.dir === "tx") tr.tx(x.data, x.t); else if (x.dir === "rx") tr.rx(x.data, x.t);
  tr.end();
  return items;
}

const brief = (i: TimelineItem) => [i.role, 'raw' in i.event ? i.event.raw : '', i.command ?? null];

describe('a length-form publish followed by another command', () => {
  it('the tracker takes exactly <len> bytes as data; the next line is a command with its own OK', () => {
    expect(timeline(DIALOGUE).map(brief)).toEqual([
      ['command', PUB, PUB],
      ['echo', PUB, PUB],
      ['prompt', '> ', PUB],
      ['data', PAYLOAD, PUB],
      ['echo', 'line1', PUB],
      ['echo', 'AT+X"', PUB],
      ['final', 'OK', PUB],
      ['command', 'AT+QMTDISC=0', 'AT+QMTDISC=0'],
      ['echo', 'AT+QMTDISC=0', 'AT+QMTDISC=0'],
      ['final', 'OK', 'AT+QMTDISC=0'],
      ['urc', '+QMTPUBEX: 0,2,0', null],
      ['urc', '+QMTDISC: 0,0', null],
    ]);
    const data = timeline(DIALOGUE).find((i) => i.role === 'data')!.event;
    expect(data).toMatchObject({ type: 'data', end: 'none' });
  });

  it('the same whatever the host bytes are split into', () => {
    const whole = timeline(DIALOGUE).map(brief);
    const bytewise = DIALOGUE.flatMap((x) => (x.dir === 'tx' && 'data' in x ? [...x.data].map((b) => ({ ...x, data: Buffer.from([b]) })) : [x]));
    expect(timeline(bytewise).map(brief)).toEqual(whole);
  });

  it('bytes written past the count before the answer are excess, not payload nor a command', () => {
    const items = timeline([e(0, 'tx', `${PUB}\r`), e(0.01, 'rx', '\r\n> '), e(0.02, 'tx', `${PAYLOAD}more\r\n`), e(0.03, 'rx', '\r\nOK\r\n')]);
    expect(items.map(brief)).toEqual([
      ['command', PUB, PUB],
      ['prompt', '> ', PUB],
      ['data', PAYLOAD, PUB],
      ['data', 'more\r\n', PUB],
      ['final', 'OK', PUB],
    ]);
    expect(items[3]!.event).toMatchObject({ end: 'excess' });
  });

  it('the replayer finds two commands, and the engine replays them strictly without a Ctrl-Z', async () => {
    const cmds = hostCommands(DIALOGUE, defaultGrammar());
    expect(cmds.map((c) => [c.command, c.data?.toString('latin1') ?? null])).toEqual([
      [PUB, PAYLOAD],
      ['AT+QMTDISC=0', null],
    ]);
    const port = new ReplayPort(DIALOGUE);
    const engine = new AtEngine(port, { grammar: defaultGrammar(), resyncCommand: null });
    const urcs: string[] = [];
    engine.on('urc', (ev) => urcs.push(ev.raw));
    expect((await engine.send(PUB, { data: PAYLOAD })).status).toBe('ok');
    expect((await engine.send('AT+QMTDISC=0')).status).toBe('ok');
    await port.whenIdle();
    expect(() => port.assertDone()).not.toThrow();
    expect(urcs).toEqual(['+QMTPUBEX: 0,2,0', '+QMTDISC: 0,0']);
    await engine.close();
  });
});
