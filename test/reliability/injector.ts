/**
 * A byte-level fault injector for the module's side of a link: it builds the exact bytes a
 * module prints (frames, URCs, echo, junk, NUL runs, baud-mismatch garbage) and delivers them
 * to the host in the pieces a test chooses, each piece one `data` event. Deterministic: every
 * random choice comes from a seeded mulberry32.
 */
import { mulberry32 } from '../../src/emulator/prng.js';
import type { ModemPort } from '../../src/port/types.js';
import { settle } from '../helpers/dialogue.js';

/** A frame as the module prints it: `\r\n<text>\r\n`. */
export const frame = (text: string): string => `\r\n${text}\r\n`;

export const OK = frame('OK');

export type Bytes = Buffer | string;

export function toBuf(b: Bytes): Buffer {
  return typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
}

/** Concatenate pieces of module output (strings are latin1: one char, one byte). */
export function bytes(...parts: Bytes[]): Buffer {
  return Buffer.concat(parts.map(toBuf));
}

/** Cut at the given offsets (sorted, inside the buffer). */
export function cutAt(buf: Buffer, offsets: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  let prev = 0;
  for (const o of [...offsets].sort((a, b) => a - b)) {
    if (o <= prev || o >= buf.length) continue;
    out.push(buf.subarray(prev, o));
    prev = o;
  }
  out.push(buf.subarray(prev));
  return out;
}

/** Pieces of `size` bytes (the last one shorter). */
export function everyN(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

/** Pieces of random sizes 1..max from the seed. */
export function randomPieces(buf: Buffer, seed: number, max: number): Buffer[] {
  const r = mulberry32(seed);
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; ) {
    const n = 1 + Math.floor(r() * max);
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** A run of NUL bytes (a line held low, a module powering down). */
export function nulRun(n: number): Buffer {
  return Buffer.alloc(n, 0);
}

/**
 * What a module's output looks like read at the wrong baud rate: mostly bytes with the high
 * bit set, 0x00/0xff framing errors, few printable characters and the odd line feed.
 */
export function baudGarbage(n: number, seed = 7): Buffer {
  const r = mulberry32(seed);
  const common = [0x00, 0x80, 0xf8, 0xfe, 0xff, 0xe0, 0x1c, 0x78, 0x86, 0x9e, 0xc0, 0xf0];
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    const x = r();
    out[i] = x < 0.7 ? common[Math.floor(r() * common.length)]! : x < 0.98 ? Math.floor(r() * 256) : 0x0a;
  }
  return out;
}

/** Junk bytes that are neither text nor a line end. */
export function junk(n: number, seed = 3): Buffer {
  const r = mulberry32(seed);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    let b = Math.floor(r() * 256);
    if (b === 0x0a || b === 0x0d) b = 0xfe;
    out[i] = b;
  }
  return out;
}

/**
 * The module's side of a pair, scripted: `deliver()` writes pieces one by one (one `data`
 * event each on the host, in order) and lets them land; `lines()` is what the host wrote,
 * split at CR; `onLine` answers each command line the host writes.
 */
export class ModuleSide {
  readonly port: ModemPort;
  #rx = '';
  #waiters: Array<() => void> = [];
  readonly written: string[] = [];
  onLine: ((line: string) => void) | null = null;

  constructor(port: ModemPort) {
    this.port = port;
    port.on('data', (b) => {
      this.#rx += b.toString('latin1');
      for (;;) {
        const cr = this.#rx.indexOf('\r');
        if (cr < 0) break;
        const line = this.#rx.slice(0, cr);
        this.#rx = this.#rx.slice(cr + 1);
        this.written.push(line);
        this.onLine?.(line);
      }
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  /** Write the pieces in order, each its own write, then let them land. */
  async deliver(pieces: readonly Bytes[]): Promise<void> {
    for (const p of pieces) await this.port.write(toBuf(p));
    await settle();
  }

  /** Resolves once the host has written a line equal to (or matching) `what`, `times` times in all. */
  async wrote(what: string | RegExp, times = 1): Promise<void> {
    const count = (): number => this.written.filter((l) => (typeof what === 'string' ? l === what : what.test(l))).length;
    while (count() < times) await new Promise<void>((r) => this.#waiters.push(r));
  }
}
