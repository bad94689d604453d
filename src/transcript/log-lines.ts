import type { LineDecoder, RawLine } from './reader.js';

const CR = 0x0d;
const LF = 0x0a;

const utf8: LineDecoder = (b, end) => b.toString('utf8', 0, end);

/**
 * Split the bytes of a pasted text log into lines: CRLF, LF or a lone CR end a line (old Mac
 * editors, some terminals and serial tools save CR only; a mixed file is common after copy and
 * paste). A CRLF split across two chunks is one line end. Lines longer than `maxLine` bytes are
 * cut there (the rest continues as the next line) so memory stays bounded. CR and LF bytes are
 * never part of a multi-byte character in UTF-8 or GBK, so cutting at them is safe.
 */
export async function* readLogLines(stream: AsyncIterable<Buffer | string>, decode: LineDecoder = utf8, maxLine = 16 * 1024 * 1024): AsyncGenerator<RawLine> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  let no = 0;
  /** the previous chunk ended with CR: an LF first in this one belongs to it */
  let afterCr = false;
  const line = (b: Buffer, terminated: boolean): RawLine => {
    no++;
    return { no, text: decode(b, b.length), terminated };
  };
  for await (const c of stream) {
    const chunk = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
    let pos = 0;
    if (afterCr && chunk.length > 0 && chunk[0] === LF) pos = 1;
    afterCr = false;
    const n = chunk.length;
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
      if (carryLen > 0) {
        carry.push(chunk.subarray(pos, i));
        bytes = Buffer.concat(carry, carryLen + (i - pos));
        carry = [];
        carryLen = 0;
      } else bytes = chunk.subarray(pos, i);
      yield line(bytes, true);
      if (chunk[i] === CR) {
        if (i + 1 < n) pos = chunk[i + 1] === LF ? i + 2 : i + 1;
        else {
          afterCr = true;
          pos = n;
        }
      } else pos = i + 1;
    }
    if (pos < n) {
      carry.push(chunk.subarray(pos));
      carryLen += n - pos;
      if (carryLen > maxLine) {
        const all = Buffer.concat(carry, carryLen);
        carry = [];
        carryLen = 0;
        yield line(all, true);
      }
    }
  }
  if (carryLen > 0) yield line(Buffer.concat(carry, carryLen), false);
}
