/**
 * Length-announced payloads through the shared framer (RawBlockRule.payloadLength), with the
 * registry's grammar: Quectel `+QMTRECV: <idx>,<msgid>,"<topic>",<len>,"<payload>"` takes
 * exactly <len> bytes and the closing quote (qmt.md §3.1 step 3), whatever lines the payload
 * holds; without a length, or when the bytes contradict it, the closing-quote rule applies
 * (§3.1 step 4). ECMT (no length) is unchanged. The frames must not depend on how the bytes
 * were split, byte by byte included.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Framer, type Frame } from '../../src/framing/framer.js';
import { defaultGrammar } from '../../src/grammar.js';

const rb = defaultGrammar().rawBlock!;

type Out = string | { recv: string; payload: string; boundary: unknown; endedBy: unknown; lengthMismatch?: unknown };

function frames(chunks: Buffer[], quiet = false): Out[] {
  const out: Out[] = [];
  const f = new Framer(
    (fr: Frame) => {
      if (fr.kind === 'block') {
        const e = rb.toEvent(fr.header, fr.payload, fr.endedBy, fr.truncated);
        if (e.type === 'qmt-recv') out.push({ recv: e.topic, payload: e.payload.toString('latin1'), boundary: e.boundary, endedBy: e.endedBy, lengthMismatch: e.lengthMismatch });
        else if (e.type === 'ecmt-recv') out.push({ recv: e.topic, payload: e.payload.toString('latin1'), boundary: e.boundary, endedBy: e.endedBy });
        else out.push(`?${e.type}`);
      } else if (fr.kind === 'line') out.push(fr.text);
      else out.push(fr.kind);
    },
    { rule: rb },
  );
  for (const c of chunks) f.feed(c);
  if (quiet) f.quiet();
  f.end();
  return out;
}

function split(buf: Buffer, cuts: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let prev = 0;
  for (const c of [...new Set(cuts)].sort((a, b) => a - b).concat(buf.length)) {
    if (c > prev) parts.push(buf.subarray(prev, c));
    prev = c;
  }
  return parts;
}

function bytewise(buf: Buffer): Buffer[] {
  return Array.from({ length: buf.length }, (_, i) => buf.subarray(i, i + 1));
}

// the recorded EC800N emulator session (hardware-fixtures/emulator-qmt-ec800n-session.jsonl): a
// length-form message, then the echo of the next command (no empty line before it)
const ECHO_AFTER = '\r\n+QMTRECV: 0,0,"fixture/qmt",17,"downlink "quoted""\r\nAT+QMTDISC=0\r\r\nOK\r\n';
// a length-form payload holding lines that look like module frames (an empty line, OK, a +QMT line)
const FRAME_LIKE = '{"a":1,\r\n\r\nOK\r\n+QMTSTAT: 0,1\r\n"b":"x"}';
const LEN_FRAMES = `\r\n+QMTRECV: 0,3,"t/1",${Buffer.byteLength(FRAME_LIKE)},"${FRAME_LIKE}"\r\n\r\n+QMTPUBEX: 0,2,0\r\n`;
// qmt.md §3.1: form a with inner quotes (EC20X), the BG95-M3 closing quote on the next line
const QUOTE_FORMS =
  '\r\n+QMTRECV: 0,0,"/server/x","{"command_type": 2, "command_id":5,"dzcount":160}"\r\n\r\nOK\r\n' +
  '\r\n+QMTRECV: 0,1,"main_topic","AT+QMTPUBEX=0,1,1,0,"main_topic","Temperature: 22stC"\r\n"\r\n\r\n+QMTSTAT: 0,1\r\n';
// lengths the bytes contradict: too short, too long (the quote rule decides, the event says so)
const WRONG_LEN = '\r\n+QMTRECV: 0,1,"t",5,"downlink"\r\n\r\nOK\r\n\r\n+QMTRECV: 0,1,"t",40,"short"\r\n\r\n+QMTSTAT: 0,2\r\n';
const ECMT = '\r\n+ECMTRECV: 0,0,"ESP32/common",{\r\n        "command": "putdown"\r\n}\r\n\r\n+ECMTSTAT: 0,1\r\n';

describe('length-announced payloads in the shared framer', () => {
  it('takes exactly <len> bytes and the closing quote: the echo that follows is a line of its own', () => {
    expect(frames([Buffer.from(ECHO_AFTER)])).toEqual([
      { recv: 'fixture/qmt', payload: 'downlink "quoted"', boundary: 'certain', endedBy: 'length', lengthMismatch: false },
      'AT+QMTDISC=0',
      'OK',
    ]);
  });

  it('keeps lines that look like module frames inside a length-form payload', () => {
    expect(frames([Buffer.from(LEN_FRAMES)])).toEqual([
      { recv: 't/1', payload: FRAME_LIKE, boundary: 'certain', endedBy: 'length', lengthMismatch: false },
      '+QMTPUBEX: 0,2,0',
    ]);
  });

  it('without a length, the closing quote before CRLF and a known frame ends the payload', () => {
    expect(frames([Buffer.from(QUOTE_FORMS)])).toEqual([
      { recv: '/server/x', payload: '{"command_type": 2, "command_id":5,"dzcount":160}', boundary: 'certain', endedBy: 'frame', lengthMismatch: false },
      'OK',
      { recv: 'main_topic', payload: 'AT+QMTPUBEX=0,1,1,0,"main_topic","Temperature: 22stC"\r\n', boundary: 'inferred', endedBy: 'frame', lengthMismatch: false },
      '+QMTSTAT: 0,1',
    ]);
  });

  it('a length the bytes contradict falls back to the quote rule over the same bytes, flagged', () => {
    expect(frames([Buffer.from(WRONG_LEN)])).toEqual([
      { recv: 't', payload: 'downlink', boundary: 'inferred', endedBy: 'frame', lengthMismatch: true },
      'OK',
      { recv: 't', payload: 'short', boundary: 'inferred', endedBy: 'frame', lengthMismatch: true },
      '+QMTSTAT: 0,2',
    ]);
  });

  it('a pause before the count is reached ends the payload by the quote rule', () => {
    const head = Buffer.from('\r\n+QMTRECV: 0,1,"t",30,"only"\r\n');
    expect(frames([head], true)).toEqual([{ recv: 't', payload: 'only', boundary: 'inferred', endedBy: 'quiet', lengthMismatch: true }]);
  });

  it('ECMT payloads (no length) frame as before', () => {
    expect(frames([Buffer.from(ECMT)])).toEqual([{ recv: 'ESP32/common', payload: '{\r\n        "command": "putdown"\r\n}', boundary: 'certain', endedBy: 'frame' }, '+ECMTSTAT: 0,1']);
  });

  const ALL = Buffer.from(ECHO_AFTER + LEN_FRAMES + QUOTE_FORMS + WRONG_LEN + ECMT + ECHO_AFTER);

  it('gives the same frames byte by byte as whole', () => {
    expect(frames(bytewise(ALL))).toEqual(frames([ALL]));
  });

  it('gives the same frames for any chunking (length and quote rules, fallbacks, ECMT)', () => {
    const whole = frames([ALL]);
    // the pieces framed one after the other give the same frames as each alone
    expect(whole).toEqual([ECHO_AFTER, LEN_FRAMES, QUOTE_FORMS, WRONG_LEN, ECMT, ECHO_AFTER].flatMap((p) => frames([Buffer.from(p)])));
    fc.assert(
      fc.property(fc.array(fc.nat({ max: ALL.length }), { maxLength: 40 }), (cuts) => {
        expect(frames(split(ALL, cuts))).toEqual(whole);
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it('random payloads with any bytes, framed by their length, come out exact for any chunking', () => {
    const byte = fc.constantFrom(0x22, 0x0d, 0x0a, 0x2c, 0x3e, 0x20, 0x41, 0x4f, 0x4b, 0x2b, 0x1a, 0xe4);
    fc.assert(
      fc.property(fc.array(fc.array(byte, { maxLength: 40 }), { minLength: 1, maxLength: 4 }), fc.array(fc.nat({ max: 400 }), { maxLength: 20 }), (payloads, cuts) => {
        const msgs = payloads.map((p) => Buffer.from(p));
        const stream = Buffer.concat(msgs.flatMap((p, i) => [Buffer.from(`\r\n+QMTRECV: 0,${i},"t",${p.length},"`), p, Buffer.from('"\r\n')]).concat(Buffer.from('\r\nOK\r\n')));
        const got = frames(split(stream, cuts));
        expect(got).toEqual(frames(bytewise(stream)));
        expect(got).toEqual([...msgs.map((p) => ({ recv: 't', payload: p.toString('latin1'), boundary: 'certain', endedBy: 'length', lengthMismatch: false })), 'OK']);
      }),
      { numRuns: 300, seed: 16 },
    );
  });
});
