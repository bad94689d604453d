import { CatError } from '../util/errors.js';
import { isUtf8 } from '../util/utf8.js';
import { TRANSCRIPT_KINDS, TRANSCRIPT_VERSION, type Redaction, type TranscriptEntry, type TranscriptHeader, type TranscriptKind } from './types.js';

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
