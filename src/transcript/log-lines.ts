import { isAscii } from 'node:buffer';
import { linesOf, type LineDecoder, type LineSink, type RawLine } from '../recording/reader.js';

const CR = 0x0d;
const LF = 0x0a;

/** Bytes decoded at once on the fast path (whole lines; a longer line is one block). */
const BLOCK = 16 * 1024;

const utf8: LineDecoder = (b, end) => b.toString('utf8', 0, end);

/**
 * Split the bytes of a pasted text log into lines, synchronously (`push` each chunk, `end` at the
 * end; each line goes to the sink at once): CRLF, LF or a lone CR end a line (old Mac editors,
 * some terminals and serial tools save CR only; a mixed file is common after copy and paste). A
 * CRLF split across two chunks is one line end. Lines longer than `maxLine` bytes are cut there
 * (the rest continues as the next line) so memory stays bounded. CR and LF bytes are never part
 * of a multi-byte character in UTF-8 or GBK, so cutting at them is safe; in UTF-8 the complete
 * lines of a chunk are decoded in one go and then cut (each reads as it would decoded alone).
 */
export class LogLineSplitter {
  #carry: Buffer[] = [];
  #carryLen = 0;
  #no = 0;
  /** the previous chunk ended with CR: an LF first in this one belongs to it */
  #afterCr = false;
  readonly #sink: LineSink;
  readonly #decode: LineDecoder;
  readonly #maxLine: number;
  readonly #whole: boolean;

  constructor(sink: LineSink, decode: LineDecoder = utf8, maxLine = 16 * 1024 * 1024) {
    this.#sink = sink;
    this.#decode = decode;
    this.#maxLine = maxLine;
    this.#whole = decode === utf8;
  }

  #line(b: Buffer, terminated: boolean): void {
    this.#sink(this.#decode(b, b.length), ++this.#no, terminated);
  }

  push(c: Buffer | string): void {
    const chunk = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
    let pos = 0;
    if (this.#afterCr && chunk.length > 0 && chunk[0] === LF) pos = 1;
    this.#afterCr = false;
    const n = chunk.length;
    if (this.#whole && this.#carryLen === 0) {
      // the complete lines of the chunk, decoded a block of whole lines at a time (a line's text
      // is a slice of its block's: small blocks, so that a line kept somewhere keeps little alive)
      const last = Math.max(chunk.lastIndexOf(CR), chunk.lastIndexOf(LF));
      while (pos <= last) {
        let to = last;
        if (last - pos > BLOCK) {
          to = Math.max(chunk.lastIndexOf(CR, pos + BLOCK), chunk.lastIndexOf(LF, pos + BLOCK));
          if (to < pos) {
            const cr = chunk.indexOf(CR, pos + BLOCK);
            const lf = chunk.indexOf(LF, pos + BLOCK);
            to = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
          }
        }
        const block = chunk.subarray(pos, to + 1);
        const str = isAscii(block) ? block.toString('latin1') : block.toString('utf8');
        const sink = this.#sink;
        const len = str.length;
        let a = 0;
        let cr = str.indexOf('\r');
        let lf = str.indexOf('\n');
        while (a < len) {
          if (cr >= 0 && cr < a) cr = str.indexOf('\r', a);
          if (lf >= 0 && lf < a) lf = str.indexOf('\n', a);
          const i = cr < 0 ? lf : lf < 0 || cr < lf ? cr : lf;
          sink(str.slice(a, i), ++this.#no, true);
          a = i === cr && str.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
        }
        pos = to + 1;
        // a CR that ends the block: an LF right after it is the same line end
        if (chunk[to] === CR) {
          if (pos < n) {
            if (chunk[pos] === LF) pos++;
          } else this.#afterCr = true;
        }
      }
    }
    while (pos < n) {
      let i = pos;
      // find the next CR or LF
      while (i < n) {
        const b = chunk[i]!;
        if (b === CR || b === LF) break;
        i++;
      }
      if (i >= n) break;
      let bytes: Buffer;
      if (this.#carryLen > 0) {
        this.#carry.push(chunk.subarray(pos, i));
        bytes = Buffer.concat(this.#carry, this.#carryLen + (i - pos));
        this.#carry = [];
        this.#carryLen = 0;
      } else bytes = chunk.subarray(pos, i);
      this.#line(bytes, true);
      if (chunk[i] === CR) {
        if (i + 1 < n) pos = chunk[i + 1] === LF ? i + 2 : i + 1;
        else {
          this.#afterCr = true;
          pos = n;
        }
      } else pos = i + 1;
      if (this.#whole && this.#carryLen === 0 && pos < n) {
        // the carried line is done: the rest of the chunk takes the fast path
        this.push(chunk.subarray(pos));
        return;
      }
    }
    if (pos < n) {
      this.#carry.push(chunk.subarray(pos));
      this.#carryLen += n - pos;
      if (this.#carryLen > this.#maxLine) {
        const all = Buffer.concat(this.#carry, this.#carryLen);
        this.#carry = [];
        this.#carryLen = 0;
        this.#line(all, true);
      }
    }
  }

  end(): void {
    if (this.#carryLen === 0) return;
    const all = Buffer.concat(this.#carry, this.#carryLen);
    this.#carry = [];
    this.#carryLen = 0;
    this.#line(all, false);
  }
}

/** The lines of a pasted text log (see LogLineSplitter) as an async generator. */
export function readLogLines(stream: AsyncIterable<Buffer | string>, decode: LineDecoder = utf8, maxLine = 16 * 1024 * 1024): AsyncGenerator<RawLine> {
  return linesOf(stream, (sink) => new LogLineSplitter(sink, decode, maxLine));
}
