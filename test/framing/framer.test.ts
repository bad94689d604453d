import { testRule } from '../helpers/framer-rule.js';
import { describe, expect, it } from 'vitest';
import { Framer, type Frame } from '../../src/framing/framer.js';

// the unit tests' rule: "+RECV: <id>,<topic>," opens a raw block; OK, ERROR and "+X:" lines start frames
const rule = testRule;

type Plain =
  | { kind: 'line'; text: string; complete: boolean }
  | { kind: 'prompt' }
  | { kind: 'block'; header: string; payload: string; endedBy: string; truncated: boolean }
  | { kind: 'overlong'; length: number; complete: boolean };

function plain(f: Frame): Plain {
  switch (f.kind) {
    case 'line':
      return { kind: 'line', text: f.text, complete: f.complete };
    case 'prompt':
      return { kind: 'prompt' };
    case 'block':
      return { kind: 'block', header: f.header.toString('latin1'), payload: f.payload.toString('latin1'), endedBy: f.endedBy, truncated: f.truncated };
    case 'overlong':
      return { kind: 'overlong', length: f.length, complete: f.complete };
  }
}

function frame(input: string | Buffer, split: number[] = [], opts: { end?: boolean; quietAfter?: boolean; maxLine?: number; maxBlock?: number } = {}): Plain[] {
  const out: Plain[] = [];
  const fr = new Framer((f) => out.push(plain(f)), { rule, ...(opts.maxLine ? { maxLine: opts.maxLine } : {}), ...(opts.maxBlock ? { maxBlock: opts.maxBlock } : {}) });
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  let prev = 0;
  for (const s of [...split, buf.length]) {
    fr.feed(buf.subarray(prev, s));
    prev = s;
  }
  if (opts.quietAfter) fr.quiet();
  if (opts.end !== false) fr.end();
  return out;
}

describe('Framer: lines and prompt', () => {
  it('splits CRLF-framed lines and skips the empty framing lines', () => {
    expect(frame('\r\nOK\r\n\r\n+CSQ: 20,99\r\n')).toEqual([
      { kind: 'line', text: 'OK', complete: true },
      { kind: 'line', text: '+CSQ: 20,99', complete: true },
    ]);
  });

  it('reads an echoed command that ends with CR CR LF as one line', () => {
    expect(frame('AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n').map((f) => (f.kind === 'line' ? f.text : f.kind))).toEqual(['AT+CSQ', '+CSQ: 20,99', 'OK']);
  });

  it('reports the "> " data prompt as a frame of its own, also when split between > and space', () => {
    expect(frame('\r\n> ')).toEqual([{ kind: 'prompt' }]);
    expect(frame('\r\n> ', [3])).toEqual([{ kind: 'prompt' }]);
    expect(frame('\r\n>', [], {})).toEqual([{ kind: 'prompt' }]);
  });

  it('delivers a last line without terminator at end of input, flagged incomplete', () => {
    expect(frame('OK\r\nhalf')).toEqual([
      { kind: 'line', text: 'OK', complete: true },
      { kind: 'line', text: 'half', complete: false },
    ]);
  });

  it('gives the same frames whatever the chunk boundaries (every single split point and byte by byte)', () => {
    const input = 'AT+X\r\r\n+A: 1\r\n\r\nOK\r\n\r\n> payload\x1a\r\n+RECV: 0,"t",{\r\n "a": 1\r\n}\r\n\r\n+B: 2\r\n\r\n+RECV: 0,"t",x\r\n';
    const whole = frame(input);
    for (let i = 1; i < input.length; i++) expect(frame(input, [i])).toEqual(whole);
    const bytewise = Array.from({ length: input.length - 1 }, (_, i) => i + 1);
    expect(frame(input, bytewise)).toEqual(whole);
  });
});

describe('Framer: bounded memory', () => {
  it('reports 64 KiB without CRLF as overlong, keeps memory bounded, and recovers at the next CRLF', () => {
    const out: Plain[] = [];
    const fr = new Framer((f) => out.push(plain(f)), { rule, maxLine: 4096 });
    let maxHeld = 0;
    const junk = Buffer.alloc(1024, 0x41);
    for (let i = 0; i < 64; i++) {
      fr.feed(junk);
      maxHeld = Math.max(maxHeld, fr.buffered);
    }
    fr.feed(Buffer.from('\r\n\r\nOK\r\n'));
    expect(maxHeld).toBeLessThanOrEqual(4096 + 1024);
    expect(out[0]).toEqual({ kind: 'overlong', length: 5120, complete: false });
    expect(out[1]).toEqual({ kind: 'overlong', length: 65536 + 2, complete: true });
    expect(out[2]).toEqual({ kind: 'line', text: 'OK', complete: true });
    expect(out).toHaveLength(3);
    expect(fr.stats.discarded).toBe(65538);
  });

  it('a long run of NUL bytes is garbage, never a frame, and memory stays bounded', () => {
    const out: Plain[] = [];
    const fr = new Framer((f) => out.push(plain(f)), { rule, maxLine: 256 });
    for (let i = 0; i < 100; i++) fr.feed(Buffer.alloc(1000));
    expect(fr.buffered).toBeLessThanOrEqual(256);
    expect(out).toEqual([{ kind: 'overlong', length: 1000, complete: false }]);
  });

  it('rejects a nonsense bound with a clear error', () => {
    expect(() => new Framer(() => undefined, { maxLine: 3 })).toThrow(/maxLine/);
  });
});

describe('Framer: raw payload blocks', () => {
  it('keeps a pretty-printed JSON payload with its exact CRLFs, ended by the next frame', () => {
    const out = frame('\r\n+RECV: 0,"t",{\r\n        "command": "putdown"\r\n}\r\n\r\nOK\r\n');
    expect(out).toEqual([
      { kind: 'block', header: '+RECV: 0,"t",', payload: '{\r\n        "command": "putdown"\r\n}', endedBy: 'frame', truncated: false },
      { kind: 'line', text: 'OK', complete: true },
    ]);
  });

  it('ends a single-line payload at the quiet time', () => {
    expect(frame('\r\n+RECV: 0,"t",hello\r\n', [], { quietAfter: true, end: false })).toEqual([
      { kind: 'block', header: '+RECV: 0,"t",', payload: 'hello', endedBy: 'quiet', truncated: false },
    ]);
  });

  it('ends a payload at end of input', () => {
    expect(frame('+RECV: 0,"t",hello\r\n')).toEqual([{ kind: 'block', header: '+RECV: 0,"t",', payload: 'hello', endedBy: 'eof', truncated: false }]);
  });

  it('ends a payload at a known prefix even without the empty separator line, and says so', () => {
    expect(frame('+RECV: 0,"t",a\r\nb\r\n+B: 1\r\n')).toEqual([
      { kind: 'block', header: '+RECV: 0,"t",', payload: 'a\r\nb', endedBy: 'prefix', truncated: false },
      { kind: 'line', text: '+B: 1', complete: true },
    ]);
  });

  it('keeps empty lines inside a payload and a trailing CRLF of the payload itself', () => {
    expect(frame('+RECV: 0,"t",a\r\n\r\nb\r\n\r\n\r\nOK\r\n')[0]).toEqual({ kind: 'block', header: '+RECV: 0,"t",', payload: 'a\r\n\r\nb\r\n', endedBy: 'frame', truncated: false });
  });

  it('keeps commas, quotes and a "> " inside the payload', () => {
    expect(frame('+RECV: 0,"t",> "x",\'y\'\r\n> z\r\n\r\nOK\r\n')[0]).toEqual({ kind: 'block', header: '+RECV: 0,"t",', payload: '> "x",\'y\'\r\n> z', endedBy: 'frame', truncated: false });
  });

  it('keeps bare LF and lone CR inside a payload byte for byte', () => {
    expect(frame('+RECV: 0,"t",a\rb\nc\r\n\r\nOK\r\n')[0]).toMatchObject({ payload: 'a\rb\nc' });
  });

  it('flags a payload larger than its bound as truncated instead of cutting it silently', () => {
    const big = 'x'.repeat(300);
    const out = frame(`+RECV: 0,"t",${big}\r\n${big}\r\n\r\nOK\r\n`, [], { maxLine: 64, maxBlock: 100 });
    expect(out[0]).toMatchObject({ kind: 'block', truncated: true, endedBy: 'cut' });
    expect((out[0] as { payload: string }).payload).toBe('x'.repeat(100));
    expect(out[1]).toEqual({ kind: 'line', text: 'OK', complete: true });
  });

  it('a payload line longer than maxLine is payload, not an overlong line', () => {
    const long = 'y'.repeat(200);
    const out = frame(`+RECV: 0,"t",${long}\r\n\r\nOK\r\n`, [20, 90, 150], { maxLine: 64, maxBlock: 1000 });
    expect(out).toEqual([
      { kind: 'block', header: '+RECV: 0,"t",', payload: long, endedBy: 'frame', truncated: false },
      { kind: 'line', text: 'OK', complete: true },
    ]);
  });

  it('ends a pending payload when the data prompt follows the separator', () => {
    expect(frame('+RECV: 0,"t",hi\r\n\r\n> ')).toEqual([
      { kind: 'block', header: '+RECV: 0,"t",', payload: 'hi', endedBy: 'frame', truncated: false },
      { kind: 'prompt' },
    ]);
  });
});
