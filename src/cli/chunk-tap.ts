import { createRedactor } from '../redact/redact.js';
import { StreamRedactor } from '../redact/stream-redactor.js';
import type { Out } from './io.js';
import { clockTime } from './timeline-tap.js';

/** One chunk of raw bytes as it arrived (masked for display unless secrets are shown). */
export interface RawChunk {
  dir: 'tx' | 'rx';
  bytes: Buffer;
  /** seconds since the start */
  t: number;
  /** wall clock, ms since the epoch */
  time: number;
}

/**
 * The raw bytes, chunk for chunk as the port delivered them. With masking, a chunk that holds
 * part of a line is shown once its line is complete (a secret can be split across chunks), or
 * after a quiet time; without, every chunk is shown as it arrives.
 */
export class ChunkTap {
  readonly #stream: StreamRedactor;
  readonly #onChunk: (c: RawChunk) => void;
  readonly #queue: Record<'tx' | 'rx', Array<{ len: number; t: number; time: number }>> = { tx: [], rx: [] };
  readonly #released: Record<'tx' | 'rx', Buffer[]> = { tx: [], rx: [] };
  readonly #quietMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(onChunk: (c: RawChunk) => void, opts: { mask?: boolean; quietMs?: number; secrets?: readonly string[] } = {}) {
    this.#onChunk = onChunk;
    this.#quietMs = opts.quietMs ?? 50;
    this.#stream = new StreamRedactor(opts.mask === false ? null : createRedactor(undefined, [...(opts.secrets ?? [])]), (p) => this.#release(p.dir, p.data));
  }

  push(dir: 'tx' | 'rx', bytes: Buffer, t: number, time: number = Date.now()): void {
    if (bytes.length === 0) return;
    this.#queue[dir].push({ len: bytes.length, t, time });
    this.#stream.push(dir, bytes, t);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#stream.holding) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#stream.flush();
      }, this.#quietMs);
      this.#timer.unref();
    }
  }

  /** The stream ended: show everything held (masked as complete lines). */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#stream.end();
  }

  #release(dir: 'tx' | 'rx', data: Buffer): void {
    const rel = this.#released[dir];
    rel.push(data);
    let have = Buffer.concat(rel);
    const q = this.#queue[dir];
    while (q.length > 0 && q[0]!.len <= have.length) {
      const c = q.shift()!;
      this.#onChunk({ dir, bytes: have.subarray(0, c.len), t: c.t, time: c.time });
      have = have.subarray(c.len);
    }
    this.#released[dir] = have.length > 0 ? [have] : [];
  }
}

/** Hex of a buffer, bytes separated by spaces. */
export function hex(b: Buffer): string {
  return b.toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

/** Printable ASCII of a buffer, '.' for the rest (the right column of a hex dump). */
export function ascii(b: Buffer): string {
  let s = '';
  for (const c of b) s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
  return s;
}

/** A chunk as hex-dump lines (16 bytes a line) after a time/direction head. */
export function formatChunk(c: RawChunk, out: Out, withClock: boolean): string[] {
  const p = out.p;
  const head = `${withClock ? `${p.dim(clockTime(c.time))} ` : ''}${p.dim(c.t.toFixed(3).padStart(8))}  ${c.dir === 'tx' ? '⇢' : '⇠'} `;
  const pad = ' '.repeat((withClock ? 13 : 0) + 12);
  const lines: string[] = [];
  for (let i = 0; i < c.bytes.length; i += 16) {
    const part = c.bytes.subarray(i, i + 16);
    lines.push(`${i === 0 ? head : pad} ${p.dim(hex(part).padEnd(47))}  ${p.dim(`|${ascii(part)}|`)}${i === 0 && c.bytes.length > 16 ? p.dim(`  ${c.bytes.length} B`) : ''}`);
  }
  return lines;
}
