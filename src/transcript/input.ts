import { isUtf8 } from 'node:buffer';
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { CatError } from '../util/errors.js';
import { decodeEntry, decodeEntryBytes, decodeHeader, scanEntry } from '../recording/format.js';
import { ByteLineSplitter, lineText, READ_CHUNK, textDecoderLine, type ByteLineSink } from '../recording/reader.js';
import { LogLineSplitter } from './log-lines.js';
import { lazyTextEntries, looksLikeAtLog, TextLogImporter } from './import.js';
import type { TranscriptEntry, TranscriptHeader } from '../recording/types.js';

export interface SessionInput {
  /** 'transcript' (cat1 JSON Lines) or 'text-log' (pasted from a serial terminal) */
  format: 'transcript' | 'text-log';
  header: TranscriptHeader | null;
  entries: AsyncGenerator<TranscriptEntry>;
  /**
   * The synchronous core: every entry goes to `sink` as soon as the chunk that completes it is
   * read; `between` is awaited once per chunk read (64 KiB from a file: the place for stdout's
   * backpressure and a progress bar). No await per line or per entry. Use either this or
   * `entries`, once. With `lazyData` (what `cat1 decode` asks for: its decoder reads an imported
   * entry's text, not its bytes), the data entries of a text log make their bytes when `data` is
   * read, an accessor on their class: a spread or JSON.stringify of such an entry does not copy
   * it. Without it, every entry is a plain object.
   */
  pump(sink: (e: TranscriptEntry) => void, between?: () => Promise<void> | void, opts?: { lazyData?: boolean }): Promise<void>;
  /** warnings collected while reading (line numbers); complete once entries are exhausted */
  warnings: Array<{ line: number; message: string }>;
  /** whether entries carry times */
  timed(): boolean;
  /** bytes read from the file so far (for a progress bar) */
  bytesRead(): number;
  /** the file's size in bytes, or null for stdin */
  size: number | null;
}

const SNIFF = 64 * 1024;

function countBad(text: string): number {
  let bad = 0;
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) bad++;
  return bad;
}

const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

/**
 * Whether the bytes decode as UTF-8 without a U+FFFD (countBad of their text is 0), told without
 * decoding them when it can: valid UTF-8 decodes without replacements, so only a literal U+FFFD
 * in it (EF BF BD) needs the text. Decoding a 1 MiB first chunk costs tens of ms.
 */
function noBadUtf8(b: Buffer): boolean {
  if (isUtf8(b) && b.indexOf(REPLACEMENT) < 0) return true;
  return countBad(b.toString('utf8')) === 0;
}

/** ASCII whitespace as String.prototype.trim sees it (TAB, LF, VT, FF, CR, space). */
const asciiSpace = (b: number): boolean => b === 0x20 || (b >= 0x09 && b <= 0x0d);

/**
 * The first character of the UTF-8 text after a BOM and leading whitespace (as
 * `text.replace(/^\uFEFF/, '').trimStart()[0]`), when it is ASCII and found by looking at the
 * bytes; undefined when the text must be decoded to tell (non-ASCII whitespace, or nothing but
 * whitespace).
 */
function firstAsciiChar(b: Buffer): string | undefined {
  let i = 0;
  for (;;) {
    if (i >= b.length) return undefined;
    const c = b[i]!;
    if (asciiSpace(c)) i++;
    else if (c === 0xef && b[i + 1] === 0xbb && b[i + 2] === 0xbf) i += 3; // U+FEFF, which trimStart also strips
    else return c < 0x80 ? String.fromCharCode(c) : undefined;
  }
}

/**
 * Serial terminals on Chinese Windows (SSCOM, XCOM) save logs in GBK. When the sample is not
 * UTF-8 but reads cleanly as GBK, that is the encoding.
 */
export function sniffEncoding(sample: Buffer): 'utf8' | 'gbk' {
  // cut at the last line end so a character split at the end of the sample does not count
  const lf = Math.max(sample.lastIndexOf(0x0a), sample.lastIndexOf(0x0d));
  const cut = lf > 0 ? sample.subarray(0, lf + 1) : sample;
  if (noBadUtf8(cut)) return 'utf8';
  // lines with binary junk (power-up noise) read badly in any encoding: judge by the others
  const s = textLines(cut);
  if (s.length === 0) return 'utf8';
  const u = countBad(s.toString('utf8'));
  if (u === 0) return 'utf8';
  try {
    const g = countBad(new TextDecoder('gbk').decode(s));
    if (g === 0 || g * 4 < u) return 'gbk';
  } catch {
    // no ICU data for GBK in this Node build
  }
  return 'utf8';
}

/** The lines of a sample without control bytes or 0xFF (junk), joined with LF. */
function textLines(sample: Buffer): Buffer {
  const keep: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= sample.length; i++) {
    const b = i < sample.length ? sample[i]! : 0x0a;
    if (b !== 0x0a && b !== 0x0d) continue;
    const line = sample.subarray(start, i);
    start = i + 1;
    let junk = false;
    for (let j = 0; j < line.length; j++) {
      const x = line[j]!;
      if ((x < 0x20 && x !== 0x09 && x !== 0x1a && x !== 0x1b) || x === 0x7f || x === 0xff) {
        junk = true;
        break;
      }
    }
    if (!junk && line.length > 0) keep.push(line, Buffer.from([0x0a]));
  }
  return Buffer.concat(keep);
}

/** Why a sample is not text: null when it is. */
export function binaryReason(sample: Buffer, encoding: 'utf8' | 'gbk' = 'utf8'): string | null {
  if (sample.length === 0) return null;
  let nul = 0;
  let ctrl = 0;
  // an index loop: this runs once, on 64 KiB, before the code is optimised (a for-of over a
  // Buffer costs ~100 ms there)
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i]!;
    if (b === 0) nul++;
    else if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x1a && b !== 0x1b) ctrl++;
  }
  const bad = encoding === 'gbk' ? countBad(new TextDecoder('gbk').decode(sample)) : noBadUtf8(sample) ? 0 : countBad(sample.toString('utf8'));
  const n = sample.length;
  if (nul > n / 100 || ctrl > n / 20 || bad > Math.max(4, n / 50)) {
    return `it holds binary data (${nul} NUL, ${ctrl} control bytes, ${bad} invalid UTF-8 sequences in the first ${n} bytes), not a transcript or a text log`;
  }
  return null;
}

/** Read a stream's first bytes and give back a stream that still yields them. */
async function peek(stream: AsyncIterable<Buffer | string>, counter: { read: number } = { read: 0 }): Promise<{ head: Buffer; rest: AsyncGenerator<Buffer> }> {
  const it = stream[Symbol.asyncIterator]();
  const got: Buffer[] = [];
  let size = 0;
  let finished = false;
  while (size < SNIFF) {
    const r = await it.next();
    if (r.done) {
      finished = true;
      break;
    }
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    got.push(b);
    size += b.length;
  }
  const head = Buffer.concat(got);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) {
      counter.read += head.length;
      yield head;
    }
    if (finished) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
      counter.read += b.length;
      yield b;
    }
  }
  return { head, rest: rest() };
}

/**
 * Open a transcript or a pasted text log (a path, or '-' for stdin), sniffing which it is.
 * Errors are ERR_INPUT / ERR_TRANSCRIPT_FORMAT with a one-line message naming the file.
 */
export async function openSessionInput(path: string, stdin: Readable = process.stdin): Promise<SessionInput> {
  const name = path === '-' ? 'stdin' : path;
  let stream: AsyncIterable<Buffer | string>;
  let size: number | null = null;
  const counter = { read: 0 };
  if (path === '-') stream = stdin;
  else {
    let st;
    try {
      st = statSync(path);
    } catch {
      throw new CatError('ERR_INPUT', `${name}: no such file`);
    }
    if (st.isDirectory()) throw new CatError('ERR_INPUT', `${name}: is a directory, not a file`);
    size = st.size;
    stream = createReadStream(path, { highWaterMark: READ_CHUNK });
  }
  let head: Buffer;
  let rest: AsyncGenerator<Buffer>;
  try {
    ({ head, rest } = await peek(stream, counter));
  } catch (err) {
    throw new CatError('ERR_INPUT', `${name}: cannot read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  // the first chunk may be 64 KiB: its text is decoded only when the bytes do not tell
  const lead = firstAsciiChar(head);
  if (lead === undefined && head.toString('utf8').trim().length === 0) throw new CatError('ERR_INPUT', `${name}: empty, nothing to decode`);
  const encoding = sniffEncoding(head);
  let text: string | undefined;
  const headText = (): string => (text ??= encoding === 'gbk' ? new TextDecoder('gbk').decode(head) : head.toString('utf8'));
  const first = encoding === 'utf8' && lead !== undefined ? lead : headText().replace(/^\uFEFF/, '').trimStart();
  const progress = { bytesRead: () => counter.read, size };
  if (first.startsWith('{')) {
    const bin = binaryReason(head, encoding);
    if (bin) throw new CatError('ERR_INPUT', `${name}: ${bin}`);
    return { ...(await transcriptInput(name, rest)), ...progress };
  }
  // binary junk inside a text log is garbage to report, not a reason to refuse: a file is
  // binary only when no line of it reads as AT traffic
  if (!looksLikeAtLog(headText())) {
    const bin = binaryReason(head, encoding);
    if (bin) throw new CatError('ERR_INPUT', `${name}: ${bin} (and no line of it reads as an AT command, a final result or a URC)`);
    throw new CatError('ERR_INPUT', `${name}: this does not look like an AT log or a cat1 transcript (no line in its first 64 KiB reads as an AT command, a final result or a URC)`);
  }
  return { ...textLogInput(rest, encoding), ...progress };
}

/** A chunked source of entries: `feed` each chunk read, `finish` at the end; entries go to the sink. */
interface EntryCore {
  /** called once when the entries are pumped with lazyData (not read as a generator) */
  pumped?(): void;
  feed(chunk: Buffer, sink: (e: TranscriptEntry) => void): void;
  finish(sink: (e: TranscriptEntry) => void): void;
}

/** Both ways of reading a core: pump (one await per chunk) and an async generator of entries. */
function consume(core: EntryCore, chunks: AsyncGenerator<Buffer>): Pick<SessionInput, 'entries' | 'pump'> {
  async function pump(sink: (e: TranscriptEntry) => void, between?: () => Promise<void> | void, opts?: { lazyData?: boolean }): Promise<void> {
    if (opts?.lazyData === true) core.pumped?.();
    for await (const c of chunks) {
      core.feed(c, sink);
      if (between) await between();
    }
    core.finish(sink);
  }
  async function* entries(): AsyncGenerator<TranscriptEntry> {
    const got: TranscriptEntry[] = [];
    const sink = (e: TranscriptEntry): void => void got.push(e);
    const drain = function* (): Generator<TranscriptEntry> {
      for (let i = 0; i < got.length; i++) yield got[i]!;
      got.length = 0;
    };
    for await (const c of chunks) {
      try {
        core.feed(c, sink);
      } catch (err) {
        yield* drain();
        throw err;
      }
      yield* drain();
    }
    try {
      core.finish(sink);
    } finally {
      yield* drain();
    }
  }
  return { pump, entries: entries() };
}

async function transcriptInput(name: string, chunks: AsyncGenerator<Buffer>): Promise<Omit<SessionInput, 'bytesRead' | 'size'>> {
  // the header first: the lines up to it, read now; the lines after it in the same chunks are
  // kept as they are and decoded with the rest (so a bad entry fails where it did)
  let header: TranscriptHeader | null = null;
  const early: Array<{ buf: Buffer; start: number; end: number; no: number; terminated: boolean }> = [];
  let lineSink: ByteLineSink = (buf, start, end, no, terminated) => {
    if (header !== null) {
      early.push({ buf, start, end, no, terminated });
      return;
    }
    const text = lineText(buf, start, end);
    if (text.trim() === '') return;
    header = decodeHeader(text.replace(/^\uFEFF/, ''), `${name}:${no}`);
  };
  // lines as bytes: an entry in the shape cat1 writes is read from its bytes (scanEntry, which
  // also finds its line end), any other line is decoded to text and read by decodeEntry (same
  // entries, same errors)
  const splitter = new ByteLineSplitter((buf, start, end, no, terminated) => lineSink(buf, start, end, no, terminated));
  let ended = false;
  while (header === null) {
    const r = await chunks.next();
    if (r.done) {
      splitter.end();
      ended = true;
      if (header === null) throw new CatError('ERR_TRANSCRIPT_FORMAT', `${name}: no header line`);
      break;
    }
    splitter.push(r.value);
  }
  const h: TranscriptHeader = header;
  const warnings: SessionInput['warnings'] = [];
  let timed = h.timing !== 'none';
  /** the last line was incomplete and skipped: nothing more is read */
  let stopped = false;
  let out: (e: TranscriptEntry) => void = () => undefined;
  const line: ByteLineSink = (buf, start, end, no, terminated) => {
    if (stopped) return;
    let e: TranscriptEntry | null = decodeEntryBytes(buf, start, end);
    if (e === null) {
      const text = lineText(buf, start, end);
      if (text.trim() === '') return;
      try {
        e = decodeEntry(text, `${name}:${no}`);
      } catch (err) {
        if (!terminated) {
          warnings.push({ line: no, message: 'the last line is incomplete (the recording was interrupted); it was skipped' });
          stopped = true;
          return;
        }
        throw err;
      }
    }
    if (e.t === null) timed = false;
    out(e);
  };
  lineSink = line;
  const cur = { next: 0 };
  splitter.fast = (buf, pos) => {
    if (stopped) return -1;
    const e = scanEntry(buf, pos, buf.length, cur);
    if (e === null) return -1;
    let next = cur.next;
    if (buf[next] === 0x0a) next++;
    else if (buf[next] === 0x0d && buf[next + 1] === 0x0a) next += 2;
    else return -1;
    if (e.t === null) timed = false;
    out(e);
    return next;
  };
  const held = (): void => {
    if (early.length === 0) return;
    const lines = early.splice(0);
    for (const l of lines) line(l.buf, l.start, l.end, l.no, l.terminated);
  };
  const core: EntryCore = {
    feed(chunk, sink) {
      out = sink;
      held();
      if (!stopped) splitter.push(chunk);
    },
    finish(sink) {
      out = sink;
      held();
      if (!ended && !stopped) splitter.end();
    },
  };
  return { format: 'transcript', header: h, ...consume(core, chunks), warnings, timed: () => timed };
}

function textLogInput(chunks: AsyncGenerator<Buffer>, encoding: 'utf8' | 'gbk'): Omit<SessionInput, 'bytesRead' | 'size'> {
  const importer = new TextLogImporter();
  const warnings: SessionInput['warnings'] = [];
  let out: (e: TranscriptEntry) => void = () => undefined;
  const emit = (e: TranscriptEntry): void => out(e);
  const splitter = new LogLineSplitter(
    (text) => importer.feed(text, emit),
    encoding === 'gbk' ? textDecoderLine('gbk') : undefined,
  );
  const core: EntryCore = {
    // the pump's reader (the decoder) takes a text entry's text: its bytes are made only if read
    pumped: () => lazyTextEntries(importer),
    feed(chunk, sink) {
      out = sink;
      splitter.push(chunk);
    },
    finish(sink) {
      out = sink;
      splitter.end();
      for (const e of importer.end()) sink(e);
      warnings.push(...importer.warnings);
    },
  };
  return { format: 'text-log', header: null, ...consume(core, chunks), warnings, timed: () => importer.hasTimes };
}
