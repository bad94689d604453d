/**
 * +QMTRECV framing (../shared/protocol/qmt.md §3.1): payload quoted, inner quotes not escaped,
 * CR/LF raw; with <len> exactly <len> bytes; without it the closing quote before CRLF that is
 * followed by a frame start (or a pause) ends it. The same bytes split in any way give the same
 * events.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { QmtStreamReader, type QmtStreamItem } from '../../../src/dialects/qmt/stream.js';
import { scanRecv } from '../../../src/dialects/qmt/recv.js';

interface Plain {
  kind: string;
  text?: string;
  topic?: string;
  payload?: string;
  length?: number | null;
  boundary?: string;
  endedBy?: string;
  lengthMismatch?: boolean;
  nextLine?: boolean;
}

function plain(i: QmtStreamItem): Plain {
  if (i.kind === 'recv') {
    const e = i.event;
    return { kind: 'recv', topic: e.topic, payload: e.payload.toString('latin1'), length: e.length, boundary: e.boundary, endedBy: e.endedBy, lengthMismatch: e.lengthMismatch, nextLine: e.nextLine };
  }
  return i.kind === 'line' ? { kind: 'line', text: i.text } : { kind: 'prompt' };
}

function read(chunks: readonly Buffer[], end: 'eof' | 'quiet' = 'eof'): Plain[] {
  const out: Plain[] = [];
  const r = new QmtStreamReader((i) => out.push(plain(i)));
  for (const c of chunks) r.feed(c);
  if (end === 'quiet') r.quiet();
  r.end();
  return out;
}

function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b)) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  out.push(bytes.subarray(prev));
  return out;
}

function byteByByte(bytes: Buffer): Buffer[] {
  return Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
}

// Streams built from the reference's quoted lines (§3.1); the lines around them are the module's framing.
const BG95LOG = '\r\n+QMTRECV: 0,1,"main_topic","AT+QMTPUBEX=0,1,1,0,"main_topic","Temperature: 22stC"\r\n"\r\n\r\n+QMTSTAT: 0,1\r\n';
const EC20X = '\r\n+QMTRECV: 0,0,"/server/x","{"command_type": 2, "command_id":5,"dzcount":160}"\r\n\r\nOK\r\n';
const EC200X = '\r\n+QMTRECV: 0,1,"test",10,"1234567890"\r\n';
const AZ = '\r\n+QMTRECV: 0,0,"$iothub/twin/res/200/?$rid=1","{\r\n  "desired": {\r\n    "$version": 1\r\n  }\r\n}"\r\n\r\n+QMTRECV: 0,0,"t","x"\r\n';

describe('framing by the reference examples', () => {
  it('a payload with quotes, commas and a line break, closing quote on the next line (BG95-M3)', () => {
    const items = read([Buffer.from(BG95LOG)]);
    expect(items).toEqual([
      { kind: 'recv', topic: 'main_topic', payload: 'AT+QMTPUBEX=0,1,1,0,"main_topic","Temperature: 22stC"\r\n', length: null, boundary: 'inferred', endedBy: 'frame', lengthMismatch: false, nextLine: false },
      { kind: 'line', text: '+QMTSTAT: 0,1' },
    ]);
  });

  it('inner quotes on one line, then OK: the end is certain', () => {
    expect(read([Buffer.from(EC20X)])[0]).toMatchObject({ payload: '{"command_type": 2, "command_id":5,"dzcount":160}', boundary: 'certain', endedBy: 'frame' });
  });

  it('the length field frames exactly <len> bytes', () => {
    expect(read([Buffer.from(EC200X)])).toEqual([{ kind: 'recv', topic: 'test', payload: '1234567890', length: 10, boundary: 'certain', endedBy: 'length', lengthMismatch: false, nextLine: false }]);
  });

  it('a multi-line JSON twin reply (BG95 Azure) ends at the quote followed by the next frame', () => {
    const items = read([Buffer.from(AZ)]);
    expect(items[0]).toMatchObject({ kind: 'recv', payload: '{\r\n  "desired": {\r\n    "$version": 1\r\n  }\r\n}', boundary: 'certain', endedBy: 'frame' });
    expect(items[1]).toMatchObject({ kind: 'recv', topic: 't', payload: 'x', endedBy: 'eof' });
  });

  it('with a length, a quote and a line break inside the payload are payload', () => {
    const p = 'a"\r\nOK\r\n"b';
    const items = read([Buffer.from(`+QMTRECV: 0,2,"t",${p.length},"${p}"\r\n`)]);
    expect(items).toEqual([{ kind: 'recv', topic: 't', payload: p, length: p.length, boundary: 'certain', endedBy: 'length', lengthMismatch: false, nextLine: false }]);
  });

  it('a length that does not match falls back to the closing quote and says so', () => {
    const items = read([Buffer.from('+QMTRECV: 0,2,"t",3,"12345"\r\nOK\r\n')]);
    expect(items[0]).toMatchObject({ kind: 'recv', payload: '12345', length: 3, lengthMismatch: true, boundary: 'inferred' });
    expect(items[1]).toEqual({ kind: 'line', text: 'OK' });
  });

  it('the payload on the line after <len> (C [C-PUMP]) is tolerated', () => {
    const items = read([Buffer.from('+QMTRECV: 0,1,"t",5\r\nhello\r\nOK\r\n')]);
    expect(items[0]).toMatchObject({ kind: 'recv', payload: 'hello', length: 5, nextLine: true, boundary: 'inferred' });
    expect(items[1]).toEqual({ kind: 'line', text: 'OK' });
  });

  it('a pause after the closing quote ends the payload (quiet time)', () => {
    const out: Plain[] = [];
    const r = new QmtStreamReader((i) => out.push(plain(i)));
    r.feed(Buffer.from('\r\n+QMTRECV: 0,0,"t","hello"\r\n'));
    expect(out).toEqual([]); // the next line could still be payload
    r.quiet();
    expect(out).toEqual([{ kind: 'recv', topic: 't', payload: 'hello', length: null, boundary: 'certain', endedBy: 'quiet', lengthMismatch: false, nextLine: false }]);
  });

  it('BG770A test forms with a single CRLF before OK read as the answer line, then OK (qmt.md §1, O [LABW])', () => {
    expect(read([Buffer.from('AT+QMTOPEN=?\r\r\n+QMTOPEN: (0-5),<host_name>,(0-65535)\r\nOK\r\n')])).toEqual([
      { kind: 'line', text: 'AT+QMTOPEN=?' },
      { kind: 'line', text: '+QMTOPEN: (0-5),<host_name>,(0-65535)' },
      { kind: 'line', text: 'OK' },
    ]);
  });

  it('buffer-mode notices and other lines are lines', () => {
    expect(read([Buffer.from('\r\n+QMTRECV: 0,3\r\n\r\n+QMTRECV: 0,1,0,0,0,0\r\n')])).toEqual([
      { kind: 'line', text: '+QMTRECV: 0,3' },
      { kind: 'line', text: '+QMTRECV: 0,1,0,0,0,0' },
    ]);
  });

  it('the prompt right after a payload ends it', () => {
    expect(read([Buffer.from('+QMTRECV: 0,0,"t","a"b"\r\n\r\n> ')])).toEqual([
      { kind: 'recv', topic: 't', payload: 'a"b', length: null, boundary: 'certain', endedBy: 'frame', lengthMismatch: false, nextLine: false },
      { kind: 'prompt' },
    ]);
  });

  it('a payload that never closes is cut at the end of the input', () => {
    expect(scanRecv('+QMTRECV: 0,0,"t","abc\r\nOK\r\n', 0, { final: 'eof' })).toMatchObject({ status: 'done', endedBy: 'cut', boundary: 'inferred' });
    expect(scanRecv('+QMTRECV: 0,0,"t","abc\r\nOK\r\n')).toEqual({ status: 'more' });
  });

  it('a payload beyond the bound is cut, the same way whatever the chunking', () => {
    const big = `+QMTRECV: 0,0,"t","${'x'.repeat(100)}"\r\nOK\r\n`;
    const whole = scanRecv(big, 0, { maxPayload: 40 });
    expect(whole).toMatchObject({ status: 'done', endedBy: 'cut', truncated: true });
    for (let n = 1; n < big.length; n++) {
      const r = scanRecv(big.slice(0, n), 0, { maxPayload: 40 });
      if (r.status === 'done') {
        expect(r).toEqual(whole);
        break;
      }
    }
  });
});

describe('chunk invariance (property)', () => {
  const all = Buffer.from(BG95LOG + EC20X + EC200X + AZ + '\r\nOK\r\n');

  it('the reference streams decode the same byte by byte and in random pieces', () => {
    const whole = read([all]);
    expect(whole.filter((i) => i.kind === 'recv')).toHaveLength(5);
    expect(read(byteByByte(all))).toEqual(whole);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: all.length }), { maxLength: 40 }), (cuts) => {
        expect(read(split(all, cuts))).toEqual(whole);
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  // payloads from an alphabet that provokes the quote rule: quotes, CR, LF, commas, letters, `OK`
  const payloadArb = fc.array(fc.constantFrom('a', 'b', '"', '\r\n', ',', ' ', 'OK', '+X: 1', '\r\n\r\n', '>'), { maxLength: 30 }).map((a) => a.join(''));

  it('with a length: any payload comes back exact, whatever the chunking', () => {
    fc.assert(
      fc.property(payloadArb, fc.array(fc.nat({ max: 120 }), { maxLength: 12 }), (p, cuts) => {
        const bytes = Buffer.from(`\r\n+QMTRECV: 1,7,"a/b",${Buffer.byteLength(p)},"${p}"\r\n\r\nOK\r\n`);
        const items = read(split(bytes, cuts));
        expect(items).toEqual([
          { kind: 'recv', topic: 'a/b', payload: p, length: Buffer.byteLength(p), boundary: 'certain', endedBy: 'length', lengthMismatch: false, nextLine: false },
          { kind: 'line', text: 'OK' },
        ]);
      }),
      { numRuns: 400, seed: 7 },
    );
  });

  it('without a length: the events do not depend on the chunking, and a payload without a quote before a line break comes back exact', () => {
    fc.assert(
      fc.property(payloadArb, fc.array(fc.nat({ max: 120 }), { maxLength: 12 }), (p, cuts) => {
        const bytes = Buffer.from(`\r\n+QMTRECV: 1,7,"a/b","${p}"\r\n\r\n+QMTSTAT: 1,2\r\n`);
        const whole = read([bytes]);
        expect(read(split(bytes, cuts))).toEqual(whole);
        expect(read(byteByByte(bytes))).toEqual(whole);
        if (!/"\r?\n/.test(p)) {
          expect(whole[0]).toMatchObject({ kind: 'recv', payload: p });
          expect(whole.at(-1)).toEqual({ kind: 'line', text: '+QMTSTAT: 1,2' });
        }
      }),
      { numRuns: 400, seed: 8 },
    );
  });
});
