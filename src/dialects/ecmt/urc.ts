/**
 * The ECMT family (Eigencomm MQTT AT commands), reference §2 and §4.
 *
 * URCs (colon + space, or no space):
 *   +ECMTOPEN: <id>,<result>          +ECMTCLOSE: <id>,<result>       +ECMTDISC: <id>,<result>
 *   +ECMTCONN: <id>,<result>,<ret>    (also spelled +ECMTCON:, kept as variant 'ECMTCON';
 *                                      an empty <ret> reads as null)
 *   +ECMTSUB: <id>,<msgID>,<result>[,<value>[,<extra>]]
 *   +ECMTUNS: <id>,<msgID>,<result>[,<extra>]
 *   +ECMTPUB: <id>,<msgID>,<result>[,<extra>]
 *   +ECMTSTAT: <id>,<err_code>
 *   +ECMTRECV: <id>,<msgID>,"<topic>",<payload, raw to the end of the frame>
 * Numbers may be negative (-1 failures). Spaces around fields are tolerated.
 *
 * Read and test answers, told apart from the URCs by the shape of their fields:
 *   +ECMTOPEN:0,"<host>",<port>       → ecmt-open-state (URC: exactly 2 numeric fields)
 *   +ECMTCONN:0,<state>               → ecmt-conn-state (URC: exactly 3 fields)
 *   +ECMTCFG: "<type>",<values…>      → ecmt-cfg 'query' (values unquoted, empty ones kept)
 *   +ECMTCFG:"keepalive",(0),(0-3600), → ecmt-cfg 'test' (ranges kept whole, trailing empty dropped)
 *   +ECMTOPEN: (0),<host_name>,<port> → ecmt-test (any ECMT answer whose fields start with `(`)
 * A known prefix with any other shape is not guessed at: the caller reports it as `info`.
 */
import { isAscii } from 'node:buffer';
import type { EventOf, ModemEvent, PayloadEnd } from '../../urc/types.js';
import { MAX_FIELDS_TEXT, allInts, isQuoted, simpleInts, splitFields, toInt, unquote } from '../../urc/fields.js';

/** The ECMT prefixes this file reads (upper case, without the colon). */
export const ECMT_PREFIXES: readonly string[] = [
  '+ECMTOPEN',
  '+ECMTCLOSE',
  '+ECMTCONN',
  '+ECMTCON',
  '+ECMTDISC',
  '+ECMTSUB',
  '+ECMTUNS',
  '+ECMTPUB',
  '+ECMTSTAT',
  '+ECMTRECV',
  '+ECMTCFG',
];

/** The start of every downlink message frame. */
export const RECV_PREFIX = '+ECMTRECV:';

/** A parsed `+ECMTRECV:` header. */
export interface RecvHeader {
  connectId: number;
  msgId: number;
  topic: string;
  /**
   * Length of the header in the input: up to and including the comma after the topic's closing
   * quote; the payload starts right after it. Characters for parseRecvHeader (equal to bytes
   * for an ASCII header), bytes for parseRecvHeaderBytes. Leading NULs of the input count.
   */
  headerLength: number;
  /** The header text itself (what `raw` of the event starts with). */
  text: string;
}

/** Longest header looked at: an MQTT topic is at most 65535 bytes. */
const MAX_HEADER = 65_600;

const RECV_WORD = 'ECMTRECV';

/**
 * `+ECMTRECV: *<id>,<msgID>,"` at `from`, the word in any ASCII case, the numbers 1 to 10 digits,
 * all within 40 characters (the regex `^\+ECMTRECV: *(\d{1,10}),(\d{1,10}),"`/i on the
 * 40 characters from `from`, read by hand). The index after the quote, or -1.
 */
function recvHeadAt(line: string, from: number): number {
  if (line.charCodeAt(from) !== 0x2b) return -1;
  for (let k = 0; k < RECV_WORD.length; k++) {
    const c = line.charCodeAt(from + 1 + k);
    const u = RECV_WORD.charCodeAt(k);
    if (c !== u && c !== u + 0x20) return -1;
  }
  const limit = Math.min(line.length, from + 40);
  let i = from + 1 + RECV_WORD.length;
  if (i >= limit || line.charCodeAt(i) !== 0x3a) return -1;
  i++;
  while (i < limit && line.charCodeAt(i) === 0x20) i++;
  for (let field = 0; field < 2; field++) {
    const d = i;
    while (i < limit && line.charCodeAt(i) >= 0x30 && line.charCodeAt(i) <= 0x39) i++;
    if (i === d || i - d > 10 || i >= limit || line.charCodeAt(i) !== 0x2c) return -1;
    i++;
  }
  if (i >= limit || line.charCodeAt(i) !== 0x22) return -1;
  return i + 1;
}

/** The decimal number whose digits start at `i`. */
function digitsAt(line: string, i: number): number {
  let v = 0;
  for (let c = line.charCodeAt(i) - 0x30; c >= 0 && c <= 9; c = line.charCodeAt(++i) - 0x30) v = v * 10 + c;
  return v;
}

function recvAt(line: string, from: number): { connectId: number; msgId: number; topicStart: number; topicEnd: number } | null {
  const topicStart = recvHeadAt(line, from);
  if (topicStart < 0) return null;
  const window = line.length - from > MAX_HEADER ? line.slice(0, from + MAX_HEADER) : line;
  const topicEnd = window.indexOf('",', topicStart);
  if (topicEnd < 0) return null;
  // the header was checked: `+ECMTRECV:`, spaces, <id>, a comma, <msgID>
  let i = from + 1 + RECV_WORD.length + 1;
  while (line.charCodeAt(i) === 0x20) i++;
  const connectId = digitsAt(line, i);
  const msgId = digitsAt(line, line.indexOf(',', i) + 1);
  return { connectId, msgId, topicStart, topicEnd };
}

function leadingNuls(s: string): number {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) === 0) i++;
  return i;
}

/**
 * Parse a line starting `+ECMTRECV: <id>,<msgID>,"<topic>",` (space after the colon optional,
 * leading NULs skipped but counted). The topic has no escaping: it ends at the first `",`
 * after its opening quote. Returns null for any other line.
 */
export function parseRecvHeader(line: string): RecvHeader | null {
  const r = recvAt(line, leadingNuls(line));
  if (!r) return null;
  const headerLength = r.topicEnd + 2;
  return {
    connectId: r.connectId,
    msgId: r.msgId,
    topic: line.slice(r.topicStart, r.topicEnd),
    headerLength,
    text: line.slice(0, headerLength),
  };
}

/** `parseRecvHeader(line)?.headerLength ?? -1`, without building the header (the framer asks this of every line). */
export function recvHeaderLength(line: string): number {
  const r = recvAt(line, leadingNuls(line));
  return r ? r.topicEnd + 2 : -1;
}

/**
 * parseRecvHeader on raw bytes: `headerLength` is a byte count whatever the topic holds, and
 * the topic is decoded as UTF-8 (invalid bytes become U+FFFD).
 */
export function parseRecvHeaderBytes(bytes: Buffer): RecvHeader | null {
  const view = bytes.toString('latin1', 0, Math.min(bytes.length, MAX_HEADER));
  const r = recvAt(view, leadingNuls(view));
  if (!r) return null;
  const headerLength = r.topicEnd + 2;
  if (isAscii(bytes.subarray(0, headerLength))) {
    // ASCII: the latin1 view already is the UTF-8 text
    return {
      connectId: r.connectId,
      msgId: r.msgId,
      topic: view.slice(r.topicStart, r.topicEnd),
      headerLength,
      text: headerLength === view.length ? view : view.slice(0, headerLength),
    };
  }
  return {
    connectId: r.connectId,
    msgId: r.msgId,
    topic: bytes.toString('utf8', r.topicStart, r.topicEnd),
    headerLength,
    text: bytes.toString('utf8', 0, headerLength),
  };
}

/**
 * Build the `ecmt-recv` event. `raw` is the header text followed by the payload decoded as
 * UTF-8 (invalid bytes become U+FFFD); `payload` keeps the exact bytes.
 */
export function recvEvent(
  header: RecvHeader,
  payload: Buffer,
  boundary: 'certain' | 'inferred',
  endedBy: PayloadEnd,
  truncated: boolean,
): EventOf<'ecmt-recv'> {
  return {
    type: 'ecmt-recv',
    raw: header.text + payload.toString(),
    connectId: header.connectId,
    msgId: header.msgId,
    topic: header.topic,
    payload,
    boundary,
    endedBy,
    truncated,
  };
}

/**
 * How sure a payload end is: 'certain' when the module's framing (an empty line, then a known
 * frame), a quiet time or the end of the input came after a complete line (the same rule as
 * src/grammar.ts); 'inferred' for a known prefix without the empty line, a cut, or a single line.
 */
export function boundaryOf(endedBy: PayloadEnd): 'certain' | 'inferred' {
  return endedBy === 'frame' || endedBy === 'quiet' || endedBy === 'eof' ? 'certain' : 'inferred';
}

/**
 * The event for a raw block the framer cut out (header bytes + payload bytes). A header that
 * does not parse (the framer only opens blocks on headers that do) gives an `info` event.
 */
export function recvBlockEvent(header: Buffer, payload: Buffer, endedBy: PayloadEnd, truncated: boolean): ModemEvent {
  const h = parseRecvHeaderBytes(header);
  if (h && h.headerLength === header.length) return recvEvent(h, payload, boundaryOf(endedBy), endedBy, truncated);
  const raw = header.toString('utf8') + payload.toString('utf8');
  return { type: 'info', raw, prefix: '+ECMTRECV', text: raw.replace(/^\0*\+ECMTRECV: */i, '') };
}

/**
 * `+ECMTRECV:` read from one line by parseLine, without the framer: the payload is the rest of
 * the given text minus one trailing line terminator (CRLF, LF or CR), as UTF-8. Later lines may
 * still belong to it, so the boundary is 'inferred' and endedBy 'line'. `from` is the index of
 * the `+` in `text`. Null when the header does not parse.
 */
export function recvFromLine(text: string, from: number): EventOf<'ecmt-recv'> | null {
  const r = recvAt(text, from);
  if (!r) return null;
  const start = r.topicEnd + 2;
  let end = text.length;
  if (end > start && text.charCodeAt(end - 1) === 0x0a) end--;
  if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
  return {
    type: 'ecmt-recv',
    raw: text,
    connectId: r.connectId,
    msgId: r.msgId,
    topic: text.slice(r.topicStart, r.topicEnd),
    payload: Buffer.from(text.slice(start, end), 'utf8'),
    boundary: 'inferred',
    endedBy: 'line',
    truncated: false,
  };
}

// ---- everything but RECV ----

// The builders take the fields as numbers when every field is a plain integer (the shape of
// every ECMT URC, read by simpleInts without splitting), else as text.

function openLikeN(type: 'ecmt-open' | 'ecmt-close' | 'ecmt-disc', n: number[], raw: string): ModemEvent | null {
  if (n.length !== 2) return null;
  const ev: EventOf<'ecmt-open' | 'ecmt-close' | 'ecmt-disc'> = { type, raw, connectId: n[0]!, result: n[1]! };
  return ev;
}

function openLike(type: 'ecmt-open' | 'ecmt-close' | 'ecmt-disc', f: string[], raw: string): ModemEvent | null {
  if (f.length !== 2) return null;
  const n = allInts(f);
  if (!n) return null;
  return openLikeN(type, n, raw);
}

function open(f: string[], raw: string): ModemEvent | null {
  if (f.length === 2) return openLike('ecmt-open', f, raw);
  if (f.length !== 3) return null;
  const id = toInt(f[0]);
  const port = toInt(f[2]);
  const hostField = f[1]!;
  if (id === null || port === null) return null;
  // the host is quoted by the firmware; an unquoted one must at least not be a number
  if (!isQuoted(hostField) && toInt(hostField) !== null) return null;
  const host = unquote(hostField);
  if (host.length === 0) return null;
  return { type: 'ecmt-open-state', raw, connectId: id, host, port };
}

function connStateN(n: number[], raw: string): ModemEvent {
  return { type: 'ecmt-conn-state', raw, connectId: n[0]!, state: n[1]! };
}

function connEv(id: number, result: number, retCode: number | null, raw: string, variant: boolean): ModemEvent {
  const ev: EventOf<'ecmt-conn'> = { type: 'ecmt-conn', raw, connectId: id, result, retCode };
  if (variant) ev.variant = 'ECMTCON';
  return ev;
}

function conn(f: string[], raw: string, variant: boolean): ModemEvent | null {
  if (f.length === 2) {
    const n = allInts(f);
    return n ? connStateN(n, raw) : null;
  }
  if (f.length !== 3) return null;
  const id = toInt(f[0]);
  const result = toInt(f[1]);
  const retField = f[2]!;
  const retCode = retField === '' ? null : toInt(retField);
  if (id === null || result === null || (retField !== '' && retCode === null)) return null;
  return connEv(id, result, retCode, raw, variant);
}

function subN(n: number[], raw: string): ModemEvent | null {
  if (n.length < 3 || n.length > 5) return null;
  const ev: EventOf<'ecmt-sub'> = { type: 'ecmt-sub', raw, connectId: n[0]!, msgId: n[1]!, result: n[2]!, value: n[3] ?? null };
  if (n[4] !== undefined) ev.extra = n[4];
  return ev;
}

function sub(f: string[], raw: string): ModemEvent | null {
  if (f.length < 3 || f.length > 5) return null;
  const n = allInts(f);
  return n ? subN(n, raw) : null;
}

function unsPubN(type: 'ecmt-uns' | 'ecmt-pub', n: number[], raw: string): ModemEvent | null {
  if (n.length < 3 || n.length > 4) return null;
  const ev: EventOf<'ecmt-uns' | 'ecmt-pub'> = { type, raw, connectId: n[0]!, msgId: n[1]!, result: n[2]! };
  if (n[3] !== undefined) ev.extra = n[3];
  return ev;
}

function unsPub(type: 'ecmt-uns' | 'ecmt-pub', f: string[], raw: string): ModemEvent | null {
  if (f.length < 3 || f.length > 4) return null;
  const n = allInts(f);
  return n ? unsPubN(type, n, raw) : null;
}

function statN(n: number[], raw: string): ModemEvent | null {
  return n.length === 2 ? { type: 'ecmt-stat', raw, connectId: n[0]!, errCode: n[1]! } : null;
}

/** The same results as the text builders below for fields that are all plain integers. */
function fromInts(prefix: string, n: number[], raw: string): ModemEvent | null {
  switch (prefix) {
    case '+ECMTOPEN':
      // three integers: the host field is a number, which open() refuses
      return openLikeN('ecmt-open', n, raw);
    case '+ECMTCLOSE':
      return openLikeN('ecmt-close', n, raw);
    case '+ECMTDISC':
      return openLikeN('ecmt-disc', n, raw);
    case '+ECMTCONN':
    case '+ECMTCON':
      if (n.length === 2) return connStateN(n, raw);
      return n.length === 3 ? connEv(n[0]!, n[1]!, n[2]!, raw, prefix === '+ECMTCON') : null;
    case '+ECMTSUB':
      return subN(n, raw);
    case '+ECMTUNS':
      return unsPubN('ecmt-uns', n, raw);
    case '+ECMTPUB':
      return unsPubN('ecmt-pub', n, raw);
    case '+ECMTSTAT':
      return statN(n, raw);
    default:
      return null;
  }
}

const CFG_TYPE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function cfg(rest: string, raw: string): ModemEvent | null {
  const f = splitFields(rest);
  const cfgType = unquote(f[0]!);
  if (!CFG_TYPE.test(cfgType)) return null;
  const second = f[1];
  if (second !== undefined && second.charCodeAt(0) === 0x28) {
    // test form: ranges may hold commas inside parentheses, e.g. (0,1); the type holds no comma
    const comma = rest.indexOf(',');
    const values = splitFields(rest.slice(comma + 1), true).map(unquote);
    while (values.length > 0 && values[values.length - 1] === '') values.pop();
    return { type: 'ecmt-cfg', raw, cfgType, values, form: 'test' };
  }
  return { type: 'ecmt-cfg', raw, cfgType, values: f.slice(1).map(unquote), form: 'query' };
}

/**
 * Any ECMT line except +ECMTRECV. `prefix` is the upper-case prefix without the colon, `rest`
 * the text after the colon (leading blanks removed, trailing whitespace trimmed). Null when the
 * prefix is not ECMT or the fields are not of a documented shape.
 */
export function parseEcmt(prefix: string, rest: string, raw: string): ModemEvent | null {
  if (rest.length > MAX_FIELDS_TEXT || rest.length === 0) return null;
  if (rest.charCodeAt(0) === 0x28 && prefix !== '+ECMTRECV') return { type: 'ecmt-test', raw, command: prefix, ranges: rest };
  if (prefix === '+ECMTCFG') return cfg(rest, raw);
  const ints = simpleInts(rest);
  if (ints !== null) return fromInts(prefix, ints, raw);
  const f = splitFields(rest);
  switch (prefix) {
    case '+ECMTOPEN':
      return open(f, raw);
    case '+ECMTCLOSE':
      return openLike('ecmt-close', f, raw);
    case '+ECMTDISC':
      return openLike('ecmt-disc', f, raw);
    case '+ECMTCONN':
      return conn(f, raw, false);
    case '+ECMTCON':
      return conn(f, raw, true);
    case '+ECMTSUB':
      return sub(f, raw);
    case '+ECMTUNS':
      return unsPub('ecmt-uns', f, raw);
    case '+ECMTPUB':
      return unsPub('ecmt-pub', f, raw);
    case '+ECMTSTAT': {
      if (f.length !== 2) return null;
      const n = allInts(f);
      return n ? statN(n, raw) : null;
    }
    default:
      return null;
  }
}
