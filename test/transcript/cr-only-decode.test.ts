/**
 * Decoding a transcript of a module that ends its lines with CR alone (ATS4 set so that it sends
 * no LF, V.250 S3/S4): the same typed items as its CR LF twin. Oracles: the items of a short
 * session written by hand below, and the hand-written `<fixture>.expect.json` of each
 * hardware fixture (every command's outcome), replayed with the module's CR LF turned into CR.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseTranscript } from '../../src/recording/reader.js';
import type { DataEntry, TranscriptEntry } from '../../src/recording/types.js';
import { SessionDecoder } from '../../src/transcript/decode.js';
import { defaultGrammar } from '../../src/grammar.js';
import { itemToJson } from '../../src/at/json.js';
import { ReplayPort } from '../../src/port/replay.js';
import { AtEngine } from '../../src/at/engine.js';
import type { AtOutcome } from '../../src/at/types.js';
import { hostCommands } from '../../src/transcript/commands.js';
import { cat1, ROOT } from '../helpers/cli.js';

const HEADER = '{"cat1":"transcript","version":1,"created":"2026-01-01T00:00:00.000Z","kind":"field-observed","timing":"synthetic","redacted":false,"source":"written for this test: a module set not to send LF (V.250 S4), and its CR LF twin"}';

/** A session of a module that ends its lines with CR alone: its echo's CR, then `\r<line>\r` per response line. */
const CR_ONLY: Array<[number, 'tx' | 'rx', string]> = [
  [0.1, 'tx', 'AT+CSQ\r'],
  [0.2, 'rx', 'AT+CSQ\r\r+CSQ: 20,99\r\rOK\r'],
  [1.0, 'rx', '\r+CEREG: 1\r'],
  [2.0, 'tx', 'AT+CGATT?\r'],
  [2.1, 'rx', 'AT+CGATT?\r\r+CGATT: 1\r'],
  [2.11, 'rx', '\rOK\r'],
  [3.0, 'rx', '\r+ECMTRECV: 0,5,"dev/down",hello\r'],
  [4.0, 'tx', 'AT+CFUN=9\r'],
  [4.1, 'rx', 'AT+CFUN=9\r\r+CME ERROR: 50\r'],
  [5.0, 'rx', '\r+ECMTSTAT: 0,1\r'],
];

/** The same session from a module that sends CR LF (written out, not derived). */
const CRLF: Array<[number, 'tx' | 'rx', string]> = [
  [0.1, 'tx', 'AT+CSQ\r'],
  [0.2, 'rx', 'AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n'],
  [1.0, 'rx', '\r\n+CEREG: 1\r\n'],
  [2.0, 'tx', 'AT+CGATT?\r'],
  [2.1, 'rx', 'AT+CGATT?\r\r\n+CGATT: 1\r\n'],
  [2.11, 'rx', '\r\nOK\r\n'],
  [3.0, 'rx', '\r\n+ECMTRECV: 0,5,"dev/down",hello\r\n'],
  [4.0, 'tx', 'AT+CFUN=9\r'],
  [4.1, 'rx', 'AT+CFUN=9\r\r\n+CME ERROR: 50\r\n'],
  [5.0, 'rx', '\r\n+ECMTSTAT: 0,1\r\n'],
];

/** What both decode to, written by hand from the session (ecmt.md §2 for +ECMTRECV/+ECMTSTAT, V.250 for the rest). */
const WANT = [
  { t: 0.1, dir: 'tx', role: 'command', type: 'command', raw: 'AT+CSQ' },
  { t: 0.2, dir: 'rx', role: 'echo', raw: 'AT+CSQ', command: 'AT+CSQ' },
  { t: 0.2, dir: 'rx', role: 'answer', type: 'csq', raw: '+CSQ: 20,99', rssi: 20, command: 'AT+CSQ' },
  { t: 0.2, dir: 'rx', role: 'final', type: 'ok', raw: 'OK', command: 'AT+CSQ' },
  { t: 1.0, dir: 'rx', role: 'urc', type: 'reg', raw: '+CEREG: 1', stat: 1 },
  { t: 2.0, dir: 'tx', role: 'command', raw: 'AT+CGATT?' },
  { t: 2.1, dir: 'rx', role: 'echo', raw: 'AT+CGATT?' },
  { t: 2.1, dir: 'rx', role: 'answer', raw: '+CGATT: 1', command: 'AT+CGATT?' },
  { t: 2.11, dir: 'rx', role: 'final', type: 'ok', raw: 'OK', command: 'AT+CGATT?' },
  { t: 3.0, dir: 'rx', role: 'urc', type: 'ecmt-recv', msgId: 5, topic: 'dev/down', payload: 'hello', boundary: 'certain' },
  { t: 4.0, dir: 'tx', role: 'command', raw: 'AT+CFUN=9' },
  { t: 4.1, dir: 'rx', role: 'echo', raw: 'AT+CFUN=9' },
  { t: 4.1, dir: 'rx', role: 'final', raw: '+CME ERROR: 50', command: 'AT+CFUN=9' },
  { t: 5.0, dir: 'rx', role: 'urc', type: 'ecmt-stat', raw: '+ECMTSTAT: 0,1' },
];

const jsonl = (s: Array<[number, 'tx' | 'rx', string]>): string => [HEADER, ...s.map(([t, dir, text]) => JSON.stringify({ t, dir, text }))].join('\n') + '\n';
const entriesOf = (s: Array<[number, 'tx' | 'rx', string]>): TranscriptEntry[] => parseTranscript(jsonl(s), 'session.jsonl').entries;

function decode(entries: readonly TranscriptEntry[]): Array<Record<string, unknown>> {
  const items: Array<Record<string, unknown>> = [];
  const d = new SessionDecoder((i) => items.push(itemToJson(i) as Record<string, unknown>), { grammar: defaultGrammar() });
  for (const e of entries) d.push(e);
  d.end();
  return items;
}

/** Every rx entry cut byte by byte (same time for each piece). */
function bytewise(entries: readonly TranscriptEntry[]): TranscriptEntry[] {
  return entries.flatMap((e) => (e.dir !== 'rx' ? [e] : Array.from(e.data, (_, k): DataEntry => ({ t: e.t, dir: 'rx', data: e.data.subarray(k, k + 1) }))));
}

describe('decode: a module that ends its lines with CR alone', () => {
  it('a written session decodes to the items written by hand, as its CR LF twin does', () => {
    const crOnly = decode(entriesOf(CR_ONLY));
    expect(crOnly).toMatchObject(WANT);
    expect(crOnly).toHaveLength(WANT.length);
    expect(decode(entriesOf(CRLF))).toMatchObject(WANT);
    expect(crOnly).toEqual(decode(entriesOf(CRLF)));
  });

  it('the same items byte by byte', () => {
    expect(decode(bytewise(entriesOf(CR_ONLY)))).toEqual(decode(entriesOf(CR_ONLY)));
  });

  it('`cat1 decode --json` of the transcript file shows those items', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cat1-cronly-')), 'cr-only.jsonl');
    writeFileSync(file, jsonl(CR_ONLY));
    const r = await cat1(['decode', '--json', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.slice(0, -1)).toMatchObject(WANT);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', commands: 3, errors: 1, urcs: 3 });
  });
});

describe('decode: a module that ends its lines with CR LF keeps a CR inside a line', () => {
  // once a CR LF has ended one of its lines, a module's CR that no LF follows is a byte of the line
  const SESSION: Array<[number, 'tx' | 'rx', string]> = [
    [0.1, 'tx', 'AT+ECMTSUB=0,1,"t",1\r'],
    [0.2, 'rx', '\r\nOK\r\n'],
    [0.3, 'rx', '\r\n+ECMTRECV: 0,3,"t",ab\r+CEREG: 1\r\n'],
    [0.4, 'rx', '\r\ngarbage\rOK\r\n'],
  ];

  it('a payload with a CR followed by a URC-like text stays one payload; an unknown line with a CR inside stays one line', () => {
    const items = decode(entriesOf(SESSION));
    expect(items).toMatchObject([
      { type: 'command', command: 'AT+ECMTSUB=0,1,"t",1' },
      { type: 'ok', role: 'final' },
      { type: 'ecmt-recv', msgId: 3, topic: 't', payload: 'ab\r+CEREG: 1', payloadLength: 12, boundary: 'certain' },
      { type: 'unknown', raw: 'garbage\rOK' },
    ]);
    expect(items).toHaveLength(4);
    // the same cut byte by byte
    expect(decode(bytewise(entriesOf(SESSION)))).toEqual(items);
  });
});

// ---- the hardware fixtures, their module's CR LF turned into CR ----

const DIR = join(ROOT, 'hardware-fixtures');
const files = readdirSync(DIR).filter((f) => f.endsWith('.jsonl')).sort();

/**
 * The module's side as a module that sends no LF would print it: each CR LF becomes CR (across
 * entries too). The bytes a `+QMTRECV` header counts (`…,<len>,"`) are payload, kept as they are.
 */
function crOnlyTwin(entries: readonly TranscriptEntry[]): TranscriptEntry[] {
  const out: TranscriptEntry[] = [];
  let prevCr = false;
  let line = '';
  let keep = 0;
  for (const e of entries) {
    if (e.dir !== 'rx') {
      out.push(e);
      continue;
    }
    const bytes: number[] = [];
    for (const c of e.data) {
      if (keep > 0) {
        keep--;
        bytes.push(c);
        prevCr = false;
        continue;
      }
      if (c === 0x0a && prevCr) {
        prevCr = false;
        continue;
      }
      prevCr = c === 0x0d;
      bytes.push(c);
      line = c === 0x0d || c === 0x0a ? '' : line + String.fromCharCode(c);
      const m = /\+QMTRECV: \d+,\d+,"[^"]*",(\d+),"$/.exec(line);
      if (m) keep = Number(m[1]);
    }
    if (bytes.length > 0) out.push({ t: e.t, dir: 'rx', data: Buffer.from(bytes) });
  }
  return out;
}

interface Expectations {
  commands: Array<{ command: string; status: 'ok' | 'error' | 'timeout'; final?: string }>;
}

/** An item compared with its twin: a payload's own CR LF became CR too (its byte count with it). */
function comparable(item: Record<string, unknown>): Record<string, unknown> {
  const s = JSON.stringify(item).replace(/\\r\\n/g, '\\r');
  const o = JSON.parse(s) as Record<string, unknown>;
  if (typeof o['type'] === 'string' && o['type'].endsWith('-recv')) {
    delete o['payloadLength'];
    if (typeof o['explain'] === 'string') o['explain'] = o['explain'].replace(/\d+ bytes/, 'n bytes');
  }
  return o;
}

describe.each(files)('fixture %s with CR alone at its module\'s line ends', (file) => {
  const { entries } = parseTranscript(readFileSync(join(DIR, file), 'utf8'), file);
  const twin = crOnlyTwin(entries);

  it('has no LF left after a CR in its module bytes (the twin is what the test means)', () => {
    const rx = Buffer.concat(twin.filter((e): e is DataEntry => e.dir === 'rx').map((e) => e.data)).toString('latin1');
    expect(rx).toMatch(/\r/);
    if (!/QMTRECV: \d+,\d+,"[^"]*",\d+,"/.test(rx)) expect(rx).not.toMatch(/\r\n/);
  });

  it('decodes to the items of the CR LF fixture', () => {
    expect(decode(twin).map(comparable)).toEqual(decode(entries).map(comparable));
  });

  describe('replayed through the engine', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('answers every command as its hand-written expectations say', async () => {
      const expected = (JSON.parse(readFileSync(join(DIR, file.replace(/\.jsonl$/, '.expect.json')), 'utf8')) as Expectations).commands;
      const port = new ReplayPort(twin);
      const engine = new AtEngine(port, { grammar: defaultGrammar(), resyncCommand: null });
      const commands = hostCommands(twin, defaultGrammar());
      expect(commands.map((c) => c.command)).toEqual(expected.map((x) => x.command));
      for (const [i, c] of commands.entries()) {
        const want = expected[i]!;
        let outcome: AtOutcome | null = null;
        void engine.send(c.command, c.data ? { data: c.data } : {}).then((o) => (outcome = o));
        // the engine's timers (the quiet time that ends a CR, a timeout) run on the fake clock
        for (let k = 0; outcome === null && k < 1000; k++) await vi.advanceTimersByTimeAsync(50);
        const o = outcome as AtOutcome | null;
        expect(o?.status, `${file}: ${c.command}`).toBe(want.status);
        if (want.final !== undefined) expect(o?.status === 'error' ? o.error.raw : o?.status, `${file}: ${c.command}`).toBe(want.final);
      }
      await vi.advanceTimersByTimeAsync(200);
      await port.whenIdle();
      expect(() => port.assertDone()).not.toThrow();
      await engine.close();
    });
  });
});
