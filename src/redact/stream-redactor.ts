import { mergeSpans, textVerdicts, type Redactor } from './redact.js';
import type { Redaction } from './types.js';
import { LineEnds, endsLine, lastLineEnd, pendingCr } from './line-ends.js';

export interface RedactedPiece {
  dir: 'tx' | 'rx';
  data: Buffer;
  redact: Redaction[];
  /** time of the first byte of the piece (caller's unit); never less than a piece released before */
  t: number | null;
}

interface DirState {
  /** bytes of the current line not released yet */
  held: Buffer[];
  heldLen: number;
  heldT: number | null;
  /** the part of the current line already released (latin1), while it is short */
  released: string;
  /** more of the current line was released than `released` keeps */
  releasedLong: boolean;
  /** the line outgrew the hold limit while it could be sensitive: mask the rest of it */
  maskRest: boolean;
  /**
   * The last module line ended inside a quoted value the rules masked (its closing quote not
   * seen: a line break a pasted log or a lone CR put inside a password): the next line, up to its
   * first quote (all of it without one), is the rest of that value, and nothing of it is released
   * before it is complete. One line only.
   */
  openValue: boolean;
}

const MASK = 0x2a;
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Redaction over byte streams, correct whatever the chunking or timing of the bytes: a secret
 * can arrive split across chunks with pauses in between, so the bytes of a line are held until
 * the line is complete (line-ends.ts: tx lines end at CR or LF, rx lines at LF or after CRs that
 * no LF follows), then masked by the rules.
 *
 * `flush()` (a quiet time passed, the other direction spoke, a note is written) releases only
 * what can no longer become sensitive: the start of a line up to the first place where a
 * rule's keyword starts or could start, where a known secret could start, or — for a line that
 * may become a bare IMSI/ICCID answer — nothing. However long the pause, a held part stays held.
 * `end()` says the stream (or a unit of it, e.g. a payload ended by a quiet time) is over:
 * what is held is masked as a complete line and released.
 * A line that is still held past `holdMax` bytes is masked whole from the first unsafe place
 * to its end: never released in clear. With no redactor, bytes pass straight through.
 */
export class StreamRedactor {
  readonly #redactor: Redactor | null;
  /** the redactor's text verdicts, only where they answer for its line() (textVerdicts) */
  readonly #verdicts: Pick<Redactor, 'asciiUnchanged' | 'linesUnchanged'>;
  readonly #out: (p: RedactedPiece) => void;
  readonly #holdMax: number;
  readonly #outText: ((dir: 'tx' | 'rx', text: string, t: number | null) => void) | null;
  readonly #state: Record<'tx' | 'rx', DirState> = { tx: fresh(), rx: fresh() };
  #lastT: number | null = null;

  /**
   * `opts.outText`: where text given to `pushText()` goes when it passes unchanged (the caller
   * then gets text, never bytes, for it); without it, text is released as bytes through `out`.
   */
  constructor(redactor: Redactor | null, out: (p: RedactedPiece) => void, opts: { holdMax?: number; outText?: (dir: 'tx' | 'rx', text: string, t: number | null) => void } = {}) {
    this.#redactor = redactor;
    this.#verdicts = redactor ? textVerdicts(redactor) : {};
    this.#out = out;
    this.#holdMax = opts.holdMax ?? 4096;
    this.#outText = opts.outText ?? null;
  }

  get holding(): boolean {
    return this.#state.tx.heldLen > 0 || this.#state.rx.heldLen > 0;
  }

  push(dir: 'tx' | 'rx', bytes: Buffer, t: number | null): void {
    if (bytes.length === 0) return;
    this.flush(dir === 'tx' ? 'rx' : 'tx'); // keep the order of the two directions as far as it is safe
    this.#pushBytes(dir, bytes, t);
  }

  /**
   * The same as `push(dir, <the UTF-8 bytes of text>, t)`, for a caller that has the text (an
   * imported log). When nothing of this direction is held and the text is complete lines that
   * no rule touches (the redactor's verdict on each line, known secrets included), it goes to
   * `outText` as it is: no copy, no bytes. Anything else takes the byte path: a line a rule
   * masks, a partial line at the end (it could still become sensitive: held as always).
   */
  pushText(dir: 'tx' | 'rx', text: string, t: number | null): void {
    if (text.length === 0) return;
    this.flush(dir === 'tx' ? 'rx' : 'tx');
    const outText = this.#outText;
    if (outText === null) {
      this.#pushBytes(dir, Buffer.from(text, 'utf8'), t);
      return;
    }
    if (!this.#redactor) {
      outText(dir, text, this.#time(t));
      return;
    }
    const st = this.#state[dir];
    let rest = text;
    if (!atLineStart(st)) {
      // a line begun before (held, or partly released) ends in this text: that line takes the
      // byte path, with what came before it; the lines after it are text again
      const end = new LineEnds(text, dir, false).next(0);
      if (end < 0 || end === text.length) {
        this.#pushBytes(dir, Buffer.from(text, 'utf8'), t);
        return;
      }
      this.#pushBytes(dir, Buffer.from(text.slice(0, end), 'utf8'), t);
      rest = text.slice(end);
      if (!atLineStart(st)) {
        this.#pushBytes(dir, Buffer.from(rest, 'utf8'), t);
        return;
      }
    }
    // a module's CR at the end is undecided (its LF may come next): the byte path holds it
    if (endsLine(rest, dir) && this.#unchanged(this.#redactor, dir, rest)) outText(dir, rest, this.#time(t));
    else this.#pushBytes(dir, Buffer.from(rest, 'utf8'), t);
  }

  /**
   * Would every line of `text` (complete lines, cut as push() cuts them) pass the rules
   * unchanged? The redactor's context ends as push() would leave it when true, and as it was
   * when false (the byte path then reads the same lines again).
   */
  #unchanged(r: Redactor, dir: 'tx' | 'rx', text: string): boolean {
    const v = this.#verdicts;
    if (v.linesUnchanged) return v.linesUnchanged(text, dir, false);
    const ascii = !NON_ASCII.test(text);
    if (ascii && !v.asciiUnchanged) return false;
    const saved = r.context.lastCommand;
    let start = 0;
    const n = text.length;
    const ends = new LineEnds(text, dir, true);
    while (start < n) {
      const i = ends.next(start);
      const end = i < 0 ? n : i;
      const line = start === 0 && end === n ? text : text.slice(start, end);
      start = end;
      const same = ascii ? v.asciiUnchanged!(line, dir) : r.line(Buffer.from(line, 'utf8'), dir).redact.length === 0;
      if (!same) {
        r.context.lastCommand = saved;
        return false;
      }
    }
    return true;
  }

  #pushBytes(dir: 'tx' | 'rx', bytes: Buffer, t: number | null): void {
    if (!this.#redactor) {
      this.#emit(dir, Buffer.from(bytes), [], t);
      return;
    }
    const st = this.#state[dir];
    // the held module line ended with its CRs: neither an LF nor another CR came after them
    if (bytes[0] !== 0x0a && bytes[0] !== 0x0d) this.#endAtCr(st, dir);
    const linesUnchanged = this.#verdicts.linesUnchanged;
    if (atLineStart(st) && linesUnchanged) {
      // nothing of this line is held or was released: when every complete line in the bytes
      // passes the rules unchanged (one latin1 view, read line by line by the redactor), they
      // go out as they are, as the loop below would send them; the rest is held
      const end = lastLineEnd(bytes, dir);
      if (end > 0 && linesUnchanged(bytes.toString('latin1', 0, end), dir, true)) {
        this.#emit(dir, Buffer.from(bytes.subarray(0, end)), [], t);
        if (end < bytes.length) {
          st.held.push(Buffer.from(bytes.subarray(end)));
          st.heldLen = bytes.length - end;
          st.heldT = t;
          if (st.heldLen > this.#holdMax) {
            this.flush(dir);
            if (st.heldLen > this.#holdMax) this.#overflow(st, dir);
          }
        } else st.heldT = null;
        return;
      }
    }
    if (st.heldLen === 0) st.heldT = t;
    const pieces: Buffer[] = [];
    const spans: Redaction[] = [];
    let outLen = 0;
    let start = 0;
    // true while the output is bytes[0, start) unchanged
    let same = true;
    // the first complete line began with held bytes; where it ends in the output
    let heldLine = false;
    let firstEnd = 0;
    // next line ends (line-ends.ts), each searched again only once passed
    const ends = new LineEnds(bytes, dir, false);
    for (;;) {
      const i = ends.next(start);
      if (i < 0) break;
      let line = bytes.subarray(start, i);
      if (st.heldLen > 0) {
        line = Buffer.concat([...st.held, line]);
        st.held = [];
        st.heldLen = 0;
        same = false;
        heldLine = true;
      }
      start = i;
      const r = this.#complete(st, dir, line, true);
      if (r.data !== line) same = false;
      for (const s of r.redact) spans.push({ ...s, at: s.at + outLen });
      pieces.push(r.data);
      outLen += r.data.length;
      if (heldLine) {
        heldLine = false;
        firstEnd = outLen;
      }
    }
    if (start < bytes.length) {
      st.held.push(Buffer.from(bytes.subarray(start)));
      st.heldLen += bytes.length - start;
    }
    if (pieces.length > 0) {
      const out = same ? Buffer.from(bytes.subarray(0, start)) : Buffer.concat(pieces, outLen);
      if (firstEnd > 0 && firstEnd < outLen && st.heldT !== t) {
        // the line completed with held bytes keeps their time; the lines after it came now (as
        // they would, byte by byte: the time of a line never depends on how the bytes were cut)
        this.#emit(dir, out.subarray(0, firstEnd), spans.filter((x) => x.at < firstEnd), st.heldT);
        this.#emit(dir, out.subarray(firstEnd), spans.filter((x) => x.at >= firstEnd).map((x) => ({ ...x, at: x.at - firstEnd })), t);
      } else this.#emit(dir, out, spans, st.heldT ?? t);
    }
    st.heldT = st.heldLen > 0 ? (start < bytes.length && pieces.length > 0 ? t : st.heldT) : null;
    if (st.heldLen > this.#holdMax) {
      this.flush(dir);
      if (st.heldLen > this.#holdMax) this.#overflow(st, dir);
    }
  }

  /**
   * Release of the held partial lines (both directions when dir is omitted) what can no longer
   * become sensitive; the rest stays held.
   */
  flush(dir?: 'tx' | 'rx'): void {
    const r = this.#redactor;
    if (!r) return;
    if (dir) this.#flushDir(r, dir);
    else {
      this.#flushDir(r, 'rx');
      this.#flushDir(r, 'tx');
    }
  }

  #flushDir(redactor: Redactor, d: 'tx' | 'rx'): void {
    const st = this.#state[d];
    // a module line held up to a CR, and no LF after it for the quiet time (or before the other
    // direction spoke, or before the hold limit was passed): it ended at that CR
    if (this.#endAtCr(st, d) || st.heldLen === 0) return;
    // the rest of a masked value that a line end cut: held whole until its line is complete
    if (st.openValue) return;
    const held = this.#take(st);
    if (st.maskRest) {
      this.#emit(d, held.fill(MASK), [{ at: 0, len: held.length, tag: 'partial' }], st.heldT);
      st.heldT = null;
      return;
    }
    const text = held.toString('latin1');
    const from = redactor.holdFrom(text, d, blankSoFar(st));
    if (from > 0) {
      const part = held.subarray(0, from);
      const r = redactor.line(part, d); // known secrets wholly inside it
      this.#emit(d, r.data === part ? Buffer.from(part) : r.data, r.redact, st.heldT);
      this.#released(st, text.slice(0, from));
    }
    if (from < held.length) {
      st.held = [Buffer.from(held.subarray(from))];
      st.heldLen = held.length - from;
    } else st.heldT = null;
  }

  /**
   * A module line held up to a CR at its end (line-ends.ts: undecided while its LF may come) is
   * complete there: the caller saw that no LF follows. Masked and released; false when no such
   * line is held.
   */
  #endAtCr(st: DirState, dir: 'tx' | 'rx'): boolean {
    if (st.heldLen === 0 || !pendingCr(dir, lastHeld(st))) return false;
    const line = this.#take(st);
    const r = this.#complete(st, dir, line, true);
    this.#emit(dir, r.data, r.redact, st.heldT);
    st.heldT = null;
    return true;
  }

  /**
   * The stream was cut here (stop, close, end of input): release what is held. It is masked as
   * a complete line, and a part held only because it could still grow into a secret (the
   * beginning of a known value, digits that may be an IMSI/ICCID) is masked too: it is a piece
   * of something that was cut, not a whole line.
   */
  end(dir?: 'tx' | 'rx'): void {
    this.#end(dir, true);
  }

  /** What is held is a whole unit (a payload that a quiet time ended): release it masked by the rules as a complete line. */
  endUnit(dir: 'tx' | 'rx'): void {
    this.#end(dir, false);
  }

  #end(dir: 'tx' | 'rx' | undefined, cut: boolean): void {
    for (const d of dir ? [dir] : (['rx', 'tx'] as const)) {
      const st = this.#state[d];
      if (st.heldLen > 0) {
        const line = this.#take(st);
        if (!this.#redactor) this.#emit(d, line, [], st.heldT);
        else {
          const from = cut && !st.maskRest ? this.#redactor.holdFrom(line.toString('latin1'), d, blankSoFar(st)) : line.length;
          const r = this.#complete(st, d, line, false);
          // a keyword's own rule masks its value even when cut; anything else held is a cut piece
          if (from < line.length && line[from] !== 0x2b && line[from] !== 0x5e) {
            let body = line.length;
            while (body > from && (line[body - 1] === 0x0a || line[body - 1] === 0x0d)) body--;
            r.data = Buffer.from(r.data).fill(MASK, from, body);
            r.redact = mergeSpans([...r.redact, { at: from, len: body - from, tag: 'partial' }]);
          }
          this.#emit(d, r.data, r.redact, st.heldT);
        }
      }
      st.heldT = null;
      st.released = '';
      st.releasedLong = false;
      st.maskRest = false;
      st.openValue = false;
    }
  }

  #take(st: DirState): Buffer {
    const b = st.held.length === 1 ? st.held[0]! : Buffer.concat(st.held, st.heldLen);
    st.held = [];
    st.heldLen = 0;
    return b;
  }

  #released(st: DirState, text: string): void {
    if (st.releasedLong) return;
    if (st.released.length + text.length > this.#holdMax) {
      st.released = '';
      st.releasedLong = true;
    } else st.released += text;
  }

  /** A line held past the limit: masked whole (terminators aside), and so is the rest of it. */
  #overflow(st: DirState, dir: 'tx' | 'rx'): void {
    const held = this.#take(st);
    this.#emit(dir, Buffer.from(held).fill(MASK), [{ at: 0, len: held.length, tag: 'partial' }], st.heldT);
    st.heldT = null;
    st.maskRest = true;
    this.#released(st, ' '.repeat(held.length));
  }

  /**
   * The held rest of a line, now complete (`ended`: it holds its terminator), masked: by the
   * rules over the whole line (the part released before included, for rules anchored at the
   * line start), of which only the rest is returned.
   */
  #complete(st: DirState, dir: 'tx' | 'rx', rest: Buffer, ended: boolean): { data: Buffer; redact: Redaction[] } {
    const open = st.openValue;
    const before = st.releasedLong ? '' : st.released;
    // a line masked whole for its length ends no value in particular
    const wholeMasked = st.maskRest;
    let r = this.#rules(st, dir, rest, ended);
    let from = 0;
    if (open) {
      // the rest of the value the last line cut (nothing of this line was released: flushDir
      // holds it), up to its closing quote; without one, the value goes on past this line too
      const body = bodyEnd(rest);
      const q = rest.indexOf(0x22);
      const end = q >= 0 && q < body ? q : body;
      if (end > 0) {
        r = { data: Buffer.from(r.data).fill(MASK, 0, end), redact: mergeSpans([...r.redact, { at: 0, len: end, tag: 'partial' }]) };
      }
      st.openValue = false;
      if (end === body) return r;
      from = q + 1;
    }
    // a module line only (a host line ends the command at its CR whatever quote is open), and for
    // one line: an answer that never closes its quote does not mask the session after it
    st.openValue = dir === 'rx' && ended && !wholeMasked && r.redact.length > 0 && endsInValue(before, rest, from, r.redact);
    return r;
  }

  /** The rules over a complete line (`#complete`), the part of it released before included. */
  #rules(st: DirState, dir: 'tx' | 'rx', rest: Buffer, ended: boolean): { data: Buffer; redact: Redaction[] } {
    if (st.maskRest) {
      let body = rest.length;
      while (body > 0 && (rest[body - 1] === 0x0a || rest[body - 1] === 0x0d)) body--;
      if (ended) this.#newLine(st);
      if (body === 0) return { data: rest, redact: [] };
      const data = Buffer.from(rest).fill(MASK, 0, body);
      return { data, redact: [{ at: 0, len: body, tag: 'partial' }] };
    }
    const before = st.releasedLong ? '' : st.released;
    if (ended) this.#newLine(st);
    if (before.length === 0) return this.#redactor!.line(rest, dir);
    // the whole line (one line: its only terminator is at its end) read as text first: most pass unchanged
    const linesUnchanged = this.#verdicts.linesUnchanged;
    if (linesUnchanged && linesUnchanged(before + rest.toString('latin1'), dir, true)) return { data: rest, redact: [] };
    const whole = Buffer.concat([Buffer.from(before, 'latin1'), rest]);
    const r = this.#redactor!.line(whole, dir);
    if (r.redact.length === 0) return { data: rest, redact: [] };
    const redact: Redaction[] = [];
    for (const s of r.redact) {
      const at = Math.max(s.at, before.length);
      const end = s.at + s.len;
      if (end > at) redact.push({ ...s, at: at - before.length, len: end - at });
    }
    return { data: r.data.subarray(before.length), redact };
  }

  #newLine(st: DirState): void {
    st.released = '';
    st.releasedLong = false;
    st.maskRest = false;
  }

  #emit(dir: 'tx' | 'rx', data: Buffer, redact: Redaction[], t: number | null): void {
    this.#out({ dir, data, redact, t: this.#time(t) });
  }

  /** A piece's time: never less than a piece released before. */
  #time(t: number | null): number | null {
    if (t === null) return t;
    if (this.#lastT !== null && t < this.#lastT) t = this.#lastT;
    this.#lastT = t;
    return t;
  }
}

/** Nothing of the current line is held or was released: the next byte starts a line. */
function atLineStart(st: DirState): boolean {
  return st.heldLen === 0 && st.released.length === 0 && !st.releasedLong && !st.maskRest && !st.openValue;
}

/**
 * Nothing but blanks of the current line was released: for the rules it still starts here (a
 * bare IMSI/ICCID answer may follow its leading spaces, tabs or NULs, so it is held as at a line
 * start; a blank released over a pause must not end that hold).
 */
function blankSoFar(st: DirState): boolean {
  return !st.releasedLong && BLANKS.test(st.released);
}

/** blanks, and the quote a bare answer may start with (`"460…"`) */
const BLANKS = /^[\s\0]*"?$/;

/** Where a line's text ends (before its CRs and LFs). */
function bodyEnd(line: Buffer): number {
  let e = line.length;
  while (e > 0 && (line[e - 1] === 0x0a || line[e - 1] === 0x0d)) e--;
  return e;
}

/**
 * Does a masked line end inside a quoted value the rules masked? (An odd number of quotes from
 * `from` on, the part released before counted, and a mask that reaches the end of its text.)
 */
function endsInValue(before: string, rest: Buffer, from: number, spans: readonly Redaction[]): boolean {
  const body = bodyEnd(rest);
  if (!spans.some((x) => x.at + x.len === body)) return false;
  let quotes = 0;
  for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 0x22) quotes++;
  for (let i = from; i < body; i++) if (rest[i] === 0x22) quotes++;
  return quotes % 2 === 1;
}

/** The last byte held of the current line. */
function lastHeld(st: DirState): number | undefined {
  const b = st.held[st.held.length - 1];
  return b === undefined ? undefined : b[b.length - 1];
}

function fresh(): DirState {
  return { held: [], heldLen: 0, heldT: null, released: '', releasedLong: false, maskRest: false, openValue: false };
}
