import pc from 'picocolors';
import { WriteStream } from 'node:tty';
import { tr, type Lang, type Text } from '../util/i18n.js';

/** ANSI colours, only when wanted. */
export interface Paint {
  dim(s: string): string;
  bold(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
}

/** The painter (picocolors), on or off. */
export function paint(on: boolean): Paint {
  const c = pc.createColors(on);
  return { dim: c.dim, bold: c.bold, red: c.red, green: c.green, yellow: c.yellow, cyan: c.cyan, magenta: c.magenta };
}

/**
 * Colour when --no-color was not given and the environment allows it the way Node's own tty
 * colour detection reads it (tty.WriteStream#getColorDepth: FORCE_COLOR first — it also colours
 * a pipe —, then NO_COLOR, NODE_DISABLE_COLORS, TERM=dumb, then what the terminal supports), and
 * stdout is a terminal unless FORCE_COLOR asks for colour anyway.
 */
export function wantColor(flag: boolean | undefined, stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === false) return false;
  const depth = WriteStream.prototype.getColorDepth.call(stream, env);
  if (env['FORCE_COLOR'] !== undefined) return depth > 2;
  return stream.isTTY === true && depth > 2;
}

/**
 * Buffer's own UTF-8 encoder (what Buffer#write calls after checking its arguments; one call per
 * output line). It is not a documented API and Node's typings omit it: where a Node lacks it,
 * Buffer#write does the same.
 */
const utf8Write: (buf: Buffer, s: string, offset: number) => number =
  typeof (Buffer.prototype as Partial<{ utf8Write: unknown }>).utf8Write === 'function'
    ? (buf, s, offset) => (buf as Buffer & { utf8Write(s: string, offset: number): number }).utf8Write(s, offset)
    : (buf, s, offset) => buf.write(s, offset, 'utf8');

/** Bytes collected before a write (lines are written once 64 KiB are there). */
const BUF_BYTES = 1 << 17;

/**
 * Buffered stdout with backpressure: large outputs (a decode of a 1 GiB file) never pile up
 * in memory, and a closed pipe (`| head`) ends the program quietly.
 */
export class Out {
  readonly json: boolean;
  readonly lang: Lang;
  readonly p: Paint;
  readonly #stream: NodeJS.WritableStream;
  /** lines not written yet, as UTF-8 (encoded line by line: cheaper than joining strings) */
  #buf: Buffer = Buffer.allocUnsafe(BUF_BYTES);
  #size = 0;
  #closed = false;

  /** live output (a session as it happens): every line goes out at once instead of in batches */
  readonly live: boolean;

  constructor(opts: { json: boolean; lang: Lang; color: boolean; stream?: NodeJS.WritableStream; live?: boolean }) {
    this.json = opts.json;
    this.live = opts.live ?? false;
    this.lang = opts.lang;
    this.p = paint(opts.color && !opts.json);
    this.#stream = opts.stream ?? process.stdout;
    this.#stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') {
        this.#closed = true;
        process.exit(process.exitCode ?? 0);
      }
    });
  }

  /** Text in the chosen language. */
  t(x: Text): string {
    return tr(x, this.lang);
  }

  line(s: string): void {
    if (this.#closed) return;
    // a UTF-16 unit is at most 3 bytes of UTF-8
    if (this.#size + s.length * 3 + 1 > this.#buf.length) {
      if (this.#size > 0) void this.#write();
      if (s.length * 3 + 1 > this.#buf.length) this.#buf = Buffer.allocUnsafe(s.length * 3 + 1);
    }
    // the encoder itself, without Buffer#write's argument checks (one call per line)
    this.#size += utf8Write(this.#buf, s, this.#size);
    this.#buf[this.#size++] = 0x0a;
    if (this.live) {
      if (!this.#scheduled) {
        // lines of the same tick go out together, at once
        this.#scheduled = true;
        queueMicrotask(() => {
          this.#scheduled = false;
          void this.#write();
        });
      }
    } else if (this.#size >= 1 << 16) void this.#write();
  }

  /** One JSON object per line. */
  obj(o: unknown): void {
    this.line(JSON.stringify(o));
  }

  #pendingDrain: Promise<void> | null = null;
  #scheduled = false;

  #write(): Promise<void> {
    if (this.#size === 0) return this.#pendingDrain ?? Promise.resolve();
    // the stream may keep the chunk: a small one is copied, a large one handed over
    let chunk: Buffer;
    if (this.#size < 1 << 14) chunk = Buffer.from(this.#buf.subarray(0, this.#size));
    else {
      chunk = this.#buf.subarray(0, this.#size);
      this.#buf = Buffer.allocUnsafe(BUF_BYTES);
    }
    this.#size = 0;
    const ok = this.#stream.write(chunk);
    if (!ok && !this.#pendingDrain) {
      this.#pendingDrain = new Promise((r) =>
        this.#stream.once('drain', () => {
          this.#pendingDrain = null;
          r();
        }),
      );
    }
    return this.#pendingDrain ?? Promise.resolve();
  }

  /** Let the consumer catch up: await this in loops that produce a lot of output. */
  async drain(): Promise<void> {
    if (this.#size >= 1 << 16) await this.#write();
    else if (this.#pendingDrain) await this.#pendingDrain;
  }

  async flush(): Promise<void> {
    await this.#write();
  }
}

/** Progress and warnings go to stderr, never to stdout (stdout stays clean for --json). */
export function note(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

/**
 * Resolves when SIGINT or SIGTERM arrives (Ctrl-C). `cancel()` removes the handlers.
 * While it waits, the signals no longer kill the process: the caller stops cleanly.
 */
export function onStopSignal(): { signal: Promise<NodeJS.Signals>; cancel(): void } {
  let cancel = (): void => undefined;
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      cancel();
      resolve(sig);
    };
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
    cancel = () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    };
  });
  return { signal, cancel: () => cancel() };
}
