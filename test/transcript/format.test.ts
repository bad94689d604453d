import { describe, expect, it } from 'vitest';
import { decodeEntry, decodeHeader, encodeEntry, encodeHeader } from '../../src/transcript/format.js';
import { parseTranscript } from '../../src/transcript/reader.js';
import { makeHeader } from '../../src/transcript/writer.js';

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
