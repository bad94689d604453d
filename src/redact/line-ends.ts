/**
 * Where redaction cuts lines, in one place for the stream redactor and the redactor's text
 * verdicts (they must cut alike): a line ends at LF; a host line also at CR (a command ends
 * there); a module line also after CRs that no LF follows — a module that ends its lines with CR
 * alone (`\r460012345678901\rOK\r`) would otherwise have one endless line, released piece by
 * piece past the hold of a bare IMSI (CRs followed by an LF stay one terminator with it, as the
 * echo's `\r\r\n`). A module's CRs at the very end of what has arrived are undecided (an LF may
 * come next): they end a line only when the text is known to be complete lines (`closed`), or,
 * for the stream redactor, when the next byte is neither CR nor LF or a quiet time (a flush)
 * came first.
 */

const LF = 0x0a;
const CR = 0x0d;

/**
 * The ends of the lines of `s` (a string: one character per code; a Buffer: its bytes), read
 * from the start forwards: `next(start)` is the index after the terminator of the line that
 * begins at `start`, or -1 when that line has not ended. Each of LF and CR is searched again
 * only once passed: linear in the text.
 */
export class LineEnds {
  readonly #s: string | Buffer;
  readonly #host: boolean;
  readonly #closed: boolean;
  #lf: number;
  #cr: number;

  constructor(s: string | Buffer, dir: 'tx' | 'rx', closed: boolean) {
    this.#s = s;
    this.#host = dir === 'tx';
    this.#closed = closed;
    this.#lf = find(s, LF, 0);
    this.#cr = find(s, CR, 0);
  }

  next(start: number): number {
    const s = this.#s;
    if (this.#lf >= 0 && this.#lf < start) this.#lf = find(s, LF, start);
    if (this.#cr >= 0 && this.#cr < start) this.#cr = find(s, CR, start);
    const lf = this.#lf;
    const cr = this.#cr;
    if (cr < 0 || (lf >= 0 && lf < cr)) return lf < 0 ? -1 : lf + 1;
    if (this.#host) return cr + 1;
    // a module's CRs: with an LF right after them, the LF ends the line (then lf === k); the echo
    // of a command, `AT…\r\r\n`, stays one line
    let k = cr + 1;
    while (k < s.length && codeAt(s, k) === CR) k++;
    if (k < s.length) return codeAt(s, k) === LF ? k + 1 : k;
    return this.#closed ? k : -1;
  }
}

/** Where the last complete line of `bytes` ends (after its terminator), or 0; a module's CRs at the very end are undecided. */
export function lastLineEnd(bytes: Buffer, dir: 'tx' | 'rx'): number {
  const lf = bytes.lastIndexOf(LF);
  if (dir === 'tx') return Math.max(lf, bytes.lastIndexOf(CR)) + 1;
  // for the module, the last CR before the last byte that is not a CR ends a line (when an LF
  // follows it, that LF is later)
  let p = bytes.length - 1;
  while (p >= 0 && bytes[p] === CR) p--;
  const cr = p > 0 ? bytes.lastIndexOf(CR, p) : -1;
  return Math.max(lf, cr) + 1;
}

/** Does `text` end as a complete line, whatever comes after it? (LF; for the host also CR.) */
export function endsLine(text: string, dir: 'tx' | 'rx'): boolean {
  const last = text.charCodeAt(text.length - 1);
  return last === LF || (dir === 'tx' && last === CR);
}

/** A module line held so far ends with a CR: whether it ended there depends on the next byte. */
export function pendingCr(dir: 'tx' | 'rx', last: number | undefined): boolean {
  return dir === 'rx' && last === CR;
}

function find(s: string | Buffer, code: number, from: number): number {
  return typeof s === 'string' ? s.indexOf(code === LF ? '\n' : '\r', from) : s.indexOf(code, from);
}

function codeAt(s: string | Buffer, i: number): number | undefined {
  return typeof s === 'string' ? s.charCodeAt(i) : s[i];
}
