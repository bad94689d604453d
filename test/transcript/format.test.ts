import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeEntry, decodeHeader, encodeEntry, encodeHeader } from '../../src/recording/format.js';
import { TranscriptReader, parseTranscript } from '../../src/recording/reader.js';
import type { DataEntry } from '../../src/recording/types.js';
import { makeHeader, TranscriptWriter } from '../../src/recording/writer.js';

describe('transcript format', () => {
  it('round-trips any bytes: text when valid UTF-8, base64 otherwise', () => {
    const cases = [Buffer.from('AT+CSQ\r'), Buffer.from('\r\n+ECMTRECV: 0,0,"主题",温度 25\r\n'), Buffer.from([0, 1, 0xff, 0xfe, 0x1a, 0x0d]), Buffer.alloc(0)];
    for (const data of cases) {
      const line = encodeEntry({ t: 1.5, dir: 'rx', data });
      const back = decodeEntry(line, 'x:1');
      expect(back.dir === 'rx' && back.data.equals(data)).toBe(true);
    }
    expect(encodeEntry({ t: 0, dir: 'rx', data: Buffer.from([0xff]) })).toContain('"b64":"/w=="');
    expect(encodeEntry({ t: 0, dir: 'tx', data: Buffer.from('AT\r') })).toBe('{"t":0,"dir":"tx","text":"AT\\r"}');
  });

  it('keeps notes and redaction spans', () => {
    const e = decodeEntry(encodeEntry({ t: null, dir: 'tx', data: Buffer.from('AT+CPIN="****"\r'), redact: [{ at: 9, len: 4, tag: 'pin' }] }), 'x:2');
    expect(e).toMatchObject({ t: null, dir: 'tx', redact: [{ at: 9, len: 4, tag: 'pin' }] });
    expect(decodeEntry('{"t":2,"dir":"note","text":"antenna off"}', 'x:3')).toEqual({ t: 2, dir: 'note', text: 'antenna off' });
  });

  it.each([
    ['{"t":1,"dir":"rx"}', /needs "text" or "b64"/],
    ['{"t":-1,"dir":"rx","text":"OK"}', /non-negative/],
    ['{"t":1,"dir":"up","text":"OK"}', /"dir" must be/],
    ['{"t":1,"dir":"rx","b64":"@@"}', /not valid base64/],
    ['{"t":1,"dir":"rx","text":"OK","redact":[{"at":1,"len":9,"tag":"x"}]}', /outside the entry/],
    ['{"t":1,"dir":"rx","text":"OK"', /not valid JSON/],
    ['[1,2]', /must be a JSON object/],
  ])('rejects the bad entry %s with a message naming the line', (line, re) => {
    expect(() => decodeEntry(line, 'f.jsonl:7')).toThrow(re);
    expect(() => decodeEntry(line, 'f.jsonl:7')).toThrow(/^f\.jsonl:7: /);
  });

  it.each([
    ['hello', /not JSON/],
    ['{"a":1}', /not a cat1 transcript header/],
    ['{"cat1":"transcript","version":99,"kind":"emulator","created":"x","redacted":true}', /newer than this cat1/],
    ['{"cat1":"transcript","version":1,"kind":"made-up","created":"x","redacted":true}', /"kind" must be one of/],
  ])('rejects the bad header %s', (line, re) => {
    expect(() => decodeHeader(line, 'f:1')).toThrow(re);
  });

  it('reads a file whose last line was cut by a kill, with a warning', () => {
    const text = `${encodeHeader(makeHeader({ kind: 'emulator', redacted: true }))}\n{"t":0,"dir":"tx","text":"AT\\r"}\n{"t":0.1,"dir":"rx","te`;
    const t = parseTranscript(text, 'cut.jsonl');
    expect(t.entries).toHaveLength(1);
    expect(t.warnings).toEqual([{ line: 3, message: expect.stringContaining('incomplete') }]);
  });

  it('fails on a broken line in the middle, naming the line', () => {
    const text = `${encodeHeader(makeHeader({ kind: 'emulator', redacted: true }))}\nnot json\n{"t":0,"dir":"tx","text":"AT\\r"}\n`;
    expect(() => parseTranscript(text, 'bad.jsonl')).toThrow(/^bad\.jsonl:2: not valid JSON/);
  });
});

describe('control-heavy bytes are stored compactly (issue 11)', () => {
  const nuls = (n: number): Buffer => Buffer.alloc(n);
  const dataOf = (line: string): Buffer => {
    const e = decodeEntry(line, 'x:1');
    if (e.dir === 'note') throw new Error('a note');
    return e.data;
  };

  it('keeps short text readable and moves runs of control bytes to base64', () => {
    // 7 NULs: "\u0000" x 7 is 42 bytes, base64 12 (+ 32 of slack = 44): text
    expect(encodeEntry({ t: 0, dir: 'rx', data: nuls(7) })).toBe(`{"t":0,"dir":"rx","text":"${'\\u0000'.repeat(7)}"}`);
    // 8 NULs: 48 bytes escaped against 12 + 32 = 44: base64
    expect(encodeEntry({ t: 0, dir: 'rx', data: nuls(8) })).toBe('{"t":0,"dir":"rx","b64":"AAAAAAAAAAA="}');
    // a prompt-mode payload with quotes and its Ctrl-Z (hardware-fixtures/emulator-healthy-session.jsonl)
    expect(encodeEntry({ t: 0.055, dir: 'tx', data: Buffer.from('hello, "world"\x1a') })).toBe('{"t":0.055,"dir":"tx","text":"hello, \\"world\\"\\u001a"}');
    // a CR LF framed answer stays text
    expect(encodeEntry({ t: 1, dir: 'rx', data: Buffer.from('\r\n+CSQ: 23,99\r\n\r\nOK\r\n') })).toBe('{"t":1,"dir":"rx","text":"\\r\\n+CSQ: 23,99\\r\\n\\r\\nOK\\r\\n"}');
    // redaction spans follow the base64 form too
    const masked = Buffer.concat([Buffer.from('AT+X="****"'), nuls(60)]);
    const line = encodeEntry({ t: 2, dir: 'tx', data: masked, redact: [{ at: 6, len: 4, tag: 'password' }] });
    expect(line).toMatch(/^\{"t":2,"dir":"tx","b64":"[A-Za-z0-9+/=]+","redact":\[\{"at":6,"len":4,"tag":"password"\}\]\}$/);
    expect(decodeEntry(line, 'x:1')).toEqual({ t: 2, dir: 'tx', data: masked, redact: [{ at: 6, len: 4, tag: 'password' }] });
  });

  it('still reads the old form: NULs written as \\u0000 escapes', () => {
    expect(dataOf(`{"t":0.5,"dir":"rx","text":"${'\\u0000'.repeat(100)}"}`)).toEqual(nuls(100));
    expect(dataOf(`{"t":0.5,"dir":"rx","text":"OK${'\\u0000'.repeat(3)}\\r\\n","redact":[]}`)).toEqual(Buffer.from('OK\0\0\0\r\n'));
  });

  /** Random buffers built from pieces: long NUL runs, control bytes, ASCII, multi-byte UTF-8, anything. */
  const piece = fc.oneof(
    fc.integer({ min: 0, max: 5000 }).map((n) => Buffer.alloc(n)),
    fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
    fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a.map((b) => b % 0x20))),
    fc.string({ maxLength: 64 }).map((s) => Buffer.from(s, 'ascii')),
    fc.string({ unit: 'grapheme', maxLength: 32 }).map((s) => Buffer.from(s, 'utf8')),
    fc.constantFrom(Buffer.from('\r\n'), Buffer.from('"'), Buffer.from('\\'), Buffer.from([0x1a]), Buffer.from([0xff])),
  );
  const buffers = fc.array(piece, { maxLength: 12 }).map((ps) => Buffer.concat(ps));

  it('round-trips every byte exactly, deterministically, in at most 1.4 x the data + a constant', () => {
    fc.assert(
      fc.property(buffers, fc.constantFrom('tx' as const, 'rx' as const), (data, dir) => {
        const line = encodeEntry({ t: 12.5, dir, data });
        const back = decodeEntry(line, 'x:1') as DataEntry;
        expect(back.data.equals(data)).toBe(true);
        // the same bytes are always written the same way
        expect(encodeEntry({ t: 12.5, dir, data: back.data })).toBe(line);
        // at most `{"t":12.5,"dir":"rx","text":""}` (31 bytes) + the base64 length + 32 bytes of slack
        // for short text, that is 4n/3 + 8/3 + 63 < 1.4n + 66
        expect(Buffer.byteLength(line)).toBeLessThanOrEqual(4 * Math.ceil(data.length / 3) + 32 + 31);
        expect(Buffer.byteLength(line)).toBeLessThan(1.4 * data.length + 66);
      }),
      { numRuns: 1000 },
    );
  });

  describe('1 MiB of NULs through the writer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cat1-nul-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const MiB = 1024 * 1024;

    it.each([
      ['one entry', MiB],
      ['4 KiB entries', 4096],
    ])('%s: the file stays under 1.4 x the data (it was 6 x) and reads back byte for byte', async (_, chunk) => {
      const path = join(dir, `nul-${chunk}.jsonl`);
      const w = TranscriptWriter.create(path, makeHeader({ kind: 'hardware', redacted: true }));
      for (let at = 0; at < MiB; at += chunk) w.write({ t: at / MiB, dir: 'rx', data: nuls(chunk) });
      w.close();
      // base64 is 4/3 of the bytes: 1,398,102 for 1 MiB, plus the header and each line's members
      expect(statSync(path).size).toBeLessThan(1.4 * MiB);
      expect(statSync(path).size).toBeGreaterThan((4 / 3) * MiB);
      expect(readFileSync(path, 'utf8')).not.toContain('\\u0000');
      const r = TranscriptReader.fromFile(path);
      const back: Buffer[] = [];
      for await (const e of r.entries()) if (e.dir === 'rx') back.push(e.data);
      expect(back).toHaveLength(MiB / chunk);
      expect(Buffer.concat(back).equals(nuls(MiB))).toBe(true);
      expect(r.warnings).toEqual([]);
    });
  });
});
