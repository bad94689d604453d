import { TypedEmitter } from '../util/emitter.js';
import { CatError } from '../util/errors.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { ModemPort, ModemPortEvents } from './types.js';
import type { DataEntry, TranscriptEntry } from '../recording/types.js';
import { TranscriptReader } from '../recording/reader.js';

export interface ReplayOptions {
  /** Module output is delivered in pieces of at most this many bytes. Default 8. */
  chunk?: number;
  /** Deliver module output at the recorded pace instead of at once. Default false. */
  pace?: boolean;
  /** Name in messages. Default 'replay'. */
  name?: string;
  clock?: Clock;
}

/** Show bytes readably: printable ASCII as is, the rest escaped. */
export function showBytes(b: Buffer, max = 120): string {
  let s = '';
  for (const c of b.subarray(0, max)) {
    if (c === 0x0d) s += '\\r';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += '\\\\';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `"${s}"${b.length > max ? `… (${b.length} bytes)` : ''}`;
}

function isMasked(e: DataEntry, at: number): boolean {
  return (e.redact ?? []).some((r) => at >= r.at && at < r.at + r.len);
}

/**
 * A strict replayer: plays the module's side of a transcript. Every byte the host writes must
 * match the recording (masked spans accept any byte of the same length); a difference fails
 * the write with ERR_REPLAY_MISMATCH and a readable diff. Module output is delivered in small
 * pieces. assertDone() checks that nothing was left unconsumed.
 */
export class ReplayPort extends TypedEmitter<ModemPortEvents> implements ModemPort {
  readonly description: string;
  readonly #entries: DataEntry[];
  readonly #chunk: number;
  readonly #pace: boolean;
  readonly #clock: Clock;
  #cursor = 0;
  #txOff = 0;
  #open = true;
  #failed: CatError | null = null;
  #scheduled = false;
  #timer: unknown = null;
  #idle: Array<() => void> = [];

  constructor(entries: readonly TranscriptEntry[], opts: ReplayOptions = {}) {
    super();
    const chunk = opts.chunk ?? 8;
    if (!Number.isInteger(chunk) || chunk < 1) throw new CatError('ERR_INVALID_OPTION', `chunk must be an integer >= 1 (got ${String(opts.chunk)})`);
    this.#chunk = chunk;
    this.#pace = opts.pace ?? false;
    this.#clock = opts.clock ?? systemClock;
    this.description = `replay:${opts.name ?? 'transcript'}`;
    this.#entries = entries.filter((e): e is DataEntry => e.dir !== 'note');
    this.#schedule();
  }

  /** Load a transcript file and replay it. */
  static async fromFile(path: string, opts: ReplayOptions = {}): Promise<ReplayPort> {
    const reader = TranscriptReader.fromFile(path);
    const entries: TranscriptEntry[] = [];
    for await (const e of reader.entries()) entries.push(e);
    return new ReplayPort(entries, { name: path, ...opts });
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Entries (tx and rx) not yet consumed. */
  get remaining(): number {
    return this.#entries.length - this.#cursor;
  }

  /** The first mismatch, if any. */
  get failure(): CatError | null {
    return this.#failed;
  }

  /** Resolves when every module output due before the next host write has been delivered. */
  whenIdle(): Promise<void> {
    if (!this.#rxDue()) return Promise.resolve();
    return new Promise((r) => this.#idle.push(r));
  }

  /** Throws ERR_REPLAY_UNCONSUMED when the recording holds more than was played. */
  assertDone(): void {
    if (this.#failed) throw this.#failed;
    if (this.#cursor >= this.#entries.length) return;
    const e = this.#entries[this.#cursor]!;
    const what = e.dir === 'tx' ? `the host was expected to write ${showBytes(e.data.subarray(this.#txOff))}` : `the module output ${showBytes(e.data)} was not delivered`;
    throw new CatError('ERR_REPLAY_UNCONSUMED', `${this.description}: ${this.remaining} entr${this.remaining === 1 ? 'y' : 'ies'} left unconsumed; next (t=${e.t ?? '?'}s): ${what}`, {
      context: { remaining: this.remaining, next: e.dir },
    });
  }

  write(data: Uint8Array | string): Promise<void> {
    if (!this.#open) return Promise.reject(new CatError('ERR_PORT_CLOSED', `${this.description} is closed`));
    if (this.#failed) return Promise.reject(this.#failed);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    // module output recorded before this write is due first
    if (!this.#pace) this.#deliver();
    for (let i = 0; i < bytes.length; i++) {
      const e = this.#entries[this.#cursor];
      if (!e || e.dir !== 'tx') {
        return this.#fail(bytes, i, e ?? null);
      }
      const want = e.data[this.#txOff]!;
      if (bytes[i] !== want && !isMasked(e, this.#txOff)) return this.#fail(bytes, i, e);
      this.#txOff++;
      if (this.#txOff >= e.data.length) {
        this.#cursor++;
        this.#txOff = 0;
      }
    }
    this.#schedule();
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.#open) {
      this.#open = false;
      if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
      queueMicrotask(() => this.emit('close', undefined));
      for (const r of this.#idle.splice(0)) r();
    }
    return Promise.resolve();
  }

  // ---- internals ----

  #fail(bytes: Buffer, i: number, e: DataEntry | null): Promise<void> {
    const at = this.#cursor;
    let msg: string;
    // the pieces of the diff, for callers that print it on several lines
    const context: Record<string, unknown> = { entry: at + 1, t: e?.t ?? null, got: showBytes(bytes.subarray(i)) };
    if (!e) {
      msg = `the host wrote ${showBytes(bytes.subarray(i))} after the end of the recording`;
      context['kind'] = 'after-end';
    } else if (e.dir === 'rx') {
      msg = `the host wrote ${showBytes(bytes.subarray(i))} but the recording expects module output next: ${showBytes(e.data)}`;
      Object.assign(context, { kind: 'module-output-expected', expected: showBytes(e.data) });
    } else {
      const expected = e.data;
      msg =
        `the host wrote ${showBytes(bytes)} but the recording (entry ${at + 1}, t=${e.t ?? '?'}s) expects ${showBytes(expected)}; ` +
        `first difference at byte ${this.#txOff}: expected ${showBytes(expected.subarray(this.#txOff, this.#txOff + 1))}, got ${showBytes(bytes.subarray(i, i + 1))}`;
      // expected and got aligned from the start of the entry (the bytes before matched), and the
      // column of the first difference in those quoted strings
      const same = expected.subarray(0, this.#txOff);
      Object.assign(context, { kind: 'differs', offset: this.#txOff, expected: showBytes(expected), got: showBytes(Buffer.concat([same, bytes.subarray(i)])), column: showBytes(same).length - 1 });
    }
    this.#failed = new CatError('ERR_REPLAY_MISMATCH', `${this.description}: ${msg}`, { context });
    this.emit('error', this.#failed);
    return Promise.reject(this.#failed);
  }

  #rxDue(): boolean {
    const e = this.#entries[this.#cursor];
    return e !== undefined && e.dir === 'rx';
  }

  #schedule(): void {
    if (this.#scheduled || !this.#open) return;
    if (!this.#rxDue()) {
      for (const r of this.#idle.splice(0)) r();
      return;
    }
    this.#scheduled = true;
    if (this.#pace) {
      const e = this.#entries[this.#cursor]!;
      const prev = this.#entries[this.#cursor - 1];
      const delay = e.t !== null && prev && prev.t !== null ? Math.max(0, (e.t - prev.t) * 1000) : 0;
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = null;
        this.#scheduled = false;
        this.#deliverOne();
        this.#schedule();
      }, delay);
      return;
    }
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#deliver();
      for (const r of this.#idle.splice(0)) r();
    });
  }

  #deliver(): void {
    while (this.#open && this.#rxDue()) this.#deliverOne();
  }

  #deliverOne(): void {
    const e = this.#entries[this.#cursor]!;
    this.#cursor++;
    for (let i = 0; i < e.data.length; i += this.#chunk) {
      if (!this.#open) return;
      this.emit('data', e.data.subarray(i, i + this.#chunk));
    }
  }
}
