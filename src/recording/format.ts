import { CatError } from '../util/errors.js';
import { isUtf8 } from '../util/utf8.js';
import { isAscii, isUtf8 as isUtf8Bytes } from 'node:buffer';
import { TRANSCRIPT_KINDS, TRANSCRIPT_VERSION, type DataEntry, type Redaction, type TranscriptEntry, type TranscriptHeader, type TranscriptKind } from './types.js';

/** True when the bytes survive a round trip through a UTF-8 JSON string (util/utf8.ts, shared with at/). */
export { isUtf8 } from '../util/utf8.js';

export function encodeHeader(h: TranscriptHeader): string {
  return JSON.stringify(h);
}

/**
 * How many bytes longer than the base64 an entry's JSON text may be and still be written as text:
 * a short line with a Ctrl-Z or a few quotes (a prompt-mode payload) stays readable, while a run
 * of control bytes (NULs cost 6 bytes each as `\u0000`) goes to base64 and costs 4/3 of its bytes.
 */
const TEXT_SLACK = 32;

/**
 * One entry line: `{"t":…,"dir":…,"text":"…"}` or `{"t":…,"dir":…,"b64":"…"}`, then `"redact"`
 * when there are spans. The bytes go as `text` when they are valid UTF-8 and their JSON string is
 * at most TEXT_SLACK bytes longer than their base64, else as `b64`; so a line is never more than
 * 4/3 of its bytes + TEXT_SLACK + its fixed members. The choice depends on the bytes alone: the
 * same entry is always written the same way.
 */
export function encodeEntry(e: TranscriptEntry): string {
  const t = e.t === null ? null : Math.round(e.t * 1e6) / 1e6;
  if (e.dir === 'note') return JSON.stringify({ t, dir: 'note', text: e.text });
  const head = `{"t":${JSON.stringify(t)},"dir":${JSON.stringify(e.dir)},`;
  const tail = e.redact && e.redact.length > 0 ? `,"redact":${JSON.stringify(e.redact)}}` : '}';
  const data = e.data;
  if (isUtf8(data)) {
    const text = data.toString('utf8');
    const json = JSON.stringify(text);
    // JSON.stringify copies every character of valid UTF-8 text as is and adds only ASCII escape
    // characters, so the escapes cost json.length - 2 - text.length bytes over the data: counted
    // without a pass over the bytes. Base64 is 4 characters for every 3 bytes or part of them.
    if (data.length + (json.length - 2 - text.length) <= Math.ceil(data.length / 3) * 4 + TEXT_SLACK) return `${head}"text":${json}${tail}`;
  }
  return `${head}"b64":"${data.toString('base64')}"${tail}`;
}

function fail(where: string, what: string): never {
  throw new CatError('ERR_TRANSCRIPT_FORMAT', `${where}: ${what}`, { context: { where } });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse and validate the header line. `where` names the place for the error (file:line). */
export function decodeHeader(line: string, where: string): TranscriptHeader {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    fail(where, 'the first line is not JSON, so this is not a cat1 transcript');
  }
  if (!isObject(v) || v['cat1'] !== 'transcript') fail(where, 'the first line is not a cat1 transcript header ("cat1":"transcript" missing)');
  const version = v['version'];
  if (typeof version !== 'number' || !Number.isInteger(version)) fail(where, 'header has no integer "version"');
  if (version > TRANSCRIPT_VERSION) fail(where, `transcript version ${version} is newer than this cat1 understands (${TRANSCRIPT_VERSION}); update cat1-bridge`);
  const kind = v['kind'];
  if (typeof kind !== 'string' || !TRANSCRIPT_KINDS.includes(kind as TranscriptKind)) {
    fail(where, `header "kind" must be one of ${TRANSCRIPT_KINDS.join(', ')}`);
  }
  if (typeof v['created'] !== 'string') fail(where, 'header has no "created" time');
  if (typeof v['redacted'] !== 'boolean') fail(where, 'header has no boolean "redacted"');
  return v as TranscriptHeader;
}

/**
 * End of a JSON number (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`) starting at `i`, or -1.
 */
function jsonNumberEnd(s: string, i: number): number {
  const digits = (j: number): number => {
    while (j < s.length && s.charCodeAt(j) >= 0x30 && s.charCodeAt(j) <= 0x39) j++;
    return j;
  };
  if (s.charCodeAt(i) === 0x2d) i++;
  const c = s.charCodeAt(i);
  if (c === 0x30) i++;
  else if (c >= 0x31 && c <= 0x39) i = digits(i + 1);
  else return -1;
  if (s.charCodeAt(i) === 0x2e) {
    const j = digits(i + 1);
    if (j === i + 1) return -1;
    i = j;
  }
  const e = s.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = s.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i++;
    const j = digits(i);
    if (j === i) return -1;
    i = j;
  }
  return i;
}

const DIR_TEXT = '","text":"';

/**
 * The line as written by encodeEntry for text data, `{"t":<number|null>,"dir":"tx|rx","text":"…"}`
 * and nothing else, read without building an object; null for any other line (which then takes
 * the general path: same result, same errors).
 */
function fastEntry(line: string): TranscriptEntry | null {
  if (!line.startsWith('{"t":')) return null;
  let t: number | null;
  let i: number;
  if (line.startsWith('null', 5)) {
    t = null;
    i = 9;
  } else {
    i = jsonNumberEnd(line, 5);
    if (i < 0) return null;
    t = Number(line.slice(5, i));
    if (!(Number.isFinite(t) && t >= 0)) return null;
  }
  if (!line.startsWith(',"dir":"', i)) return null;
  i += 8;
  let dir: 'tx' | 'rx';
  if (line.startsWith('tx', i)) dir = 'tx';
  else if (line.startsWith('rx', i)) dir = 'rx';
  else return null;
  i += 2;
  if (!line.startsWith(DIR_TEXT, i)) return null;
  i += DIR_TEXT.length;
  const end = line.length - 2;
  if (end < i || line.charCodeAt(end) !== 0x22 || line.charCodeAt(end + 1) !== 0x7d) return null;
  let text: unknown;
  try {
    // the string literal alone: a `"` inside that is not escaped makes it fail, so the line is
    // exactly one object with these three members
    text = JSON.parse(line.slice(i - 1, end + 1));
  } catch {
    return null;
  }
  if (typeof text !== 'string') return null;
  return { t, dir, data: Buffer.from(text, 'utf8') };
}

/**
 * An entry scanEntry read: an ordinary data entry (its own properties are those of any data
 * entry) that also knows, privately, that its bytes are valid UTF-8 (and whether they are
 * ASCII), so that a reader of text (the decoder) can have their text without checking them
 * (`scannedText`). A copy of the entry, or the entry once its `data` was replaced, has no text.
 */
class ScannedEntry implements DataEntry {
  t: number | null;
  dir: 'tx' | 'rx';
  data: Buffer;
  readonly #bytes: Buffer;
  readonly #ascii: boolean;

  constructor(t: number | null, dir: 'tx' | 'rx', data: Buffer, ascii: boolean) {
    this.t = t;
    this.dir = dir;
    this.data = data;
    this.#bytes = data;
    this.#ascii = ascii;
  }

  static textOf(e: TranscriptEntry): string | undefined {
    if (!(#bytes in e) || e.data !== e.#bytes) return undefined;
    const b = e.#bytes;
    // the bytes may have been written over in place since they were read (a caller's sink): the
    // read's verdict is checked again, natively and without a copy; bytes no longer valid UTF-8
    // have no text (the caller reads their bytes)
    if (e.#ascii && isAscii(b)) return b.toString('latin1');
    return isUtf8Bytes(b) ? b.toString('utf8') : undefined;
  }
}

/**
 * The text of an entry read by scanEntry / decodeEntryBytes (its bytes are exactly that text's
 * UTF-8, and it is well formed), decoded when asked; undefined for any other entry (the caller
 * reads its bytes).
 */
export function scannedText(e: TranscriptEntry): string | undefined {
  return ScannedEntry.textOf(e);
}

/** 10^0 … 10^15: exact doubles. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** `,"dir":"` */
const DIR_OPEN = [0x2c, 0x22, 0x64, 0x69, 0x72, 0x22, 0x3a, 0x22];
/** `","text":"` */
const TEXT_OPEN = [0x22, 0x2c, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22];

/** The value of a hex digit byte, or -1. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  c |= 0x20;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * An entry read straight from bytes, without decoding them to a string: the exact shape
 * encodeEntry writes for text data, `{"t":<number|null>,"dir":"tx|rx","text":"…"}`, from
 * `b[start]` up to `limit` at most; `cur.next` is set to the index after its `}`. Returns
 * exactly what decodeEntry returns for the same line decoded as UTF-8, or null when the bytes
 * are anything else (the caller then decodes the line as a string and takes decodeEntry: same
 * result, same errors). The caller checks what follows the `}` (the line's end).
 *
 * Exactness: `t` is taken only when it has at most 15 digits and no exponent, so its digits are
 * an exact integer m < 2^53 and t = m / 10^k is one correctly rounded division of two exact
 * doubles, the double JSON.parse gives (a minus sign, an exponent, more digits: null). The text
 * is copied with its escapes resolved; a `\u` escape above U+007F, a raw control character, or
 * bytes that are not valid UTF-8 give null (those need the string path's surrogate and
 * replacement-character rules).
 */
export function scanEntry(b: Buffer, start: number, limit: number, cur: { next: number }): DataEntry | null {
  // {"t": plus the shortest rest: 0,"dir":"tx","text":""}
  if (limit - start < 28) return null;
  if (b[start] !== 0x7b || b[start + 1] !== 0x22 || b[start + 2] !== 0x74 || b[start + 3] !== 0x22 || b[start + 4] !== 0x3a) return null;
  let i = start + 5;
  let t: number | null;
  let c = b[i]!;
  if (c === 0x6e) {
    if (b[i + 1] !== 0x75 || b[i + 2] !== 0x6c || b[i + 3] !== 0x6c) return null;
    t = null;
    i += 4;
  } else {
    let m = 0;
    let digits = 0;
    if (c === 0x30) {
      i++;
      digits = 1;
    } else if (c >= 0x31 && c <= 0x39) {
      while (i < limit && c >= 0x30 && c <= 0x39) {
        m = m * 10 + (c - 0x30);
        digits++;
        c = b[++i]!;
      }
    } else return null;
    let frac = 0;
    if (i < limit && b[i] === 0x2e) {
      const f0 = ++i;
      c = b[i]!;
      while (i < limit && c >= 0x30 && c <= 0x39) {
        m = m * 10 + (c - 0x30);
        c = b[++i]!;
      }
      frac = i - f0;
      if (frac === 0) return null;
      digits += frac;
    }
    if (digits > 15) return null;
    t = frac === 0 ? m : m / POW10[frac]!;
  }
  // the fixed members: 8 + 2 + 10 bytes, then at least the closing `"}`
  if (limit - i < 22) return null;
  for (let k = 0; k < 8; k++) if (b[i + k] !== DIR_OPEN[k]) return null;
  i += 8;
  c = b[i]!;
  let dir: 'tx' | 'rx';
  if (c === 0x74) dir = 'tx';
  else if (c === 0x72) dir = 'rx';
  else return null;
  if (b[i + 1] !== 0x78) return null;
  i += 2;
  for (let k = 0; k < 10; k++) if (b[i + k] !== TEXT_OPEN[k]) return null;
  i += 10;
  // first pass: where the string ends, whether it is all in the shape, and its length unescaped
  let j = i;
  let saved = 0;
  let high = false;
  for (;;) {
    if (j >= limit) return null;
    c = b[j]!;
    if (c === 0x22) break;
    if (c >= 0x20 && c !== 0x5c) {
      if (c >= 0x80) high = true;
      j++;
      continue;
    }
    // a raw control character is not JSON (and a raw line end ends the line)
    if (c !== 0x5c || j + 1 >= limit) return null;
    c = b[j + 1]!;
    if (c === 0x75) {
      if (j + 5 >= limit || b[j + 2] !== 0x30 || b[j + 3] !== 0x30) return null;
      const h2 = b[j + 4]!;
      if (h2 < 0x30 || h2 > 0x37 || hexValue(b[j + 5]!) < 0) return null;
      saved += 5;
      j += 6;
    } else if (c === 0x22 || c === 0x5c || c === 0x2f || c === 0x6e || c === 0x72 || c === 0x74 || c === 0x62 || c === 0x66) {
      saved += 1;
      j += 2;
    } else return null;
  }
  const q = j;
  if (q + 1 >= limit || b[q + 1] !== 0x7d) return null;
  // valid UTF-8 text holds its multi-byte sequences whole between escapes (which are ASCII), so
  // the text is valid exactly when its bytes are
  if (high && !isUtf8Bytes(b.subarray(i, q))) return null;
  const out = Buffer.allocUnsafe(q - i - saved);
  if (saved === 0) b.copy(out, 0, i, q);
  else {
    let o = 0;
    for (j = i; j < q; j++) {
      c = b[j]!;
      if (c !== 0x5c) {
        out[o++] = c;
        continue;
      }
      c = b[++j]!;
      if (c === 0x6e) out[o++] = 0x0a;
      else if (c === 0x72) out[o++] = 0x0d;
      else if (c === 0x74) out[o++] = 0x09;
      else if (c === 0x62) out[o++] = 0x08;
      else if (c === 0x66) out[o++] = 0x0c;
      else if (c === 0x75) {
        out[o++] = ((b[j + 3]! - 0x30) << 4) | hexValue(b[j + 4]!);
        j += 4;
      } else out[o++] = c;
    }
  }
  cur.next = q + 2;
  // valid UTF-8 (checked above when not ASCII): its text is well formed and encodes back to it
  return new ScannedEntry(t, dir, out, !high);
}

const scratchCursor = { next: 0 };

/** scanEntry on one whole line `b[start, end)` (its terminator removed): the entry, or null when the line is not in the fast shape. */
export function decodeEntryBytes(b: Buffer, start: number, end: number): DataEntry | null {
  const e = scanEntry(b, start, end, scratchCursor);
  return e !== null && scratchCursor.next === end ? e : null;
}

/** Parse and validate one entry line. */
export function decodeEntry(line: string, where: string): TranscriptEntry {
  const fast = fastEntry(line);
  if (fast !== null) return fast;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    fail(where, 'not valid JSON (a truncated or edited line?)');
  }
  if (!isObject(v)) fail(where, 'an entry must be a JSON object');
  const t = v['t'];
  if (!(t === null || (typeof t === 'number' && Number.isFinite(t) && t >= 0))) fail(where, '"t" must be a non-negative number of seconds or null');
  const dir = v['dir'];
  if (dir === 'note') {
    if (typeof v['text'] !== 'string') fail(where, 'a note needs "text"');
    return { t, dir, text: v['text'] };
  }
  if (dir !== 'tx' && dir !== 'rx') fail(where, '"dir" must be "tx", "rx" or "note"');
  let data: Buffer;
  if (typeof v['text'] === 'string') data = Buffer.from(v['text'], 'utf8');
  else if (typeof v['b64'] === 'string') {
    const s = v['b64'];
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) fail(where, '"b64" is not valid base64');
    data = Buffer.from(s, 'base64');
  } else fail(where, 'an entry needs "text" or "b64"');
  const entry: TranscriptEntry = { t, dir, data };
  const r = v['redact'];
  if (r !== undefined) {
    if (!Array.isArray(r)) fail(where, '"redact" must be an array');
    const spans: Redaction[] = [];
    for (const s of r) {
      if (!isObject(s) || !Number.isInteger(s['at']) || !Number.isInteger(s['len']) || typeof s['tag'] !== 'string') {
        fail(where, 'each "redact" span needs integer "at", "len" and a "tag"');
      }
      const span = { at: s['at'] as number, len: s['len'] as number, tag: s['tag'] as string };
      if (span.at < 0 || span.len < 0 || span.at + span.len > data.length) fail(where, 'a "redact" span lies outside the entry bytes');
      spans.push(span);
    }
    entry.redact = spans;
  }
  return entry;
}
