/**
 * The byte-level entry reader (scanEntry / decodeEntryBytes) against JSON.parse, the oracle: for
 * any line, when the byte reader answers, its entry is the one JSON.parse of the UTF-8 line gives
 * (same `t` double, same direction, same bytes as Buffer.from(text)); when the line is not exactly
 * `{"t":…,"dir":"tx|rx","text":"…"}`, it does not answer (the string path then reads the line).
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntryBytes, encodeEntry, scanEntry } from '../../src/recording/format.js';
import { openSessionInput } from '../../src/transcript/input.js';
import { parseTranscript, TranscriptReader } from '../../src/recording/reader.js';
import type { TranscriptEntry } from '../../src/recording/types.js';

/** What the line means by JSON.parse alone, when it is exactly the fast shape; null otherwise. */
function oracle(bytes: Buffer): { t: number | null; dir: 'tx' | 'rx'; data: Buffer } | null {
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (Object.keys(o).join(',') !== 't,dir,text') return null;
  const { t, dir, text } = o;
  if (!(t === null || (typeof t === 'number' && Number.isFinite(t) && t >= 0))) return null;
  if (dir !== 'tx' && dir !== 'rx') return null;
  if (typeof text !== 'string') return null;
  return { t, dir, data: Buffer.from(text, 'utf8') };
}

function same(got: { t: number | null; dir: string; data: Buffer }, want: { t: number | null; dir: string; data: Buffer }): boolean {
  return Object.is(got.t, want.t) && got.dir === want.dir && got.data.equals(want.data);
}

/** Check one line: the byte reader answers only for the shape, and then as JSON.parse does. */
function check(bytes: Buffer): 'fast' | 'fallback' {
  const got = decodeEntryBytes(bytes, 0, bytes.length);
  const want = oracle(bytes);
  if (got === null) return 'fallback';
  if (want === null) throw new Error(`the byte reader read a line JSON.parse does not read as the shape: ${bytes.toString('latin1')}`);
  if (!same(got, want)) throw new Error(`differs from JSON.parse: ${bytes.toString('latin1')} → ${JSON.stringify({ t: got.t, data: [...got.data] })}`);
  return 'fast';
}

/** Times as a recorder writes them (rounded to µs) and any other non-negative doubles. */
const time = fc.oneof(
  fc.constant(null),
  fc.nat({ max: 10_000_000_000 }).map((us) => us / 1e6),
  fc.double({ min: 0, max: 1e12, noNaN: true }),
  fc.integer({ min: 0, max: 2 ** 53 }),
);
/** Bytes a module or host sends: printable text, line ends, control bytes, UTF-8, junk. */
const data = fc.oneof(
  fc.string({ unit: fc.constantFrom('A', 'T', '+', '"', '\\', '/', '\r', '\n', '\t', '\b', '\f', '\x1a', '\x00', '\x7f', ',', ' ', '温', 'é', '😀') }).map((s) => Buffer.from(s, 'utf8')),
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  fc.string().map((s) => Buffer.from(s, 'utf8')),
);

describe('transcript entries read from bytes (scanEntry) against JSON.parse', () => {
  it('reads every line encodeEntry writes as JSON.parse does, or leaves it to the string path', () => {
    let fast = 0;
    fc.assert(
      fc.property(time, fc.constantFrom('tx' as const, 'rx' as const), data, (t, dir, d) => {
        const line = Buffer.from(encodeEntry({ t, dir, data: d }), 'utf8');
        if (check(line) === 'fast') fast++;
      }),
      { numRuns: 3000 },
    );
    // the property above is not vacuous: most lines take the byte path
    expect(fast).toBeGreaterThan(1000);
  });

  it('takes the byte path for the lines cat1 writes for text data', () => {
    const lines = [
      ['{"t":0.004,"dir":"tx","text":"AT+ECMTOPEN=0,\\"broker.example.com\\",1883\\r"}', 0.004, 'tx', 'AT+ECMTOPEN=0,"broker.example.com",1883\r'],
      ['{"t":null,"dir":"rx","text":"\\r\\nOK\\r\\n"}', null, 'rx', '\r\nOK\r\n'],
      ['{"t":12,"dir":"rx","text":""}', 12, 'rx', ''],
      ['{"t":0,"dir":"tx","text":"a\\u001ab\\u0000\\\\/\\/\\t\\b\\f"}', 0, 'tx', 'a\x1ab\x00\\//\t\b\f'],
      ['{"t":1.5,"dir":"rx","text":"温度 25 😀"}', 1.5, 'rx', '温度 25 😀'],
    ] as const;
    for (const [line, t, dir, text] of lines) {
      const e = decodeEntryBytes(Buffer.from(line), 0, Buffer.byteLength(line));
      expect(e).not.toBeNull();
      expect(e!.t).toBe(t);
      expect(e!.dir).toBe(dir);
      expect(e!.data.toString('utf8')).toBe(text);
    }
  });

  it.each([
    ['a minus sign', '{"t":-0,"dir":"tx","text":"AT"}'],
    ['an exponent', '{"t":1e3,"dir":"tx","text":"AT"}'],
    ['more than 15 digits', '{"t":0.1234567890123456,"dir":"tx","text":"AT"}'],
    ['a leading zero', '{"t":01,"dir":"tx","text":"AT"}'],
    ['a note', '{"t":1,"dir":"note","text":"AT"}'],
    ['base64 data', '{"t":1,"dir":"rx","b64":"QVQ="}'],
    ['redaction spans', '{"t":1,"dir":"tx","text":"AT","redact":[]}'],
    ['a raw control character', '{"t":1,"dir":"tx","text":"A\tT"}'],
    ['a \\u escape above U+007F', '{"t":1,"dir":"tx","text":"\\u00e9"}'],
    ['a surrogate escape', '{"t":1,"dir":"tx","text":"\\ud800"}'],
    ['an unknown escape', '{"t":1,"dir":"tx","text":"\\x41"}'],
    ['an escaped closing quote', '{"t":1,"dir":"tx","text":"AT\\"}'],
    ['spaces', '{"t": 1,"dir":"tx","text":"AT"}'],
    ['something after the object', '{"t":1,"dir":"tx","text":"AT"} '],
    ['a quote inside the text', '{"t":1,"dir":"tx","text":"A"T"}'],
  ])('leaves a line with %s to the string path', (_, line) => {
    expect(decodeEntryBytes(Buffer.from(line), 0, Buffer.byteLength(line))).toBeNull();
  });

  it('leaves invalid UTF-8 to the string path (its replacement characters)', () => {
    const line = Buffer.concat([Buffer.from('{"t":1,"dir":"rx","text":"A'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    expect(decodeEntryBytes(line, 0, line.length)).toBeNull();
  });

  it('agrees with JSON.parse on arbitrary lines near the shape', () => {
    const piece = fc.constantFrom('{"t":', '0', '1', '9', '.', '-', 'e', 'E', '+', 'null', ',"dir":"', 'tx', 'rx', 'note', '","text":"', '"', '}', '\\', '\\u00', '\\u', '7f', '1A', 'ff', 'd8', 'n', 'r', 'A', ' ', '\t', '\r', 'é', ',', ':', '[', ']');
    const digits = fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), minLength: 1, maxLength: 18 });
    const tText = fc.oneof(
      fc.array(piece, { maxLength: 4 }).map((p) => p.join('')),
      fc.tuple(digits, fc.option(digits)).map(([a, b]) => (b === null ? a : `${a}.${b}`)),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    );
    const dirText = fc.oneof(fc.constantFrom('tx', 'rx', 'tx ', 'TX', 'note'), fc.array(piece, { maxLength: 3 }).map((p) => p.join('')));
    const textPiece = fc.oneof({ arbitrary: fc.constantFrom('AT', '+CSQ', ' ', 'é', '温', '\\r', '\\n', '\\"', '\\\\', '\\/', '\\u001a', '\\u007F', '\\u0000'), weight: 6 }, { arbitrary: piece, weight: 1 });
    const shaped = fc.tuple(tText, dirText, fc.array(textPiece, { maxLength: 8 })).map(([a, b, c]) => `{"t":${a},"dir":"${b}","text":"${c.join('')}"}`);
    const any = fc.array(piece, { maxLength: 24 }).map((p) => p.join(''));
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof({ arbitrary: shaped, weight: 4 }, { arbitrary: any, weight: 1 }, { arbitrary: fc.string(), weight: 1 }), (s) => {
        if (check(Buffer.from(s, 'utf8')) === 'fast') fast++;
      }),
      { numRuns: 5000 },
    );
    // not vacuous: a good share of the near misses are in the shape
    expect(fast).toBeGreaterThan(50);
  });

  it('reads a line inside a larger buffer without looking past its limit', () => {
    const line = '{"t":2.25,"dir":"rx","text":"OK"}';
    const buf = Buffer.from(`xx${line}\r\n{"t":3`);
    const cur = { next: -1 };
    const e = scanEntry(buf, 2, buf.length, cur);
    expect(e).toMatchObject({ t: 2.25, dir: 'rx' });
    expect(e!.data.toString()).toBe('OK');
    expect(cur.next).toBe(2 + line.length);
    // the same line cut short by the limit is not read
    expect(scanEntry(buf, 2, 2 + line.length - 1, cur)).toBeNull();
  });
});

/** The entries as the in-memory string path reads them (the reference) and as the file input reads them in the given chunks. */
async function bothWays(text: string, cuts: number[]): Promise<{ want: ReturnType<typeof parseTranscript>; got: TranscriptEntry[]; warnings: Array<{ line: number; message: string }> }> {
  const want = parseTranscript(text, 'stdin');
  return { want, ...(await readInChunks(text, cuts)) };
}

/** The entries and warnings of the file input (openSessionInput) reading `text` cut at `cuts`. */
async function readInChunks(text: string, cuts: number[]): Promise<{ got: TranscriptEntry[]; warnings: Array<{ line: number; message: string }> }> {
  const bytes = Buffer.from(text, 'utf8');
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    if (p > at) chunks.push(bytes.subarray(at, p));
    at = Math.max(at, p);
  }
  const input = await openSessionInput('-', Readable.from(chunks));
  const got: TranscriptEntry[] = [];
  await input.pump((e) => void got.push(e));
  // the API's reader (replay's) reads the same chunks to the same entries and warnings
  const reader = new TranscriptReader(Readable.from(chunks), 'stdin');
  const viaReader: TranscriptEntry[] = [];
  for await (const e of reader.entries()) viaReader.push(e);
  expect(viaReader.map(plain)).toEqual(got.map(plain));
  expect(reader.warnings).toEqual(input.warnings);
  return { got, warnings: input.warnings };
}

function plain(e: TranscriptEntry): unknown {
  return e.dir === 'note' ? e : { ...e, data: [...e.data] };
}

describe('a transcript read from a stream in any chunks', () => {
  const header = '{"cat1":"transcript","version":1,"kind":"emulator","created":"2026-01-01T00:00:00.000Z","redacted":false}';
  const entryLine = fc.oneof(
    fc.tuple(time, fc.constantFrom('tx' as const, 'rx' as const), data).map(([t, dir, d]) => encodeEntry({ t, dir, data: d })),
    fc.tuple(time, fc.string()).map(([t, text]) => encodeEntry({ t, dir: 'note', text })),
    fc.constant(encodeEntry({ t: 1, dir: 'tx', data: Buffer.from('AT+CPIN="1234"\r'), redact: [{ at: 9, len: 4, tag: 'pin' }] })),
    fc.constant('{"t": 2, "dir": "rx", "text": "OK"}'),
    fc.constant(''),
    fc.constant('   '),
  );

  it('gives the entries the string path gives, whatever the chunks and line ends', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entryLine, { minLength: 1, maxLength: 30 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 12 }), async (lines, crlf, cuts) => {
        const eol = crlf ? '\r\n' : '\n';
        const text = `${header}${eol}${lines.join(eol)}${eol}`;
        const { want, got } = await bothWays(text, cuts);
        expect(got.map(plain)).toEqual(want.entries.map(plain));
      }),
      { numRuns: 300 },
    );
  });

  it('skips an incomplete last line with a warning, as the string path does', async () => {
    const text = `${header}\n{"t":1,"dir":"tx","text":"AT\\r"}\n{"t":2,"dir":"rx","text":"\\r\\nO`;
    for (const cut of [0, 40, text.length - 3, text.length - 1]) {
      const { want, got, warnings } = await bothWays(text, [cut]);
      expect(got.map(plain)).toEqual(want.entries.map(plain));
      expect(got).toHaveLength(1);
      expect(warnings).toEqual([{ line: 3, message: 'the last line is incomplete (the recording was interrupted); it was skipped' }]);
    }
  });

  it('fails on a broken line naming its line number, whatever the chunks', async () => {
    const text = `${header}\n{"t":1,"dir":"tx","text":"AT\\r"}\n{"t":2,"dir":"rx","text":"OK"\n{"t":3,"dir":"rx","text":"OK"}\n`;
    expect(() => parseTranscript(text, 'stdin')).toThrow(/^stdin:3: not valid JSON/);
    for (const cut of [0, 30, 120, 150]) {
      await expect(readInChunks(text, [cut])).rejects.toThrow(/^stdin:3: not valid JSON/);
      const b = Buffer.from(text);
      const reader = new TranscriptReader(Readable.from([b.subarray(0, cut), b.subarray(cut)]), 'stdin');
      const seen: TranscriptEntry[] = [];
      await expect(
        (async () => {
          for await (const e of reader.entries()) seen.push(e);
        })(),
      ).rejects.toThrow(/^stdin:3: not valid JSON/);
      // the entry before the broken line was read
      expect(seen).toHaveLength(1);
    }
  });
});

describe('telling a transcript from the first bytes', () => {
  const header = '{"cat1":"transcript","version":1,"kind":"emulator","created":"2026-01-01T00:00:00.000Z","redacted":false}';
  const open = (text: string | Buffer): ReturnType<typeof openSessionInput> => openSessionInput('-', Readable.from([Buffer.from(text)]));

  it.each([
    ['a BOM', `\uFEFF${header}\n`],
    ['blank lines and spaces', ` \r\n\t\n${header}\n`],
    ['a no-break space (Unicode whitespace)', `\u00A0\n${header}\n`],
    ['a BOM on a line of its own', `\uFEFF\n${header}\n`],
  ])('reads a transcript after %s', async (_, text) => {
    const input = await open(`${text}{"t":1,"dir":"tx","text":"AT\\r"}\n`);
    expect(input.format).toBe('transcript');
    const got: TranscriptEntry[] = [];
    await input.pump((e) => void got.push(e));
    expect(got.map(plain)).toEqual([{ t: 1, dir: 'tx', data: [...Buffer.from('AT\r')] }]);
  });

  it.each([
    ['spaces and line ends', ' \r\n\t\n  '],
    ['no-break spaces and a BOM', '\uFEFF\u00A0 \u2003\n'],
  ])('refuses input of only %s as empty', async (_, text) => {
    await expect(open(text)).rejects.toThrow(/^stdin: empty, nothing to decode$/);
  });

  it('reads a UTF-8 log that holds a literal U+FFFD as UTF-8 text, not as a broken encoding', async () => {
    const input = await open('AT+CSQ\r\r\n+CSQ: 23,99 \uFFFD\r\n\r\nOK\r\n');
    expect(input.format).toBe('text-log');
  });
});
