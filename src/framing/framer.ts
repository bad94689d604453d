import { CatError } from '../util/errors.js';
import type { PayloadEnd } from '../util/payload-end.js';

/** How the end of a raw message payload was found (util/payload-end.ts: the dialects' events carry it too). */
export type { PayloadEnd };

/**
 * Recognises the start of a raw multi-line block (a dialect's message payload) and the start of
 * the module's next frame. Supplied by the dialect, so framing knows no dialect.
 */
export interface RawBlockRule {
  /**
   * Called for each complete line (terminator removed). Returns the number of characters
   * of the header when the line opens a raw block (the payload starts right after it), or -1.
   */
  headerLength(text: string): number;
  /** True when a line (decoded as UTF-8, terminator removed) starts a new module frame. */
  isFrameStart(text: string): boolean;
  /**
   * Bytes the block takes after the header when the header announces a length (Quectel's
   * `+QMTRECV: …,<len>,"`: `<len>` + 1 for the closing quote), or null when it announces none
   * and the frame-start rule decides. When a length is given, the framer takes exactly that many
   * bytes (CR, LF and frame-like lines included) and then requires a line terminator (CR… LF, or
   * CRs that no LF follows);
   * anything else there, or a pause (`quiet()`/`end()`) before the count is reached, falls back
   * to the frame-start rule over the same bytes. A length above `maxBlock + 1` is not counted.
   * Optional: absent means always null.
   */
  payloadLength?(header: string): number | null;
}

/**
 * Where a module line ends: at LF, or after a run of CRs that no LF follows (a module set with
 * ATS4 not to send LF, or a firmware that ends its lines with CR alone: `\r+CSQ: 20,99\r\rOK\r`),
 * decided as the redaction decides it (redact/line-ends.ts): CRs followed by an LF stay one
 * terminator with it (the echo's `\r\r\n` is one line), and CRs at the end of what has arrived
 * are undecided until the next byte, `quiet()` or `end()` (the framer has no timer: its caller
 * calls `quiet()` after a quiet time while `crPending`).
 */
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
  /**
   * Receive line frames as their text alone, instead of `{ kind: 'line' }` frames through
   * onFrame: for a caller that never looks at a line's bytes (it saves making a view per line).
   * Default: none (lines go to onFrame like every other frame).
   */
  onLine?: ((text: string, complete: boolean) => void) | null;
}

const EMPTY = Buffer.alloc(0);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const SP = 0x20;
const HEAD = 64;
/** CRs accepted before the LF that ends a length-announced payload */
const MAX_TERM_CR = 8;

interface Block {
  header: Buffer;
  /** payload pieces; those from `owned` on may be views of the chunk being fed (see #settle) */
  parts: Buffer[];
  owned: number;
  size: number;
  /** payload bytes `[runStart, runEnd)` of the chunk being fed, after `parts`, not yet added (-1: none) */
  runStart: number;
  runEnd: number;
  /** empty lines seen after the last payload line: maybe the separator before the next frame */
  held: Buffer[];
  /** bytes dropped because the block outgrew maxBlock */
  dropped: number;
  /** payload lines given as text (feedLine), each with its CRLF, after `parts`: made bytes at once when anything else is added or the block ends */
  text: string;
  /** their UTF-8 length (counted in `size` already) */
  textBytes: number;
}

/** A length-announced block being counted: payload bytes so far (copies), the count, and how to fall back. */
interface Look {
  header: Buffer;
  /** payload bytes of the header's own line */
  first: Buffer;
  /** the header's line was not complete (a long first line): the fallback block spills */
  spill: boolean;
  /** bytes after `first`: payload up to `need`, then the CRs of the terminator */
  parts: Buffer[];
  size: number;
  need: number;
}

/** After `need` payload bytes of `b`: 'match' (CR… LF ends exactly at b's end), 'more' (only CRs so far), 'mismatch'. */
function terminatorAt(b: Buffer, need: number): 'match' | 'more' | 'mismatch' {
  let i = need;
  while (i < b.length && b[i] === CR) i++;
  if (i - need > MAX_TERM_CR) return 'mismatch';
  if (i >= b.length) return 'more';
  return b[i] === LF && i === b.length - 1 ? 'match' : 'mismatch';
}

const ONE_CR = Buffer.from([CR]);

/** A line ended by CRs that no LF follows: how many CRs after the first (each an empty line of its own). */
function extraCrs(line: Buffer): number {
  let k = line.length;
  while (k > 0 && line[k - 1] === CR) k--;
  return k < line.length ? line.length - k - 1 : 0;
}

function textOf(line: Buffer, end: number): string {
  let e = end;
  while (e > 0 && (line[e - 1] === CR || line[e - 1] === LF)) e--;
  return line.toString(undefined, 0, e);
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
  readonly #onLine: ((text: string, complete: boolean) => void) | null;

  /** bytes of the current incomplete line */
  #pending: Buffer[] = [];
  #pendingLen = 0;
  /** >= 0 while discarding an overlong line: its length so far */
  #overlong = -1;
  #overlongHead: Buffer = Buffer.alloc(0);
  #block: Block | null = null;
  /** the chunk being fed */
  #cur: Buffer = EMPTY;
  /** inside a raw block, a line longer than maxLine goes straight into the payload */
  #spilling = false;
  /** a block whose header announced a length, while its bytes are counted (see RawBlockRule.payloadLength) */
  #look: Look | null = null;
  /**
   * the last byte of the unterminated line (pending, overlong or spilling) is a CR: whether the
   * line ended there depends on the next byte (an LF or another CR continues it)
   */
  #crTail = false;
  /**
   * A CR LF has ended a line of this stream: the module ends its lines with CR LF, so a CR that no
   * LF follows is a byte of the line (a payload's own CR), as before CR-only lines were read. Only
   * a stream that has shown no LF yet is cut at such CRs: a module that never sends LF changes
   * nothing for one that does (a `+ECMTRECV` payload `ab\r+CEREG: 1` of a CR LF module stays one
   * payload). A CR LF inside a raw block or a counted payload is the payload's, and a bare LF
   * (an echoed data payload's) is not a CR LF: neither is a line end of the module's. A CR-only
   * module that echoes a host's CR LF outside data mode would be read as a CR LF one from there on.
   */
  #lfSeen = false;

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
    this.#onLine = opts.onLine ?? null;
  }

  /** True while a raw block waits for its end (a caller may end it after a quiet time). */
  get blockPending(): boolean {
    return this.#block !== null || this.#look !== null;
  }

  /** Bytes held right now (incomplete line + pending block): bounded by maxLine + maxBlock. */
  get buffered(): number {
    if (this.#look) return this.#pendingLen + this.#look.first.length + this.#look.size;
    const b = this.#block;
    if (!b) return this.#pendingLen;
    const size = b.runStart >= 0 && b.dropped === 0 ? Math.min(this.maxBlock, b.size + b.runEnd - b.runStart) : b.size;
    return this.#pendingLen + size + b.held.reduce((n, h) => n + h.length, 0);
  }

  /** True when bytes of an incomplete line are buffered. */
  get linePending(): boolean {
    return this.#pendingLen > 0 || this.#overlong >= 0;
  }

  /**
   * True while the line held ends with CRs and nothing came after them: it ended there unless
   * an LF or a CR comes next. A caller with a clock calls `quiet()` after a quiet time.
   */
  get crPending(): boolean {
    const L = this.#look;
    // a counted payload complete but for its terminator: only CRs after it so far
    if (L !== null) return !this.#lfSeen && L.size > L.need;
    return this.#crTail && (this.#pendingLen > 0 || this.#overlong >= 0 || this.#spilling);
  }

  feed(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.stats.bytes += buf.length;
    this.#run(buf);
  }

  /**
   * A complete line followed by CRLF, given as its text (no CR or LF in it): the same frames as
   * `feed(<the UTF-8 bytes of text + CRLF>)`, without making bytes for a line outside a raw block
   * (a caller that reads text, such as an imported log). Where bytes decide (a partial line or a
   * counted payload in progress, a line starting with `>`, an overlong line) it feeds the bytes.
   */
  feedLine(text: string): void {
    if (this.#look !== null || this.#pendingLen > 0 || this.#overlong >= 0 || this.#spilling || this.#onLine === null || text.charCodeAt(0) === GT || text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
      this.feed(Buffer.from(`${text}\r\n`, 'utf8'));
      return;
    }
    const n = Buffer.byteLength(text, 'utf8') + 2;
    // a lone surrogate has no UTF-8 form: its bytes read back as U+FFFD, so the bytes decide
    if (n > this.maxLine || (n !== text.length + 2 && LONE_SURROGATE.test(text))) {
      this.feed(Buffer.from(`${text}\r\n`, 'utf8'));
      return;
    }
    this.stats.bytes += n;
    const rule = this.#rule;
    const block = this.#block;
    if (block !== null && text.length > 0) {
      // what #line does with a non-empty line inside a block, the payload kept as text
      if (!rule!.isFrameStart(text)) {
        if (block.held.length > 0) {
          for (const h of block.held) this.#addPart(block, h);
          block.held = [];
        }
        this.#addText(block, text, n);
        return;
      }
      this.#finishBlock(block.held.length > 0 ? 'frame' : 'prefix', false);
      // the line is a frame of its own
    }
    if (this.#block === null && (rule === null || text.length === 0 || rule.headerLength(text) < 0)) {
      // a plain line (what #plainLine does, without the bytes); its CR LF is the module's line end
      this.#lfSeen = true;
      this.stats.lines++;
      if (text.length > 0) this.#onLine(text, true);
      return;
    }
    // a payload line, or one that opens or ends a raw block: the general path, on its bytes
    this.#line(Buffer.from(`${text}\r\n`, 'utf8'), true, text);
    // its CR LF is the module's line end when it left no payload open (as #run decides)
    if (this.#block === null && this.#look === null) this.#lfSeen = true;
    const b = this.#block;
    if (b !== null) b.owned = b.parts.length; // its pieces are views of bytes made here, kept by no one else
  }

  #run(buf: Buffer): void {
    const outer = this.#cur;
    let pos = 0;
    const len = buf.length;
    // A chunk that ends a line is decoded once. When that gives one character per byte (ASCII,
    // or bytes that are each invalid on their own), the text of a line is a slice of it: the
    // characters decoding the line alone would give.
    let str: string | null = len > 0 && (buf.indexOf(LF) >= 0 || (!this.#lfSeen && buf.indexOf(CR) >= 0)) ? buf.toString() : null;
    // the next CR from where it was last searched (-2: not yet, -1: none left): searched again
    // only once passed, in the decoded text when there is one (cheaper than in the bytes)
    let cr = -2;
    if (str !== null && str.length !== len) str = null;
    this.#cur = buf;
    let lfLine = false;
    while (pos < len) {
      if (lfLine) {
        lfLine = false;
        if (this.#block === null && this.#look === null) this.#lfSeen = true;
      }
      if (this.#look !== null) {
        pos = this.#count(buf, pos);
        continue;
      }
      // the line held ended with CRs: neither an LF nor another CR came after them
      if (this.#crTail && buf[pos] !== LF && buf[pos] !== CR) {
        this.#endAtCr();
        continue; // that line may have opened a counted block
      }
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
          break;
        }
      } else if (this.#pendingLen === 1 && this.#overlong < 0 && this.#pending[0]![0] === GT && buf[pos] === SP && this.#promptAllowed()) {
        this.#pending = [];
        this.#pendingLen = 0;
        this.#prompt();
        pos += 1;
        continue;
      }
      // the line ends at LF, or after CRs that no LF follows (as redact/line-ends.ts decides)
      const lf = buf.indexOf(LF, pos);
      let end = lf < 0 ? -1 : lf + 1;
      if (this.#lfSeen) cr = -1;
      else if (cr === -2 || (cr >= 0 && cr < pos)) cr = str !== null ? str.indexOf('\r', pos) : buf.indexOf(CR, pos);
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        let k = cr + 1;
        while (k < len && buf[k] === CR) k++;
        // CRs then LF: one terminator (the echo's CR CR LF); CRs then anything else: the first
        // ends the line, each other one an empty line (as CR LF CR LF: inside a raw block, the
        // separator before a frame); CRs at the end of the chunk: undecided, held
        if (k >= len) end = -1;
        else if (buf[k] !== LF) end = cr + 1;
      }
      if (end < 0) {
        this.#append(buf.subarray(pos, len));
        break;
      }
      // a CR LF that ends a line that leaves no payload open (checked once the line is read: a
      // payload's own line breaks, a counted payload's header ended by the payload's own line
      // break, an echoed data payload's bare LFs say nothing of the module's line ends)
      lfLine = !this.#lfSeen && end === lf + 1 && (lf > pos ? buf[lf - 1] === CR : this.#crTail);
      this.#crTail = false;
      const start = pos;
      pos = end;
      if (str !== null && this.#pendingLen === 0 && !this.#spilling && this.#overlong < 0 && pos - start <= this.maxLine) {
        // the common case: a whole ASCII line within this chunk
        let e = pos;
        while (e > start && (buf[e - 1] === CR || buf[e - 1] === LF)) e--;
        const text = str.slice(start, e);
        if (this.#block !== null && this.#payloadLine(start, pos, text)) continue;
        if (!this.#plainLine(buf, start, pos, text)) this.#line(buf.subarray(start, pos), true, text);
        continue;
      }
      const piece = buf.subarray(start, pos);
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
      let text: string | null = null;
      if (this.#pendingLen === 0) {
        line = piece;
        if (str !== null) {
          let e = pos;
          while (e > start && (buf[e - 1] === CR || buf[e - 1] === LF)) e--;
          text = str.slice(start, e);
        }
      } else {
        this.#pending.push(piece);
        line = Buffer.concat(this.#pending, this.#pendingLen + piece.length);
        this.#pending = [];
        this.#pendingLen = 0;
      }
      // CRs that no LF follows, begun in the bytes held: the CRs after the first are empty lines
      const extra = piece[piece.length - 1] === CR ? extraCrs(line) : 0;
      if (extra > 0) line = line.subarray(0, line.length - extra);
      if (line.length > this.maxLine && this.#block === null && !(this.#rule && this.#headerBytes(line.toString('utf8', 0, Math.min(line.length, this.maxLine)), line) >= 0)) {
        this.#overflowComplete(line);
      } else this.#line(line, true, text);
      if (extra > 0) this.#emptyCrLines(extra);
    }
    if (lfLine && this.#block === null && this.#look === null) this.#lfSeen = true;
    this.#settle();
    this.#cur = outer;
  }

  /** No byte arrived for the quiet time: a line held up to its CRs ended at them; a pending raw block ends here. */
  quiet(): void {
    this.#giveUpCount();
    this.#endAtCr();
    this.#giveUpCount();
    if (this.#block) this.#finishBlock(this.#pendingLen > 0 || this.#spilling ? 'cut' : 'quiet', true);
  }

  /**
   * The line held up to its CRs (`crPending`) ended there: the caller knows that the next byte is
   * neither an LF nor a CR, and wants that line's frames before it feeds that byte (to give them
   * the time of their own bytes). `feed()` of that byte decides the same by itself.
   */
  endLine(): void {
    if (!this.crPending) return;
    const L = this.#look;
    if (L !== null) {
      this.#look = null;
      this.#emitCounted(L);
    } else this.#endAtCr();
  }

  /** End of input: everything pending is delivered (a line held up to its CRs as a complete line). */
  end(): void {
    this.#giveUpCount();
    this.#endAtCr();
    this.#giveUpCount();
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
      else this.#line(line, false, null);
    }
  }

  // ---- internals ----

  /** The line held up to its CRs (pending, overlong or spilling into a payload) ended at them. */
  #endAtCr(): void {
    if (!this.#crTail) return;
    this.#crTail = false;
    if (this.#spilling) {
      this.#spilling = false; // its bytes are in the payload already
      return;
    }
    if (this.#overlong >= 0) {
      this.#emit({ kind: 'overlong', length: this.#overlong, head: this.#overlongHead, complete: true });
      this.#overlong = -1;
      return;
    }
    if (this.#pendingLen === 0) return;
    const line = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#pendingLen);
    this.#pending = [];
    this.#pendingLen = 0;
    const extra = extraCrs(line);
    this.#line(extra > 0 ? line.subarray(0, line.length - extra) : line, true, null);
    if (extra > 0) this.#emptyCrLines(extra);
  }

  /** `n` CRs of a CR-only terminator after its first: empty lines, or what a payload being counted takes. */
  #emptyCrLines(n: number): void {
    for (let i = 0; i < n; ) {
      if (this.#look !== null) {
        i += this.#count(ONE_CR, 0); // 0: the count fell back, the CR is read again as a line
        continue;
      }
      this.#line(ONE_CR, true, '');
      i++;
    }
  }

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
    this.#crTail = !this.#lfSeen && bytes[bytes.length - 1] === CR;
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
          if (this.#openCounted(all.subarray(0, h), all.subarray(h), false)) return;
          const nb: Block = { header: Buffer.from(all.subarray(0, h)), parts: [], owned: 0, size: 0, runStart: -1, runEnd: 0, held: [], dropped: 0, text: '', textBytes: 0 };
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

  /**
   * #line for a complete ASCII line `#cur[start, end)` while a raw block is open: true when it
   * was payload (or an empty line held back); false when it started a new frame, after ending
   * the block (the caller then reads the line as a frame).
   */
  #payloadLine(start: number, end: number, text: string): boolean {
    const block = this.#block!;
    if (text.length === 0) {
      this.#hold(block, this.#cur.subarray(start, end));
      return true;
    }
    if (this.#rule!.isFrameStart(text)) {
      this.#finishBlock(block.held.length > 0 ? 'frame' : 'prefix', false);
      return false;
    }
    if (block.held.length > 0) {
      for (const h of block.held) this.#addPart(block, h);
      block.held = [];
    }
    this.#addSpan(block, start, end);
    return true;
  }

  /**
   * #line for a complete ASCII line `buf[start, end)` outside a raw block, without making a view
   * of it unless it opens a block. False when it is not such a line (the caller takes the
   * general path).
   */
  #plainLine(buf: Buffer, start: number, end: number, text: string): boolean {
    if (this.#block !== null || this.#onLine === null) return false;
    this.stats.lines++;
    if (text.length === 0) return true; // framing CRLFs
    const rule = this.#rule;
    if (rule) {
      // ASCII: the header's length in characters is its length in bytes
      const h = rule.headerLength(text);
      if (h >= 0) {
        this.stats.blocks++;
        if (this.#openCounted(buf.subarray(start, start + h), buf.subarray(start + h, end), true)) return true;
        const nb: Block = { header: Buffer.from(buf.subarray(start, start + h)), parts: [], owned: 0, size: 0, runStart: -1, runEnd: 0, held: [], dropped: 0, text: '', textBytes: 0 };
        this.#block = nb;
        this.#addSpan(nb, start + h, end);
        return true;
      }
    }
    if (text === '>') this.#prompt();
    else this.#onLine(text, true);
    return true;
  }

  /** `known`: the line's text when the caller already has it (else decoded here). */
  #line(line: Buffer, complete: boolean, known: string | null): void {
    const block = this.#block;
    const text = known ?? textOf(line, line.length);
    if (block) {
      if (text.length === 0 && complete) {
        this.#hold(block, line);
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
    if (text.length === 0) return; // framing CRLFs
    if (this.#rule && complete) {
      const h = this.#headerBytes(text, line);
      if (h >= 0) {
        this.stats.blocks++;
        if (this.#openCounted(line.subarray(0, h), line.subarray(h), true)) return;
        const nb: Block = { header: Buffer.from(line.subarray(0, h)), parts: [], owned: 0, size: 0, runStart: -1, runEnd: 0, held: [], dropped: 0, text: '', textBytes: 0 };
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
    if (this.#onLine) this.#onLine(text, complete);
    else this.#emit({ kind: 'line', text, bytes: line, complete });
  }

  /**
   * A block header was found (`first`: the payload bytes of its line, `complete` when that line
   * ended): when the rule announces a length, the block is framed by counting (true: handled,
   * the block emitted or being counted); false: the frame-start rule applies (no length, or the
   * bytes already contradict it).
   */
  #openCounted(header: Buffer, first: Buffer, complete: boolean): boolean {
    const rule = this.#rule!;
    if (!rule.payloadLength) return false;
    const need = rule.payloadLength(header.toString('utf8'));
    if (need === null || !Number.isInteger(need) || need < 0 || need > this.maxBlock + 1) return false;
    if (first.length >= need) {
      const t = terminatorAt(first, need);
      if (t === 'mismatch') return false;
      if (t === 'match') {
        this.#emit({ kind: 'block', header: Buffer.from(header), payload: Buffer.from(first.subarray(0, need)), endedBy: 'length', truncated: false });
        return true;
      }
    }
    this.#look = { header: Buffer.from(header), first: Buffer.from(first), spill: !complete, parts: [], size: first.length, need };
    return true;
  }

  /** Counting a length-announced block: take `buf[pos…]`; returns where the framer goes on. */
  #count(buf: Buffer, pos: number): number {
    const L = this.#look!;
    if (L.size < L.need) {
      const take = Math.min(L.need - L.size, buf.length - pos);
      L.parts.push(Buffer.from(buf.subarray(pos, pos + take)));
      L.size += take;
      return pos + take;
    }
    const c = buf[pos];
    if (c === CR && L.size - L.need < MAX_TERM_CR) {
      L.parts.push(Buffer.from(buf.subarray(pos, pos + 1)));
      L.size++;
      return pos + 1;
    }
    if (c === LF) {
      this.#look = null;
      this.#emitCounted(L);
      return pos + 1;
    }
    if (c !== CR && L.size > L.need && !this.#lfSeen) {
      // CRs after the count that no LF follows: a module that ends its lines with CR alone
      this.#look = null;
      this.#emitCounted(L);
      return pos;
    }
    // the announced length does not end at a line end: the frame-start rule over the same bytes
    this.#fallback(L);
    return pos;
  }

  #emitCounted(L: Look): void {
    const all = L.parts.length === 0 ? L.first : Buffer.concat([L.first, ...L.parts]);
    this.#emit({ kind: 'block', header: L.header, payload: Buffer.from(all.subarray(0, L.need)), endedBy: 'length', truncated: false });
  }

  /** The count did not hold: open the block as the frame-start rule would have, and read the counted bytes again. */
  #fallback(L: Look): void {
    this.#look = null;
    const nb: Block = { header: L.header, parts: [], owned: 0, size: 0, runStart: -1, runEnd: 0, held: [], dropped: 0, text: '', textBytes: 0 };
    this.#block = nb;
    this.#addPart(nb, L.first);
    nb.owned = nb.parts.length;
    this.#spilling = L.spill;
    if (L.parts.length > 0) this.#run(Buffer.concat(L.parts));
  }

  /** A pause or the end of input while counting: the count is complete (only CRs after it) or it falls back. */
  #giveUpCount(): void {
    while (this.#look !== null) {
      const L = this.#look;
      if (L.size >= L.need) {
        this.#look = null;
        this.#emitCounted(L);
      } else this.#fallback(L);
    }
  }

  /** Byte length of a raw block header in this line, or -1. */
  #headerBytes(text: string, line: Buffer): number {
    const rule = this.#rule!;
    const h = rule.headerLength(text);
    if (h < 0) return -1;
    // an ASCII header is the same characters as bytes (an invalid byte decodes to U+FFFD, never ASCII)
    let ascii = h <= line.length;
    for (let i = 0; ascii && i < h; i++) if (text.charCodeAt(i) >= 0x80) ascii = false;
    if (ascii) return h;
    const prefix = text.slice(0, h);
    const n = Buffer.byteLength(prefix, 'utf8');
    if (n <= line.length && line.subarray(0, n).equals(Buffer.from(prefix, 'utf8'))) return n;
    // the header holds bytes that are not valid UTF-8 (a binary topic): count on one char per byte
    const h1 = rule.headerLength(line.toString('latin1'));
    return h1;
  }

  /**
   * Payload pieces are kept as views while a chunk is fed (the block usually ends in the same
   * chunk, and its payload is then copied once); at the end of feed() the views of a block
   * still open are copied, since the caller may reuse its buffer.
   */
  /**
   * An empty line inside a payload may be the separator before the module's next frame; only
   * the last one can be, so earlier ones are payload at once (memory stays bounded).
   */
  #hold(block: Block, line: Buffer): void {
    if (block.held.length > 0) {
      for (const h of block.held) this.#addPart(block, h);
      block.held = [];
    }
    block.held.push(Buffer.from(line)); // a copy: the caller may reuse its buffer
  }

  #addPart(block: Block, part: Buffer): void {
    if (block.runStart >= 0) this.#flushRun(block);
    this.#addPartNow(block, part);
  }

  /** Payload bytes `#cur[start, end)`: adjacent ones are joined, to be viewed once. */
  #addSpan(block: Block, start: number, end: number): void {
    if (block.runStart >= 0) {
      if (block.runEnd === start) {
        block.runEnd = end;
        return;
      }
      this.#flushRun(block);
    }
    block.runStart = start;
    block.runEnd = end;
  }

  #flushRun(block: Block): void {
    const start = block.runStart;
    block.runStart = -1;
    this.#addPartNow(block, this.#cur.subarray(start, block.runEnd));
  }

  /** A payload line given as text (its UTF-8 length `n` with the CRLF): held as text while it fits (no bytes made per line). */
  #addText(block: Block, text: string, n: number): void {
    if (block.runStart >= 0) this.#flushRun(block);
    if (block.dropped > 0 || block.size + n > this.maxBlock + 2) {
      this.#addPartNow(block, Buffer.from(`${text}\r\n`, 'utf8'));
      return;
    }
    block.text += `${text}\r\n`;
    block.textBytes += n;
    block.size += n;
  }

  /** The payload lines held as text, as one buffer in `parts` (their bytes were counted when they came). */
  #flushText(block: Block): void {
    const b = Buffer.from(block.text, 'utf8');
    block.text = '';
    block.textBytes = 0;
    block.parts.push(b);
  }

  #addPartNow(block: Block, part: Buffer): void {
    if (block.textBytes > 0) this.#flushText(block);
    if (block.dropped > 0) {
      block.dropped += part.length;
      return;
    }
    // maxBlock bounds the payload; the line terminator that ends it is not payload
    const limit = this.maxBlock + 2;
    if (block.size + part.length > limit) {
      const room = limit - block.size;
      if (room > 0) {
        block.parts.push(part.subarray(0, room));
        block.size += room;
      }
      block.dropped += part.length - Math.max(0, room);
      return;
    }
    block.parts.push(part);
    block.size += part.length;
  }

  #settle(): void {
    const b = this.#block;
    if (b !== null && b.runStart >= 0) this.#flushRun(b);
    if (b === null || b.owned >= b.parts.length) return;
    const n = b.parts.length - b.owned;
    const copy = n === 1 ? Buffer.from(b.parts[b.owned]!) : Buffer.concat(b.parts.slice(b.owned));
    b.parts.length = b.owned;
    b.parts.push(copy);
    b.owned = b.parts.length;
  }

  #finishBlock(endedBy: PayloadEnd, includeHeldAndPending: boolean): void {
    const block = this.#block!;
    if (block.runStart >= 0) this.#flushRun(block);
    if (block.textBytes > 0) this.#flushText(block);
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
    let payload = block.dropped > 0 ? raw : stripTerminator(raw);
    const truncated = block.dropped > 0 || payload.length > this.maxBlock;
    if (payload.length > this.maxBlock) payload = payload.subarray(0, this.maxBlock);
    this.#emit({ kind: 'block', header: block.header, payload, endedBy: truncated ? 'cut' : endedBy, truncated });
  }
}
