import type { PayloadEnd } from '../urc/types.js';
import { CatError } from '../util/errors.js';

/**
 * Recognises the start of a raw multi-line block (the +ECMTRECV payload) and the start of
 * the module's next frame. Supplied by the dialect, so framing knows nothing about ECMT.
 */
export interface RawBlockRule {
  /**
   * Called for each complete line (terminator removed). Returns the number of characters
   * of the header when the line opens a raw block (the payload starts right after it), or -1.
   */
  headerLength(text: string): number;
  /** True when a line (decoded as UTF-8, terminator removed) starts a new module frame. */
  isFrameStart(text: string): boolean;
}

export type Frame =
  /** One line. `text` is UTF-8 without the terminator and without trailing CRs. */
  | { kind: 'line'; text: string; bytes: Buffer; complete: boolean }
  /** The `> ` data prompt (or a lone `>` line). */
  | { kind: 'prompt' }
  /** A raw block: header bytes and exact payload bytes. */
  | { kind: 'block'; header: Buffer; payload: Buffer; endedBy: PayloadEnd; truncated: boolean }
  /**
   * A line longer than the bound. Reported once when the bound is crossed
   * (complete: false, length so far) and once when the line finally ends (complete: true,
   * total length). `head` holds its first bytes for display.
   */
  | { kind: 'overlong'; length: number; head: Buffer; complete: boolean };

export interface FramerOptions {
  /** Longest line kept, in bytes. Default 4096. */
  maxLine?: number;
  /** Longest raw block (payload) kept, in bytes. Default 8192. */
  maxBlock?: number;
  /** Raw block rule. Default: none (every line is a line). */
  rule?: RawBlockRule | null;
}

const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const SP = 0x20;
const HEAD = 64;

interface Block {
  header: Buffer;
  parts: Buffer[];
  size: number;
  /** empty lines seen after the last payload line: maybe the separator before the next frame */
  held: Buffer[];
  /** bytes dropped because the block outgrew maxBlock */
  dropped: number;
}

function textOf(line: Buffer, end: number): string {
  let e = end;
  while (e > 0 && (line[e - 1] === CR || line[e - 1] === LF)) e--;
  return line.toString('utf8', 0, e);
}

function stripTerminator(b: Buffer): Buffer {
  let e = b.length;
  if (e > 0 && b[e - 1] === LF) {
    e--;
    if (e > 0 && b[e - 1] === CR) e--;
  } else if (e > 0 && b[e - 1] === CR) e--;
  return e === b.length ? b : b.subarray(0, e);
}

/**
 * Bytes to frames. Synchronous: `feed()` calls `onFrame` for every frame completed by the
 * chunk, in order. Memory is bounded by maxLine + maxBlock whatever arrives.
 */
export class Framer {
  readonly maxLine: number;
  readonly maxBlock: number;
  readonly #rule: RawBlockRule | null;
  readonly #onFrame: (f: Frame) => void;

  /** bytes of the current incomplete line */
  #pending: Buffer[] = [];
  #pendingLen = 0;
  /** >= 0 while discarding an overlong line: its length so far */
  #overlong = -1;
  #overlongHead: Buffer = Buffer.alloc(0);
  #block: Block | null = null;
  /** inside a raw block, a line longer than maxLine goes straight into the payload */
  #spilling = false;

  /** Counters for summaries. */
  readonly stats = { bytes: 0, lines: 0, blocks: 0, overlong: 0, discarded: 0 };

  constructor(onFrame: (f: Frame) => void, opts: FramerOptions = {}) {
    const maxLine = opts.maxLine ?? 4096;
    const maxBlock = opts.maxBlock ?? 8192;
    if (!Number.isInteger(maxLine) || maxLine < 16) throw new CatError('ERR_INVALID_OPTION', `maxLine must be an integer >= 16 (got ${String(opts.maxLine)})`);
    if (!Number.isInteger(maxBlock) || maxBlock < 16) throw new CatError('ERR_INVALID_OPTION', `maxBlock must be an integer >= 16 (got ${String(opts.maxBlock)})`);
    this.maxLine = maxLine;
    this.maxBlock = maxBlock;
    this.#rule = opts.rule ?? null;
    this.#onFrame = onFrame;
  }

  /** True while a raw block waits for its end (a caller may end it after a quiet time). */
  get blockPending(): boolean {
    return this.#block !== null;
  }

  /** Bytes held right now (incomplete line + pending block): bounded by maxLine + maxBlock. */
  get buffered(): number {
    const b = this.#block;
    return this.#pendingLen + (b ? b.size + b.held.reduce((n, h) => n + h.length, 0) : 0);
  }

  /** True when bytes of an incomplete line are buffered. */
  get linePending(): boolean {
    return this.#pendingLen > 0 || this.#overlong >= 0;
  }

  feed(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.stats.bytes += buf.length;
    let pos = 0;
    const len = buf.length;
    while (pos < len) {
      // At a line start: the data prompt "> " is a frame of its own (it has no CRLF after it).
      if (this.#pendingLen === 0 && this.#overlong < 0 && buf[pos] === GT && this.#promptAllowed()) {
        if (pos + 1 < len) {
          if (buf[pos + 1] === SP) {
            this.#prompt();
            pos += 2;
            continue;
          }
        } else {
          // a lone '>' at the end of the chunk: keep it, decide when the next byte comes
          this.#append(buf.subarray(pos, len));
          return;
        }
      } else if (this.#pendingLen === 1 && this.#overlong < 0 && this.#pending[0]![0] === GT && buf[pos] === SP && this.#promptAllowed()) {
        this.#pending = [];
        this.#pendingLen = 0;
        this.#prompt();
        pos += 1;
        continue;
      }
      const lf = buf.indexOf(LF, pos);
      if (lf < 0) {
        this.#append(buf.subarray(pos, len));
        return;
      }
      const piece = buf.subarray(pos, lf + 1);
      pos = lf + 1;
      if (this.#spilling) {
        this.#addPart(this.#block!, piece);
        this.#spilling = false;
        continue;
      }
      if (this.#overlong >= 0) {
        this.#overlong += piece.length;
        this.stats.discarded += piece.length;
        this.#emit({ kind: 'overlong', length: this.#overlong, head: this.#overlongHead, complete: true });
        this.#overlong = -1;
        continue;
      }
      let line: Buffer;
      if (this.#pendingLen === 0) line = piece;
      else {
        this.#pending.push(piece);
        line = Buffer.concat(this.#pending, this.#pendingLen + piece.length);
        this.#pending = [];
        this.#pendingLen = 0;
      }
      if (line.length > this.maxLine && this.#block === null && !(this.#rule && this.#headerBytes(line.toString('utf8', 0, Math.min(line.length, this.maxLine)), line) >= 0)) {
        this.#overflowComplete(line);
        continue;
      }
      this.#line(line, true);
    }
  }

  /** No byte arrived for the quiet time: a pending raw block ends here. */
  quiet(): void {
    if (this.#block) this.#finishBlock(this.#pendingLen > 0 || this.#spilling ? 'cut' : 'quiet', true);
  }

  /** End of input: everything pending is delivered. */
  end(): void {
    if (this.#block) {
      this.#finishBlock(this.#pendingLen > 0 || this.#spilling ? 'cut' : 'eof', true);
    }
    if (this.#overlong >= 0) {
      this.#emit({ kind: 'overlong', length: this.#overlong, head: this.#overlongHead, complete: true });
      this.#overlong = -1;
    }
    if (this.#pendingLen > 0) {
      const line = Buffer.concat(this.#pending, this.#pendingLen);
      this.#pending = [];
      this.#pendingLen = 0;
      if (line.length === 1 && line[0] === GT) this.#prompt();
      else this.#line(line, false);
    }
  }

  // ---- internals ----

  #emit(f: Frame): void {
    this.#onFrame(f);
  }

  #promptAllowed(): boolean {
    // Inside a raw block a '>' is payload, unless the module's frame separator (an empty line) came first.
    return this.#block === null || this.#block.held.length > 0;
  }

  #prompt(): void {
    if (this.#block) this.#finishBlock('frame', false);
    this.#emit({ kind: 'prompt' });
  }

  #append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.#spilling) {
      this.#addPart(this.#block!, bytes);
      return;
    }
    if (this.#overlong >= 0) {
      this.#overlong += bytes.length;
      this.stats.discarded += bytes.length;
      return;
    }
    // copy: the caller may reuse its buffer
    this.#pending.push(Buffer.from(bytes));
    this.#pendingLen += bytes.length;
    if (this.#pendingLen > this.maxLine) {
      const all = Buffer.concat(this.#pending, this.#pendingLen);
      this.#pending = [];
      this.#pendingLen = 0;
      const block = this.#block;
      if (block) {
        // a long payload line: too long to be a frame start, so it is payload (bounded by maxBlock)
        for (const h of block.held) this.#addPart(block, h);
        block.held = [];
        this.#addPart(block, all);
        this.#spilling = true;
        return;
      }
      if (this.#rule) {
        // a raw block whose first payload line is long: the header is within the first bytes
        const h = this.#headerBytes(all.toString('utf8'), all);
        if (h >= 0) {
          this.stats.blocks++;
          const nb: Block = { header: Buffer.from(all.subarray(0, h)), parts: [], size: 0, held: [], dropped: 0 };
          this.#block = nb;
          this.#addPart(nb, all.subarray(h));
          this.#spilling = true;
          return;
        }
      }
      this.#overlong = all.length;
      this.stats.discarded += all.length;
      this.stats.overlong++;
      this.#overlongHead = Buffer.from(all.subarray(0, HEAD));
      this.#emit({ kind: 'overlong', length: all.length, head: this.#overlongHead, complete: false });
    }
  }

  #overflowComplete(line: Buffer): void {
    this.stats.overlong++;
    this.stats.discarded += line.length;
    const head = Buffer.from(line.subarray(0, HEAD));
    this.#emit({ kind: 'overlong', length: line.length, head, complete: false });
    this.#emit({ kind: 'overlong', length: line.length, head, complete: true });
  }

  #line(line: Buffer, complete: boolean): void {
    const block = this.#block;
    if (block) {
      const text = textOf(line, line.length);
      if (text.length === 0 && complete) {
        block.held.push(line);
        return;
      }
      if (this.#rule!.isFrameStart(text)) {
        this.#finishBlock(block.held.length > 0 ? 'frame' : 'prefix', false);
        // fall through: the line is a frame of its own
      } else {
        for (const h of block.held) this.#addPart(block, h);
        block.held = [];
        this.#addPart(block, line);
        return;
      }
    }
    this.stats.lines++;
    const text = textOf(line, line.length);
    if (text.length === 0) return; // framing CRLFs
    if (this.#rule && complete) {
      const h = this.#headerBytes(text, line);
      if (h >= 0) {
        this.stats.blocks++;
        const nb: Block = { header: Buffer.from(line.subarray(0, h)), parts: [], size: 0, held: [], dropped: 0 };
        this.#block = nb;
        this.#addPart(nb, line.subarray(h));
        return;
      }
    }
    if (!complete && line.length === 1 && line[0] === GT) {
      this.#prompt();
      return;
    }
    if (text === '>') {
      this.#prompt();
      return;
    }
    this.#emit({ kind: 'line', text, bytes: line, complete });
  }

  /** Byte length of a raw block header in this line, or -1. */
  #headerBytes(text: string, line: Buffer): number {
    const rule = this.#rule!;
    const h = rule.headerLength(text);
    if (h < 0) return -1;
    const prefix = text.slice(0, h);
    const n = Buffer.byteLength(prefix, 'utf8');
    if (n <= line.length && line.subarray(0, n).equals(Buffer.from(prefix, 'utf8'))) return n;
    // the header holds bytes that are not valid UTF-8 (a binary topic): count on one char per byte
    const h1 = rule.headerLength(line.toString('latin1'));
    return h1;
  }

  #addPart(block: Block, part: Buffer): void {
    if (block.dropped > 0) {
      block.dropped += part.length;
      return;
    }
    if (block.size + part.length > this.maxBlock) {
      const room = this.maxBlock - block.size;
      if (room > 0) {
        block.parts.push(Buffer.from(part.subarray(0, room)));
        block.size += room;
      }
      block.dropped += part.length - Math.max(0, room);
      return;
    }
    block.parts.push(Buffer.from(part));
    block.size += part.length;
  }

  #finishBlock(endedBy: PayloadEnd, includeHeldAndPending: boolean): void {
    const block = this.#block!;
    this.#block = null;
    this.#spilling = false;
    let held = block.held;
    if (!includeHeldAndPending && held.length > 0) held = held.slice(0, -1); // the last empty line is the next frame's separator
    for (const h of held) this.#addPart(block, h);
    if (includeHeldAndPending && this.#pendingLen > 0) {
      this.#addPart(block, Buffer.concat(this.#pending, this.#pendingLen));
      this.#pending = [];
      this.#pendingLen = 0;
    }
    const raw = Buffer.concat(block.parts, block.size);
    const payload = block.dropped > 0 ? raw : stripTerminator(raw);
    this.#emit({ kind: 'block', header: block.header, payload, endedBy: block.dropped > 0 ? 'cut' : endedBy, truncated: block.dropped > 0 });
  }
}
