/**
 * `+QMTRECV` framing (../shared/protocol/qmt.md §3.1), the hard part of the QMT dialect.
 *
 * The payload is wrapped in `"…"` and NEVER escaped: inner quotes, commas, CR and LF are printed
 * raw. Two ways to find its end:
 * - with `<len>` (recv/mode length on, form b): exactly `<len>` bytes after the opening quote,
 *   then `"` and CRLF. On a mismatch the quote rule below takes over and the event says so.
 * - without it (form a): the payload runs to a `"` immediately followed by CRLF, and that CRLF
 *   must be followed by a known frame start (`+XXX:`, `OK`, `ERROR`, `>`…, after optional empty
 *   lines), a quiet time or the end of the input. A `"`+CRLF followed by anything else is
 *   payload (a BG95-M3 received `…22stC"\r\n"`: the closing quote on the next line, O [BG95LOG]).
 *   When the payload holds such an earlier `"`+CRLF the end is a guess: `boundary: 'inferred'`.
 *
 * `scanRecv` is a pure function of the bytes seen so far: it answers 'more' until the bytes
 * decide, so the result never depends on how the input was split into chunks.
 */
import type { QmtEventOf, QmtPayloadEnd } from './events.js';
import { isDigit } from '../../util/chars.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const WORD = '+QMTRECV:';
/** Longest topic looked at (MQTT: 65535 bytes). */
const MAX_TOPIC = 65_535;
/** Longest `<len>` field (digits). */
const MAX_LEN_DIGITS = 7;

/** The parsed head of a message-bearing `+QMTRECV:` line (forms a and b). */
export interface RecvHead {
  idx: number;
  msgId: number;
  topic: string;
  /** the `<len>` field, or null */
  length: number | null;
  /** index of the first payload byte (after the opening quote; for `nextLine`, the start of the next line) */
  payloadStart: number;
  /** the payload starts on the next line (`…,"topic",<len>` + CRLF, C [C-PUMP]) */
  nextLine: boolean;
  /** `nextLine` only: the payload on the next line is wrapped in quotes */
  quoted: boolean;
}

export type HeadScan = { status: 'head'; head: RecvHead } | { status: 'more' } | { status: 'not-recv' };


/** Skip leading NULs (power-up garbage) — they belong to the frame but not to the header word. */
function skipNuls(s: string, i: number): number {
  while (i < s.length && s.charCodeAt(i) === 0) i++;
  return i;
}

/**
 * Read the head of a `+QMTRECV:` frame from `s` (bytes as latin1: one character per byte),
 * starting at `from`. 'more' while the bytes so far could still be such a head; 'not-recv' when
 * they cannot (another prefix, a buffer-mode notice `idx,recv_id`, the `AT+QMTRECV?` slots).
 */
export function scanHead(s: string, from = 0): HeadScan {
  let i = skipNuls(s, from);
  const n = s.length;
  // the word, any ASCII case
  for (let k = 0; k < WORD.length; k++, i++) {
    if (i >= n) return { status: 'more' };
    const c = s.charCodeAt(i);
    const w = WORD.charCodeAt(k);
    if (c !== w && !(w >= 0x41 && w <= 0x5a && c === w + 0x20)) return { status: 'not-recv' };
  }
  while (i < n && s.charCodeAt(i) === SP) i++;
  const nums: number[] = [];
  for (let field = 0; field < 2; field++) {
    while (i < n && s.charCodeAt(i) === SP) i++;
    const neg = i < n && s.charCodeAt(i) === 0x2d;
    if (neg) i++;
    const d = i;
    let v = 0;
    while (i < n && isDigit(s.charCodeAt(i))) v = v * 10 + (s.charCodeAt(i++) - 0x30);
    if (i >= n) return i - d > 10 ? { status: 'not-recv' } : { status: 'more' };
    if (i === d || i - d > 10) return { status: 'not-recv' };
    nums.push(neg ? -v : v);
    while (i < n && s.charCodeAt(i) === SP) i++;
    if (i >= n) return { status: 'more' };
    if (s.charCodeAt(i) !== COMMA) return { status: 'not-recv' };
    i++;
  }
  while (i < n && s.charCodeAt(i) === SP) i++;
  if (i >= n) return { status: 'more' };
  if (s.charCodeAt(i) !== QUOTE) return { status: 'not-recv' }; // digits: slots or other shapes
  const topicStart = i + 1;
  // the topic has no escaping either: it ends at the first `",` (a topic holding `",` is ambiguous, §3.1)
  let topicEnd = -1;
  for (let k = topicStart; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c === LF) return { status: 'not-recv' };
    if (c === QUOTE && k + 1 < n && s.charCodeAt(k + 1) === COMMA) {
      topicEnd = k;
      break;
    }
    if (k - topicStart > MAX_TOPIC) return { status: 'not-recv' };
  }
  if (topicEnd < 0) return { status: 'more' };
  i = topicEnd + 2;
  while (i < n && s.charCodeAt(i) === SP) i++;
  if (i >= n) return { status: 'more' };
  const topic = s.slice(topicStart, topicEnd);
  const [idx, msgId] = nums as [number, number];
  const c = s.charCodeAt(i);
  if (c === QUOTE) return { status: 'head', head: { idx, msgId, topic, length: null, payloadStart: i + 1, nextLine: false, quoted: true } };
  if (!isDigit(c)) return { status: 'not-recv' };
  const d = i;
  let len = 0;
  while (i < n && isDigit(s.charCodeAt(i))) len = len * 10 + (s.charCodeAt(i++) - 0x30);
  if (i - d > MAX_LEN_DIGITS) return { status: 'not-recv' };
  while (i < n && s.charCodeAt(i) === SP) i++;
  if (i >= n) return { status: 'more' };
  const e = s.charCodeAt(i);
  if (e === COMMA) {
    i++;
    while (i < n && s.charCodeAt(i) === SP) i++;
    if (i >= n) return { status: 'more' };
    if (s.charCodeAt(i) !== QUOTE) return { status: 'not-recv' };
    return { status: 'head', head: { idx, msgId, topic, length: len, payloadStart: i + 1, nextLine: false, quoted: true } };
  }
  // `…,"topic",<len>` then the line ends: the payload follows on the next line (C [C-PUMP])
  if (e === CR || e === LF) {
    if (e === CR) {
      if (i + 1 >= n) return { status: 'more' };
      if (s.charCodeAt(i + 1) !== LF) return { status: 'not-recv' };
      i++;
    }
    i++;
    if (i >= n) return { status: 'more' };
    const quoted = s.charCodeAt(i) === QUOTE;
    return { status: 'head', head: { idx, msgId, topic, length: len, payloadStart: quoted ? i + 1 : i, nextLine: true, quoted } };
  }
  return { status: 'not-recv' };
}

/** The result of scanning a +QMTRECV frame. Offsets index the scanned text (bytes). */
export type RecvScan =
  | { status: 'not-recv' }
  | { status: 'more' }
  | {
      status: 'done';
      head: RecvHead;
      /** payload bytes are [payloadStart, payloadEnd) */
      payloadEnd: number;
      /** bytes of the frame, from `from` to after the line terminator that follows the closing quote */
      end: number;
      endedBy: QmtPayloadEnd;
      boundary: 'certain' | 'inferred';
      lengthMismatch: boolean;
      truncated: boolean;
    };

export interface ScanOptions {
  /**
   * True when no more bytes will come for now (a quiet time passed, or the input ended): the
   * scanner then decides with what it has. Default false.
   */
  final?: 'quiet' | 'eof' | false;
  /** True for lines that start a module frame. Default `isQmtFrameStart`. */
  isFrameStart?: (line: string) => boolean;
  /** Longest payload kept, in bytes; a longer one is cut (truncated). Default 65536. */
  maxPayload?: number;
}

const PLAIN_FINALS = new Set(['OK', 'ERROR', 'CONNECT', 'NO CARRIER', 'RDY', 'APP RDY', 'SEND OK', 'SEND FAIL']);

/**
 * The default frame-start test for the quote rule: a `+WORD:` line (upper-case word, the way a
 * module prints its answers and URCs), a final result, the `>` prompt, or the echo of a host
 * command (`AT…`). Leading NULs are skipped; trailing whitespace ignored.
 */
export function isQmtFrameStart(line: string): boolean {
  let s = skipNuls(line, 0);
  let e = line.length;
  while (e > s && (line.charCodeAt(e - 1) === CR || line.charCodeAt(e - 1) === LF || line.charCodeAt(e - 1) === SP)) e--;
  if (e <= s) return false;
  const c0 = line.charCodeAt(s);
  if (c0 === 0x3e) return true; // '>'
  if (c0 === 0x2b) {
    const limit = Math.min(e, s + 33);
    let i = s + 1;
    const w = i;
    while (i < limit) {
      const c = line.charCodeAt(i);
      if ((c >= 0x41 && c <= 0x5a) || isDigit(c) || c === 0x5f || (c === SP && i > w && line.charCodeAt(i - 1) !== SP)) i++;
      else break;
    }
    return i > w && i < e && line.charCodeAt(i) === 0x3a;
  }
  const text = line.slice(s, e);
  if (PLAIN_FINALS.has(text)) return true;
  return /^AT(?:$|[+&^$A-Z])/.test(text) && text.length <= 2048;
}

/**
 * Where the line starting at `i` ends: the index after its LF, or -1 when it has none yet.
 */
function lineEnd(s: string, i: number): number {
  const lf = s.indexOf('\n', i);
  return lf < 0 ? -1 : lf + 1;
}

/**
 * After a candidate end (the terminator that follows the closing quote ends at `after`): what
 * comes next? 'frame'/'prefix' confirm the end, 'payload' rejects it, 'more' cannot decide yet.
 */
function following(s: string, after: number, isFrameStart: (line: string) => boolean): 'frame' | 'prefix' | 'payload' | 'more' {
  let i = after;
  let empty = 0;
  for (;;) {
    if (i >= s.length) return 'more';
    // the prompt has no terminator
    if (s.charCodeAt(i) === 0x3e && (i + 1 >= s.length ? false : s.charCodeAt(i + 1) === SP)) return empty > 0 ? 'frame' : 'prefix';
    const le = lineEnd(s, i);
    if (le < 0) {
      // only NULs/CR so far, or a partial line: wait for its end
      return 'more';
    }
    let te = le - 1;
    while (te > i && s.charCodeAt(te - 1) === CR) te--;
    if (te === i) {
      empty++;
      i = le;
      continue;
    }
    return isFrameStart(s.slice(i, le)) ? (empty > 0 ? 'frame' : 'prefix') : 'payload';
  }
}

/** `"` + CR LF (or `"` + LF) at `q`: the index after the terminator, else -1. */
function quoteEnd(s: string, q: number): number {
  if (s.charCodeAt(q) !== QUOTE) return -1;
  let i = q + 1;
  while (i < s.length && s.charCodeAt(i) === CR) i++;
  if (i < s.length && s.charCodeAt(i) === LF) return i + 1;
  return -1;
}

/**
 * Scan a `+QMTRECV` frame in `s` (the module's bytes as latin1, one character per byte) from
 * `from`. See the file comment for the rules. Pure and chunk-invariant: for any split of the
 * same bytes, the first 'done' answer is the same.
 */
export function scanRecv(s: string, from = 0, opts: ScanOptions = {}): RecvScan {
  const h = scanHead(s, from);
  if (h.status !== 'head') {
    if (h.status === 'more' && opts.final) return { status: 'not-recv' };
    return h;
  }
  const head = h.head;
  const final = opts.final ?? false;
  const isFrameStart = opts.isFrameStart ?? isQmtFrameStart;
  const maxPayload = opts.maxPayload ?? 65_536;
  const p0 = head.payloadStart;
  // Past the bound, only the first bytes decide (the same bytes whatever the chunking).
  const cap = p0 + maxPayload + 3;
  if (s.length > cap) s = s.slice(0, cap);
  const atCap = s.length === cap;
  const decide = final !== false || atCap;
  let lengthMismatch = false;
  if (head.length !== null) {
    if (head.nextLine && !head.quoted) {
      // raw bytes on the next line: exactly <len>, then the terminator
      const need = p0 + head.length;
      if (s.length < need + 1) {
        if (!decide) return { status: 'more' };
      } else {
        let t = need;
        while (t < s.length && s.charCodeAt(t) === CR) t++;
        if (t < s.length && s.charCodeAt(t) === LF)
          return { status: 'done', head, payloadEnd: need, end: t + 1, endedBy: 'length', boundary: 'inferred', lengthMismatch: false, truncated: false };
        if (t >= s.length && !decide) return { status: 'more' };
      }
      lengthMismatch = true;
    } else {
      const close = p0 + head.length;
      if (s.length <= close) {
        if (!decide) return { status: 'more' };
      } else if (s.charCodeAt(close) === QUOTE) {
        const qe = quoteEnd(s, close);
        if (qe >= 0) return { status: 'done', head, payloadEnd: close, end: qe, endedBy: 'length', boundary: head.nextLine ? 'inferred' : 'certain', lengthMismatch: false, truncated: false };
        let t = close + 1;
        while (t < s.length && s.charCodeAt(t) === CR) t++;
        if (t >= s.length) {
          // `"` and maybe CRs so far: the LF may still come; at the end of the input it is the end
          if (!decide) return { status: 'more' };
          return { status: 'done', head, payloadEnd: close, end: s.length, endedBy: 'length', boundary: 'inferred', lengthMismatch: false, truncated: false };
        }
      }
      lengthMismatch = true;
    }
  }
  // the quote rule: candidates are `"` + CRLF; the first one followed by a frame start ends it
  let candidates = 0;
  let last: { q: number; end: number } | null = null;
  let q = s.indexOf('"', p0);
  while (q >= 0) {
    if (q - p0 > maxPayload) break;
    const qe = quoteEnd(s, q);
    if (qe < 0) {
      // `"` then CRs at the very end: the LF may still come
      let t = q + 1;
      while (t < s.length && s.charCodeAt(t) === CR) t++;
      if (t >= s.length) break;
      q = s.indexOf('"', q + 1);
      continue;
    }
    candidates++;
    const f = following(s, qe, isFrameStart);
    if (f === 'frame' || f === 'prefix') {
      return { status: 'done', head, payloadEnd: q, end: qe, endedBy: f, boundary: candidates > 1 || lengthMismatch ? 'inferred' : 'certain', lengthMismatch, truncated: false };
    }
    last = { q, end: qe };
    if (f === 'more') break; // undecided: wait for the next line (or the quiet time)
    q = s.indexOf('"', qe);
  }
  const tooLong = atCap;
  if (!final && !tooLong) return { status: 'more' };
  if (last !== null && !tooLong) {
    // the input paused (or ended) after a candidate: it is the end, certain when it was the only one
    const onlyBlanks = /^[\r\n\0]*$/.test(s.slice(last.end));
    const endedBy: QmtPayloadEnd = final === 'eof' ? 'eof' : 'quiet';
    return {
      status: 'done',
      head,
      payloadEnd: last.q,
      end: last.end,
      endedBy,
      boundary: candidates === 1 && onlyBlanks && !lengthMismatch ? 'certain' : 'inferred',
      lengthMismatch,
      truncated: false,
    };
  }
  // no end found: everything (bounded) is payload, minus a trailing terminator
  let e = s.length;
  while (e > p0 && (s.charCodeAt(e - 1) === LF || s.charCodeAt(e - 1) === CR)) e--;
  const truncated = e - p0 > maxPayload;
  const payloadEnd = truncated ? p0 + maxPayload : e;
  return { status: 'done', head, payloadEnd, end: s.length, endedBy: 'cut', boundary: 'inferred', lengthMismatch, truncated };
}

/** Build the `qmt-recv` event from a 'done' scan of `bytes` (the same bytes that were scanned as latin1). */
export function recvEventOf(bytes: Buffer, from: number, scan: Extract<RecvScan, { status: 'done' }>): QmtEventOf<'qmt-recv'> {
  const payload = Buffer.from(bytes.subarray(scan.head.payloadStart, scan.payloadEnd));
  let rawEnd = scan.end;
  while (rawEnd > from && (bytes[rawEnd - 1] === LF || bytes[rawEnd - 1] === CR)) rawEnd--;
  return {
    type: 'qmt-recv',
    raw: bytes.toString('utf8', from, rawEnd),
    idx: scan.head.idx,
    msgId: scan.head.msgId,
    topic: Buffer.from(scan.head.topic, 'latin1').toString('utf8'),
    length: scan.head.length,
    payload,
    boundary: scan.boundary,
    endedBy: scan.endedBy,
    lengthMismatch: scan.lengthMismatch,
    nextLine: scan.head.nextLine,
    truncated: scan.truncated,
  };
}

/**
 * `+QMTRECV` forms a/b read from ONE line (no framer, e.g. a line of a pasted log): the payload
 * is what lies between the opening quote and the line's last `"`. With a length that matches,
 * the boundary is certain; otherwise later lines may still belong to it ('inferred', 'line').
 * Null when the line is not of form a or b.
 */
export function recvFromLine(line: string): QmtEventOf<'qmt-recv'> | null {
  const bytes = Buffer.from(line, 'utf8');
  const s = bytes.toString('latin1');
  const h = scanHead(s + '\r\n');
  if (h.status !== 'head' || h.head.nextLine) return null;
  const head = h.head;
  let e = s.length;
  while (e > head.payloadStart && (s.charCodeAt(e - 1) === CR || s.charCodeAt(e - 1) === LF || s.charCodeAt(e - 1) === SP)) e--;
  const closed = e > head.payloadStart && s.charCodeAt(e - 1) === QUOTE;
  const payloadEnd = closed ? e - 1 : e;
  const exact = head.length !== null && payloadEnd - head.payloadStart === head.length && closed;
  return {
    type: 'qmt-recv',
    raw: line,
    idx: head.idx,
    msgId: head.msgId,
    topic: Buffer.from(head.topic, 'latin1').toString('utf8'),
    length: head.length,
    payload: Buffer.from(bytes.subarray(head.payloadStart, payloadEnd)),
    boundary: exact ? 'certain' : 'inferred',
    endedBy: exact ? 'length' : 'line',
    lengthMismatch: head.length !== null && !exact,
    nextLine: false,
    truncated: false,
  };
}
