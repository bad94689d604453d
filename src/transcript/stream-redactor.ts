import type { Redactor } from './redact.js';
import type { Redaction } from './types.js';

export interface RedactedPiece {
  dir: 'tx' | 'rx';
  data: Buffer;
  redact: Redaction[];
  /** time of the first byte of the piece (caller's unit) */
  t: number | null;
}

interface DirState {
  held: Buffer[];
  heldLen: number;
  heldT: number | null;
  /** a sensitive line was flushed before its end: mask the rest of it */
  maskRest: boolean;
}

const SENSITIVE_START = /^[\s\0]*(AT\+ECMTCONN|AT\+ECMTCFG\s*=\s*"?(ssl|aliauth)|\+ECMTCFG:\s*"?(ssl|aliauth)|AT\+CPIN|AT\+CPWD|AT\+CLCK|\+ICCID|\+ECICCID|\+CCID|\^ICCID)/i;

/**
 * Redaction over byte streams: secrets can be split across chunks, so bytes are held until
 * their line is complete (tx lines end at CR or LF, rx lines at LF), then masked. A partial
 * line is released by flush() (the other direction spoke, a quiet time passed, or close);
 * if it was a sensitive line, the rest of it is masked whole when it comes.
 * With no redactor, bytes pass straight through, chunk for chunk.
 */
export class StreamRedactor {
  readonly #redactor: Redactor | null;
  readonly #out: (p: RedactedPiece) => void;
  readonly #holdMax: number;
  readonly #state: Record<'tx' | 'rx', DirState> = {
    tx: { held: [], heldLen: 0, heldT: null, maskRest: false },
    rx: { held: [], heldLen: 0, heldT: null, maskRest: false },
  };

  constructor(redactor: Redactor | null, out: (p: RedactedPiece) => void, opts: { holdMax?: number } = {}) {
    this.#redactor = redactor;
    this.#out = out;
    this.#holdMax = opts.holdMax ?? 4096;
  }

  get holding(): boolean {
    return this.#state.tx.heldLen > 0 || this.#state.rx.heldLen > 0;
  }

  push(dir: 'tx' | 'rx', bytes: Buffer, t: number | null): void {
    if (bytes.length === 0) return;
    this.flush(dir === 'tx' ? 'rx' : 'tx'); // keep the order of the two directions exact
    if (!this.#redactor) {
      this.#out({ dir, data: Buffer.from(bytes), redact: [], t });
      return;
    }
    const st = this.#state[dir];
    if (st.heldLen === 0) st.heldT = t;
    const pieces: Buffer[] = [];
    const spans: Redaction[] = [];
    let outLen = 0;
    let start = 0;
    // true while the output is bytes[0, start) unchanged
    let same = true;
    // next line ends (LF; and CR for the host), each searched again only once passed
    let lf = bytes.indexOf(0x0a);
    let cr = dir === 'tx' ? bytes.indexOf(0x0d) : -1;
    for (;;) {
      if (lf >= 0 && lf < start) lf = bytes.indexOf(0x0a, start);
      if (cr >= 0 && cr < start) cr = bytes.indexOf(0x0d, start);
      const i = lf < 0 ? cr : cr < 0 || lf < cr ? lf : cr;
      if (i < 0) break;
      let line = bytes.subarray(start, i + 1);
      if (st.heldLen > 0) {
        line = Buffer.concat([...st.held, line]);
        st.held = [];
        st.heldLen = 0;
        same = false;
      }
      start = i + 1;
      const r = this.#line(st, dir, line);
      if (r.data !== line) same = false;
      for (const s of r.redact) spans.push({ ...s, at: s.at + outLen });
      pieces.push(r.data);
      outLen += r.data.length;
    }
    if (start < bytes.length) {
      st.held.push(Buffer.from(bytes.subarray(start)));
      st.heldLen += bytes.length - start;
    }
    if (pieces.length > 0) this.#out({ dir, data: same ? Buffer.from(bytes.subarray(0, start)) : Buffer.concat(pieces, outLen), redact: spans, t: st.heldT ?? t });
    st.heldT = st.heldLen > 0 ? t : null;
    if (st.heldLen > this.#holdMax) this.flush(dir);
  }

  /** Release held partial lines (both directions when dir is omitted). */
  flush(dir?: 'tx' | 'rx'): void {
    for (const d of dir ? [dir] : (['rx', 'tx'] as const)) {
      const st = this.#state[d];
      if (st.heldLen === 0) continue;
      const line = Buffer.concat(st.held, st.heldLen);
      st.held = [];
      st.heldLen = 0;
      const wasMasking = st.maskRest;
      const r = this.#line(st, d, line);
      // the line goes on after this flush: if it is sensitive, its rest is masked whole
      if (!wasMasking) st.maskRest = r.redact.length > 0 || SENSITIVE_START.test(line.toString('latin1'));
      if (st.maskRest && !wasMasking && r.redact.length === 0) {
        // sensitive prefix but no value yet: mask everything after the '='/':'
        const txt = line.toString('latin1');
        const cut = Math.max(txt.indexOf('='), txt.indexOf(':')) + 1;
        if (cut > 0 && cut < line.length) {
          r.data = Buffer.from(r.data);
          r.data.fill(0x2a, cut);
          r.redact = [{ at: cut, len: line.length - cut, tag: 'partial' }];
        }
      }
      this.#out({ dir: d, data: r.data, redact: r.redact, t: st.heldT });
      st.heldT = null;
    }
  }

  #line(st: DirState, dir: 'tx' | 'rx', line: Buffer): { data: Buffer; redact: Redaction[] } {
    if (st.maskRest) {
      // the end of a sensitive line whose start was flushed early: mask up to the terminator
      const ends = line[line.length - 1] === 0x0a || (dir === 'tx' && line[line.length - 1] === 0x0d);
      let body = line.length;
      while (body > 0 && (line[body - 1] === 0x0a || line[body - 1] === 0x0d)) body--;
      if (ends) st.maskRest = false;
      if (body === 0) return { data: line, redact: [] };
      const data = Buffer.from(line);
      data.fill(0x2a, 0, body);
      return { data, redact: [{ at: 0, len: body, tag: 'partial' }] };
    }
    return this.#redactor!.line(line, dir);
  }
}
