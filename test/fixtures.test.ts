/**
 * The shared suite: every transcript in hardware-fixtures/ is replayed strictly through the
 * engine, and decoded with its module bytes split in every way (chunk invariance).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTranscript } from '../src/recording/reader.js';
import type { DataEntry, TranscriptEntry } from '../src/recording/types.js';
import { ReplayPort } from '../src/port/replay.js';
import { AtEngine } from '../src/at/engine.js';
import { defaultGrammar } from '../src/grammar.js';
import { SessionDecoder } from '../src/transcript/decode.js';
import { itemToJson } from '../src/at/json.js';
import type { TimelineItem } from '../src/at/types.js';
import { hostCommands } from '../src/transcript/commands.js';

const DIR = join(import.meta.dirname, '..', 'hardware-fixtures');
const files = readdirSync(DIR).filter((f) => f.endsWith('.jsonl')).sort();

function load(file: string) {
  return parseTranscript(readFileSync(join(DIR, file), 'utf8'), file);
}

/**
 * What each host command of a fixture must come to, written by hand beside it
 * (`<name>.expect.json`, from the transcript and the protocol reference): the oracle of the
 * replay, independent of the tracker and engine it checks.
 */
interface Expectations {
  fixture: string;
  derivedBy: string;
  commands: Array<{ command: string; status: 'ok' | 'error' | 'timeout'; final?: string; why?: string }>;
}

const expectPath = (file: string): string => join(DIR, file.replace(/\.jsonl$/, '.expect.json'));

function expectations(file: string): Expectations {
  const path = expectPath(file);
  if (!existsSync(path)) throw new Error(`${file}: no expectations file ${path} (write one by hand from the transcript; see hardware-fixtures/README.md)`);
  return JSON.parse(readFileSync(path, 'utf8')) as Expectations;
}

/** Decode entries and return the events as plain JSON (what `cat1 decode --json` prints). */
function decode(entries: readonly TranscriptEntry[]): Array<Record<string, unknown>> {
  const items: TimelineItem[] = [];
  const d = new SessionDecoder((i) => items.push(i), { grammar: defaultGrammar() });
  for (const e of entries) d.push(e);
  d.end();
  return items.map((i) => itemToJson(i));
}

/** Split every rx entry at the given cut points (same time for all pieces). */
function rechunk(entries: readonly TranscriptEntry[], cutsFor: (e: DataEntry, index: number) => number[]): TranscriptEntry[] {
  const out: TranscriptEntry[] = [];
  entries.forEach((e, i) => {
    if (e.dir !== 'rx') {
      out.push(e);
      return;
    }
    let prev = 0;
    for (const c of [...cutsFor(e, i).filter((c) => c > 0 && c < e.data.length).sort((a, b) => a - b), e.data.length]) {
      if (c > prev) out.push({ t: e.t, dir: 'rx', data: e.data.subarray(prev, c) });
      prev = c;
    }
  });
  return out;
}

it('has fixtures, each with provenance and hand-written expectations', () => {
  expect(files.length).toBeGreaterThanOrEqual(8);
  for (const f of files) {
    const { header } = load(f);
    expect(header.kind, f).not.toBe('hardware');
    expect(header.source, f).toMatch(/\S/);
    expect(existsSync(expectPath(f)), `${f} needs ${expectPath(f)}`).toBe(true);
    const x = expectations(f);
    expect(x.fixture, f).toBe(f);
    expect(x.derivedBy, f).toMatch(/by hand/);
    expect(x.commands.length, f).toBeGreaterThan(0);
  }
});

describe.each(files)('fixture %s', (file) => {
  const { entries } = load(file);

  it('replays strictly through the engine: every command answered as recorded, nothing left unconsumed', async () => {
    const port = new ReplayPort(entries);
    const engine = new AtEngine(port, { grammar: defaultGrammar(), resyncCommand: null });
    const expected = expectations(file).commands;
    const commands = hostCommands(entries, defaultGrammar());
    // one expectation per command, in order: a missing one fails, it is never assumed
    expect(commands.map((c) => c.command)).toEqual(expected.map((x) => x.command));
    for (const [i, c] of commands.entries()) {
      const want = expected[i];
      if (!want) throw new Error(`${file}: no expectation for command ${i + 1} (${c.command})`);
      const outcome = await engine.send(c.command, c.data ? { data: c.data } : {});
      expect(outcome.status, `${file}: ${c.command}`).toBe(want.status);
      if (want.final !== undefined) expect(outcome.status === 'error' ? outcome.error.raw : outcome.status, `${file}: ${c.command}`).toBe(want.final);
    }
    await port.whenIdle();
    expect(() => port.assertDone()).not.toThrow();
  });

  it('decodes to the same events whether the module bytes arrive whole, byte by byte or in random pieces', () => {
    const whole = decode(entries);
    expect(whole.length).toBeGreaterThan(0);
    expect(decode(rechunk(entries, (e) => Array.from({ length: e.data.length }, (_, k) => k)))).toEqual(whole);
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat({ max: 200 }), { maxLength: 12 }), { minLength: entries.length, maxLength: entries.length }), (cuts) => {
        expect(decode(rechunk(entries, (_e, i) => cuts[i] ?? []))).toEqual(whole);
      }),
      { numRuns: 100, seed: 42 },
    );
  });
});

describe('what the fixtures decode to', () => {
  const events = (file: string) => decode(load(file).entries);

  it('the multi-line JSON downlink keeps its exact payload, newlines included, in one event', () => {
    const recv = events('esp32-json-downlink.jsonl').filter((e) => e['type'] === 'ecmt-recv');
    expect(recv).toHaveLength(1);
    expect(recv[0]).toMatchObject({ topic: 'ESP32/common', msgId: 0, payload: '{\r\n        "command": "putdown"\r\n}', boundary: 'certain', role: 'urc' });
  });

  it('payloads with commas, quotes and an apostrophe stay exact', () => {
    expect(events('ec6xx-stm32-session.jsonl').find((e) => e['type'] === 'ecmt-recv')).toMatchObject({ topic: '/pc/msg', payload: "i'm pc" });
    const pub = events('ec01g-cloud-session.jsonl').find((e) => e['type'] === 'command' && String(e['command']).startsWith('AT+ECMTPUB'));
    expect(pub?.['command']).toBe('AT+ECMTPUB=0,1,1,0,"attributes","{"GPSTime":"2024-01-01T00:00:00","key":12}"');
  });

  it('two +ECMTCONN URCs for one connect are both delivered, the first explained as a CONNECT not sent', () => {
    const conn = events('ec626-tls-double-conn.jsonl').filter((e) => e['type'] === 'ecmt-conn');
    expect(conn.map((c) => [c['result'], c['retCode']])).toEqual([
      [2, 2],
      [0, 0],
    ]);
    expect(String(conn[0]!["explain"])).toMatch(/could not be sent/i);
  });

  it('the +ECMTCON spelling decodes as a connect refused with "not authorized"', () => {
    const conn = events('ecmtcon-spelling-refused.jsonl').find((e) => e['type'] === 'ecmt-conn');
    expect(conn).toMatchObject({ result: 0, retCode: 5, variant: 'ECMTCON' });
    expect(String(conn!['explain'])).toMatch(/not authori[sz]ed/i);
  });

  it('the echo switched on mid-session is recognised as echo, and ERROR is the answer of the unquoted subscribe', () => {
    const ev = events('ec626-tls-double-conn.jsonl');
    expect(ev.filter((e) => e['role'] === 'echo').map((e) => e['raw'])).toEqual(['AT+ECMTSUB=0,1,ec626/down,1']);
    expect(ev.at(-1)).toMatchObject({ role: 'final', type: 'error', command: 'AT+ECMTSUB=0,1,ec626/down,1' });
  });

  it('no fixture holds a plain credential', () => {
    for (const f of files) {
      const text = readFileSync(join(DIR, f), 'utf8');
      expect(text, f).not.toMatch(/pass123|"user1"/);
    }
  });
});
