/**
 * A small incremental reader of module output for the QMT dialect: lines, the `> ` prompt, and
 * `+QMTRECV` messages framed by `scanRecv`. It shows (and tests) that the framing does not
 * depend on how bytes are split; the shared framer uses the same `scanRecv` through the
 * dialect's payload rule.
 */
import { scanRecv, recvEventOf, type ScanOptions } from './recv.js';
import type { QmtEventOf } from './events.js';

export type QmtStreamItem = { kind: 'line'; text: string } | { kind: 'prompt' } | { kind: 'recv'; event: QmtEventOf<'qmt-recv'> };

const LF = 0x0a;
const CR = 0x0d;

export class QmtStreamReader {
  #buf: Buffer = Buffer.alloc(0);
  readonly #out: (i: QmtStreamItem) => void;
  readonly #opts: Omit<ScanOptions, 'final'>;

  constructor(out: (i: QmtStreamItem) => void, opts: Omit<ScanOptions, 'final'> = {}) {
    this.#out = out;
    this.#opts = opts;
  }

  feed(chunk: Uint8Array): void {
    this.#buf = this.#buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#buf, chunk]);
    this.#drain(false);
  }

  /** No byte for the quiet time: a pending message ends with what is there. */
  quiet(): void {
    this.#drain('quiet');
  }

  end(): void {
    this.#drain('eof');
    if (this.#buf.length > 0) {
      const text = trimEnd(this.#buf.toString('utf8'));
      if (text === '>') this.#out({ kind: 'prompt' });
      else if (text.length > 0) this.#out({ kind: 'line', text });
      this.#buf = Buffer.alloc(0);
    }
  }

  #drain(final: 'quiet' | 'eof' | false): void {
    for (;;) {
      const b = this.#buf;
      if (b.length === 0) return;
      // the prompt (no terminator)
      if (b[0] === 0x3e) {
        if (b.length < 2) return;
        if (b[1] === 0x20) {
          this.#out({ kind: 'prompt' });
          this.#buf = b.subarray(2);
          continue;
        }
      }
      if (b[0] === 0x2b || b[0] === 0) {
        const s = b.toString('latin1');
        const r = scanRecv(s, 0, { ...this.#opts, final });
        if (r.status === 'more') return;
        if (r.status === 'done') {
          this.#out({ kind: 'recv', event: recvEventOf(b, 0, r) });
          this.#buf = b.subarray(r.end);
          continue;
        }
      }
      const lf = b.indexOf(LF);
      if (lf < 0) return;
      const text = trimEnd(b.toString('utf8', 0, lf));
      if (text === '>') this.#out({ kind: 'prompt' });
      else if (text.length > 0) this.#out({ kind: 'line', text });
      this.#buf = b.subarray(lf + 1);
    }
  }
}

function trimEnd(s: string): string {
  let e = s.length;
  while (e > 0 && (s.charCodeAt(e - 1) === CR || s.charCodeAt(e - 1) === LF)) e--;
  return s.slice(0, e);
}
