import { existsSync, lstatSync, readlinkSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AtTracker } from '../at/tracker.js';
import { maskItem } from '../at/mask.js';
import { itemToJson } from '../at/json.js';
import type { LineGrammar, TimelineItem } from '../at/types.js';
import { defaultGrammar } from '../grammar.js';
import { createRedactor, type Redactor } from '../redact/redact.js';
import { StreamRedactor } from '../redact/stream-redactor.js';
import { CatError } from '../util/errors.js';
import type { Out } from './io.js';
import { formatItem } from './timeline.js';

/**
 * What the verbs that watch a byte stream share (monitor, term, emulate, replay): a passive
 * decoder of both directions into timeline items (secrets masked for display), a per-chunk
 * view of the raw bytes (masked too), wall-clock times, and the wait for Ctrl-C.
 */

/** Wall-clock time as HH:MM:SS.mmm (local time). */
export function clockTime(ms: number = Date.now()): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export interface TimelineTapOptions {
  grammar: LineGrammar;
  /** mask secrets in the items (default true; false for --log-secrets) */
  mask?: boolean;
  /** values to mask wherever they show (a password the user gave) */
  secrets?: readonly string[];
  /** take `AT…` lines from the module as echoes of commands not seen written (a tap on one direction). Default false. */
  echoStartsCommand?: boolean;
  /** a gap in the module's output that ends a raw +ECMTRECV payload, ms. Default 100. */
  quietMs?: number;
  /** the clock of `t` (ms). Default performance.now. */
  now?: () => number;
}

/**
 * Bytes of both directions in, timeline items out (the tracker the engine uses, fed
 * passively), with `t` in seconds since the tap started.
 */
export class TimelineTap {
  readonly #tracker: AtTracker;
  readonly #onItem: (item: TimelineItem) => void;
  readonly #redactor: Redactor | null;
  /** its own: the display redactor remembers the last command (for the IMSI answer of AT+CIMI) */
  readonly #noteRedactor: Redactor | null;
  readonly #quietMs: number;
  readonly #now: () => number;
  readonly #t0: number;
  #quiet: ReturnType<typeof setTimeout> | null = null;
  #ended = false;

  constructor(onItem: (item: TimelineItem) => void, opts: TimelineTapOptions) {
    this.#onItem = onItem;
    this.#redactor = opts.mask === false ? null : createRedactor(undefined, [...(opts.secrets ?? [])]);
    this.#noteRedactor = opts.mask === false ? null : createRedactor(undefined, [...(opts.secrets ?? [])]);
    this.#quietMs = opts.quietMs ?? 100;
    this.#now = opts.now ?? (() => performance.now());
    this.#t0 = this.#now();
    this.#tracker = new AtTracker((item) => this.#emit(item), { grammar: opts.grammar, echoStartsCommand: opts.echoStartsCommand ?? false });
  }

  /** Seconds since the start. */
  elapsed(): number {
    return Math.round(this.#now() - this.#t0) / 1000;
  }

  /** Bytes the host wrote. */
  tx(bytes: Buffer): void {
    if (this.#ended) return;
    if (this.#tracker.blockPending) this.#tracker.quiet(this.elapsed()); // the host spoke: an open payload has ended
    this.#tracker.tx(bytes, this.elapsed());
  }

  /** Bytes the module wrote. */
  rx(bytes: Buffer): void {
    if (this.#ended) return;
    this.#tracker.rx(bytes, this.elapsed());
    if (this.#quiet !== null) clearTimeout(this.#quiet);
    this.#quiet = null;
    if (this.#tracker.blockPending) {
      this.#quiet = setTimeout(() => {
        this.#quiet = null;
        this.#tracker.quiet(this.elapsed());
      }, this.#quietMs);
      this.#quiet.unref();
    }
  }

  /** An annotation in the timeline (an AT command quoted in it is masked like a command line). */
  note(text: string): void {
    if (this.#ended) return;
    const at = this.#noteRedactor ? text.search(/AT[+^%$]/i) : -1;
    const shown = at < 0 ? text : text.slice(0, at) + this.#noteRedactor!.line(Buffer.from(text.slice(at), 'utf8'), 'tx').data.toString('utf8');
    this.#tracker.note(shown, this.elapsed());
  }

  /** End of the stream: what is held (a payload waiting for its end) is emitted. */
  end(): void {
    if (this.#ended) return;
    if (this.#quiet !== null) clearTimeout(this.#quiet);
    this.#quiet = null;
    this.#tracker.end(this.elapsed());
    this.#ended = true;
  }

  #emit(item: TimelineItem): void {
    this.#onItem(this.#redactor ? maskItem(item, this.#redactor) : item);
  }
}

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

/** A timeline item as JSON with the wall-clock time. */
export function itemJson(item: TimelineItem, out: Out, time: number = Date.now()): Record<string, unknown> {
  return { ...itemToJson(item, out.lang), time: new Date(time).toISOString() };
}

/** A timeline item as human lines, with the wall-clock time in front when asked. */
/**
 * A passive timeline over a port that prints each item as it comes (JSON Lines or human lines
 * with the wall clock), secrets masked unless asked; null when `quiet`.
 */
export function printingTap(out: Out, opts: { quiet: boolean; mask: boolean }): TimelineTap | null {
  if (opts.quiet) return null;
  return new TimelineTap(
    (item) => {
      if (out.json) out.obj(itemJson(item, out));
      else for (const l of itemLines(item, out, true)) out.line(l);
      void out.flush();
    },
    { grammar: defaultGrammar(), mask: opts.mask },
  );
}

export function itemLines(item: TimelineItem, out: Out, withClock: boolean, time: number = Date.now(), opts: { passive?: boolean } = {}): string[] {
  const lines = formatItem(item, out, opts);
  if (!withClock) return lines;
  const clock = out.p.dim(clockTime(time));
  return lines.map((l, i) => (i === 0 ? `${clock} ${l}` : `${' '.repeat(13)}${l}`));
}


/** Wait this long (a timer that does not keep the process alive on its own when unref is asked). */
export function delay(ms: number, unref = false): Promise<void> {
  return new Promise((r) => {
    const h = setTimeout(r, ms);
    if (unref) h.unref();
  });
}

/**
 * Check a --link path before socat is given it: socat replaces whatever is there (a regular
 * file included), so only a new path, or a stale link to a pseudo-terminal that no longer
 * exists, is accepted. Returns the absolute path.
 */
export function checkLinkPath(path: string): string {
  const abs = resolve(path);
  const dir = dirname(abs);
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new CatError('ERR_INVALID_OPTION', `--link ${path}: the directory ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw new CatError('ERR_INVALID_OPTION', `--link ${path}: ${dir} is not a directory`);
  let l;
  try {
    l = lstatSync(abs);
  } catch {
    return abs; // a new path
  }
  if (!l.isSymbolicLink()) throw new CatError('ERR_INVALID_OPTION', `--link ${path}: a file is already there (it would be replaced); choose a new path`);
  const target = readlinkSync(abs);
  if (!/^\/dev\/pts\/\d+$/.test(target)) throw new CatError('ERR_INVALID_OPTION', `--link ${path}: already a link to ${target} (it would be replaced); choose a new path`);
  if (existsSync(target)) throw new CatError('ERR_INVALID_OPTION', `--link ${path}: already links to ${target}, which is live (another "cat1 emulate" or "cat1 replay" running?); stop it or choose a new path`);
  return abs;
}

/**
 * Call `onGone` once the device node at `path` disappears (a USB adapter unplugged, socat
 * ended and removed its link). Needed because a hung-up tty can read as an endless
 * end-of-file that the serialport binding retries without ever reporting a close, so the
 * port's own close event may never come. Checks every `everyMs` (default 250 ms) without
 * keeping the process alive; does nothing on Windows or for a path that did not exist at the
 * start. Returns a function that stops watching.
 */
export function watchDevice(path: string, onGone: () => void, everyMs = 250): () => void {
  if (process.platform === 'win32' || !existsSync(path)) return () => undefined;
  const timer = setInterval(() => {
    if (existsSync(path)) return;
    clearInterval(timer);
    onGone();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
