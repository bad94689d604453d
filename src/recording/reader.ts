import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { CatError } from '../util/errors.js';
import { decodeEntry, decodeEntryBytes, decodeHeader } from './format.js';
import type { TranscriptEntry, TranscriptHeader } from './types.js';

export interface RawLine {
  /** 1-based line number */
  no: number;
  text: string;
  /** false for a last line without its newline */
  terminated: boolean;
}

/** Decode one line's bytes. Default UTF-8; a log saved by SSCOM is GBK. */
export type LineDecoder = (bytes: Buffer, end: number) => string;

const utf8Line: LineDecoder = (b, end) => b.toString(undefined, 0, end);

/** A decoder for a legacy encoding (e.g. 'gbk'), through the WHATWG TextDecoder. */
export function textDecoderLine(encoding: string): LineDecoder {
  const td = new TextDecoder(encoding);
  return (b, end) => td.decode(b.subarray(0, end));
}

/**
 * Bytes read from a file at a time (decode, replay). Not 1 MiB: a read buffer lives outside the
 * JS heap, and one that outlives two young-generation collections (processing 1 MiB of a log
 * allocates far more than that) is freed only at the next full collection, so 20–30 dead 1 MiB
 * chunks sat in memory at times (peak RSS of `decode --json` of a 128 MiB transcript 119 MiB, of a
 * 1 GiB one 125–148 MiB). A 64 KiB chunk is done with before it is promoted: 100 MiB at 128 MiB,
 * the same CPU time and output.
 */
export const READ_CHUNK = 64 * 1024;

/** Bytes decoded at once by readLines (whole lines). */
const BLOCK = 16 * 1024;

/** Receives one line: its text (terminator removed), its 1-based number, false for a last line without its newline. */
export type LineSink = (text: string, no: number, terminated: boolean) => void;

/** The bytes of a line not finished yet, held between chunks, bounded by the longest line allowed. */
class Carry {
  #parts: Buffer[] = [];
  #len = 0;
  readonly #max: number;

  constructor(maxLine: number) {
    this.#max = maxLine;
  }

  get length(): number {
    return this.#len;
  }

  /** Hold the rest of a chunk; `no` is the number the line will have (named by the error). */
  hold(part: Buffer, no: number): void {
    this.#parts.push(part);
    this.#len += part.length;
    if (this.#len > this.#max) throw new CatError('ERR_INPUT', `line ${no} is longer than ${this.#max} bytes`);
  }

  /** The held bytes, then `tail` (the line's end from the next chunk), as one buffer; the carry is empty after. */
  take(tail?: Buffer): Buffer {
    if (tail) this.#parts.push(tail);
    const line = Buffer.concat(this.#parts, this.#len + (tail?.length ?? 0));
    this.#parts = [];
    this.#len = 0;
    return line;
  }
}

/** Where a line's text ends: before a CR that precedes its (removed) LF. */
function crEnd(line: Buffer): number {
  const end = line.length;
  return end > 0 && line[end - 1] === 0x0d ? end - 1 : end;
}

/**
 * Split bytes into lines (LF, optional CR before it), synchronously: `push` each chunk as it is
 * read, `end` at the end; every complete line goes to the sink at once, in order. Fast (the
 * complete lines of a chunk are decoded in blocks) and with bounded memory per line.
 */
export class LineSplitter {
  readonly #carry: Carry;
  #no = 0;
  readonly #sink: LineSink;
  readonly #decode: LineDecoder;
  /** UTF-8: the complete lines of a chunk are decoded in one go, then cut at each LF (an LF byte
   * is never part of a multi-byte sequence, so each line reads as it would decoded alone) */
  readonly #whole: boolean;

  constructor(sink: LineSink, maxLine = 64 * 1024 * 1024, decode: LineDecoder = utf8Line) {
    this.#sink = sink;
    this.#carry = new Carry(maxLine);
    this.#decode = decode;
    this.#whole = decode === utf8Line;
  }

  push(c: Buffer | string): void {
    const chunk = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
    const sink = this.#sink;
    let pos = 0;
    const last = this.#whole ? chunk.lastIndexOf(0x0a) : -1;
    for (;;) {
      if (this.#carry.length === 0 && last >= pos) {
        // in blocks of whole lines, so that one non-ASCII character does not make the text of
        // the whole chunk two bytes a character
        while (pos <= last) {
          let to = pos + BLOCK >= last ? last : chunk.lastIndexOf(0x0a, pos + BLOCK);
          if (to < pos) to = chunk.indexOf(0x0a, pos + BLOCK);
          const block = chunk.subarray(pos, to + 1);
          const str = isAscii(block) ? block.toString('latin1') : block.toString();
          let a = 0;
          for (;;) {
            const lf = str.indexOf('\n', a);
            if (lf < 0) break;
            let end = lf;
            if (end > a && str.charCodeAt(end - 1) === 0x0d) end--;
            sink(str.slice(a, end), ++this.#no, true);
            a = lf + 1;
          }
          pos = to + 1;
        }
        break;
      }
      const lf = chunk.indexOf(0x0a, pos);
      if (lf < 0) break;
      const line = this.#carry.length > 0 ? this.#carry.take(chunk.subarray(pos, lf)) : chunk.subarray(pos, lf);
      pos = lf + 1;
      sink(this.#decode(line, crEnd(line)), ++this.#no, true);
    }
    if (pos < chunk.length) this.#carry.hold(chunk.subarray(pos), this.#no + 1);
  }

  end(): void {
    if (this.#carry.length === 0) return;
    const line = this.#carry.take();
    this.#sink(this.#decode(line, crEnd(line)), ++this.#no, false);
  }
}

/** Receives one line as bytes: `buf[start, end)` (terminator removed), its 1-based number, false for a last line without its newline. */
export type ByteLineSink = (buf: Buffer, start: number, end: number, no: number, terminated: boolean) => void;

/**
 * LineSplitter's lines (LF, optional CR before it, same numbers, same limit), handed over as
 * byte ranges of the chunk instead of strings: for a reader that parses the bytes itself and
 * decodes a line to text only when it must (`lineText`). A line split across chunks is joined
 * into a buffer of its own.
 */
export class ByteLineSplitter {
  /**
   * Reads a whole line at `pos` itself when it can (line number `no`): returns the index after
   * its LF, or -1 to have it split and handed to the sink as usual. Only for lines complete in
   * the chunk.
   */
  fast: ((buf: Buffer, pos: number, no: number) => number) | null = null;
  readonly #carry: Carry;
  #no = 0;
  readonly #sink: ByteLineSink;

  constructor(sink: ByteLineSink, maxLine = 64 * 1024 * 1024) {
    this.#sink = sink;
    this.#carry = new Carry(maxLine);
  }

  push(c: Buffer | string): void {
    const chunk = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
    const sink = this.#sink;
    let pos = 0;
    if (this.#carry.length > 0) {
      const lf = chunk.indexOf(0x0a);
      if (lf >= 0) {
        const line = this.#carry.take(chunk.subarray(0, lf));
        pos = lf + 1;
        sink(line, 0, crEnd(line), ++this.#no, true);
      }
    }
    if (this.#carry.length === 0) {
      const fast = this.fast;
      for (;;) {
        if (fast !== null && pos < chunk.length) {
          const next = fast(chunk, pos, this.#no + 1);
          if (next >= 0) {
            this.#no++;
            pos = next;
            continue;
          }
        }
        const lf = chunk.indexOf(0x0a, pos);
        if (lf < 0) break;
        let end = lf;
        if (end > pos && chunk[end - 1] === 0x0d) end--;
        sink(chunk, pos, end, ++this.#no, true);
        pos = lf + 1;
      }
    }
    if (pos < chunk.length) this.#carry.hold(pos === 0 ? chunk : chunk.subarray(pos), this.#no + 1);
  }

  end(): void {
    if (this.#carry.length === 0) return;
    const line = this.#carry.take();
    this.#sink(line, 0, crEnd(line), ++this.#no, false);
  }
}

/** A line's text as LineSplitter gives it (UTF-8; a line end byte is never inside a character, so a line decodes alone as within its block). */
export function lineText(buf: Buffer, start: number, end: number): string {
  return buf.toString('utf8', start, end);
}

/**
 * Lines of a chunked source as an async generator, from a synchronous splitter: the lines a
 * chunk completes, then (when the chunk failed, e.g. an overlong line) its error.
 */
export async function* linesOf(stream: AsyncIterable<Buffer | string>, make: (sink: LineSink) => { push(c: Buffer | string): void; end(): void }): AsyncGenerator<RawLine> {
  const got: RawLine[] = [];
  const splitter = make((text, no, terminated) => void got.push({ no, text, terminated }));
  const drain = function* (): Generator<RawLine> {
    for (let i = 0; i < got.length; i++) yield got[i]!;
    got.length = 0;
  };
  for await (const c of stream) {
    try {
      splitter.push(c);
    } catch (err) {
      yield* drain();
      throw err;
    }
    yield* drain();
  }
  splitter.end();
  yield* drain();
}

/** Split a byte stream into lines (LF, optional CR before it), fast and with bounded memory per line. */
export function readLines(stream: AsyncIterable<Buffer | string>, maxLine = 64 * 1024 * 1024, decode: LineDecoder = utf8Line): AsyncGenerator<RawLine> {
  return linesOf(stream, (sink) => new LineSplitter(sink, maxLine, decode));
}

export interface TranscriptReadWarning {
  line: number;
  message: string;
}

/** A line as ByteLineSplitter hands it over. */
interface ByteLine {
  buf: Buffer;
  start: number;
  end: number;
  no: number;
  terminated: boolean;
}

/**
 * Read a transcript as a stream of entries. The header is validated first; a broken entry
 * line is an ERR_TRANSCRIPT_FORMAT naming the file and line, except an incomplete last
 * line (a recording cut by a kill), which becomes a warning. The lines of each chunk read are
 * split at once (no async step per line); entry lines in cat1's own shape are read from their
 * bytes (decodeEntryBytes), the others through decodeEntry.
 */
export class TranscriptReader {
  header: TranscriptHeader | null = null;
  readonly warnings: TranscriptReadWarning[] = [];
  readonly #name: string;
  readonly #chunks: AsyncIterator<Buffer | string>;
  readonly #splitter: ByteLineSplitter;
  /** lines split and not yet read, from #at on */
  #lines: ByteLine[] = [];
  #at = 0;
  #done = false;
  /** the error splitting the last chunk raised, thrown once the lines before it are read */
  #error: unknown = null;

  constructor(stream: AsyncIterable<Buffer | string>, name: string) {
    this.#name = name;
    this.#chunks = stream[Symbol.asyncIterator]();
    this.#splitter = new ByteLineSplitter((buf, start, end, no, terminated) => void this.#lines.push({ buf, start, end, no, terminated }));
  }

  static fromFile(path: string): TranscriptReader {
    return new TranscriptReader(createReadStream(path, { highWaterMark: READ_CHUNK }) as Readable, path);
  }

  /** The next line, reading chunks as needed; null at the end. */
  async #next(): Promise<ByteLine | null> {
    while (this.#at >= this.#lines.length) {
      this.#lines = [];
      this.#at = 0;
      if (this.#error !== null) {
        const err = this.#error;
        this.#error = null;
        throw err;
      }
      if (this.#done) return null;
      const r = await this.#chunks.next();
      try {
        if (r.done) {
          this.#done = true;
          this.#splitter.end();
        } else this.#splitter.push(r.value);
      } catch (err) {
        this.#error = err;
      }
    }
    return this.#lines[this.#at++]!;
  }

  /** Read and return the header (idempotent). */
  async readHeader(): Promise<TranscriptHeader> {
    if (this.header) return this.header;
    for (;;) {
      const l = await this.#next();
      if (l === null) throw new CatError('ERR_TRANSCRIPT_FORMAT', `${this.#name}: empty file, not a transcript`);
      const text = lineText(l.buf, l.start, l.end);
      if (text.trim() === '') continue;
      this.header = decodeHeader(text, `${this.#name}:${l.no}`);
      return this.header;
    }
  }

  async *entries(): AsyncGenerator<TranscriptEntry> {
    await this.readHeader();
    for (;;) {
      const l = await this.#next();
      if (l === null) return;
      const fast = decodeEntryBytes(l.buf, l.start, l.end);
      if (fast !== null) {
        yield fast;
        continue;
      }
      const text = lineText(l.buf, l.start, l.end);
      if (text.trim() === '') continue;
      let e: TranscriptEntry;
      try {
        e = decodeEntry(text, `${this.#name}:${l.no}`);
      } catch (err) {
        if (!l.terminated) {
          this.warnings.push({ line: l.no, message: 'the last line is incomplete (the recording was interrupted); it was skipped' });
          return;
        }
        throw err;
      }
      yield e;
    }
  }
}

/** Read a whole transcript held in memory. */
export function parseTranscript(text: string, name = 'transcript'): { header: TranscriptHeader; entries: TranscriptEntry[]; warnings: TranscriptReadWarning[] } {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  if (i >= lines.length) throw new CatError('ERR_TRANSCRIPT_FORMAT', `${name}: empty, not a transcript`);
  const header = decodeHeader(lines[i]!.replace(/\r$/, ''), `${name}:${i + 1}`);
  const entries: TranscriptEntry[] = [];
  const warnings: TranscriptReadWarning[] = [];
  for (let j = i + 1; j < lines.length; j++) {
    const l = lines[j]!.replace(/\r$/, '');
    if (l.trim() === '') continue;
    try {
      entries.push(decodeEntry(l, `${name}:${j + 1}`));
    } catch (err) {
      const last = j === lines.length - 1; // no newline after it
      if (last) {
        warnings.push({ line: j + 1, message: 'the last line is incomplete (the recording was interrupted); it was skipped' });
        break;
      }
      throw err;
    }
  }
  return { header, entries, warnings };
}
