import { existsSync, statSync } from 'node:fs';
import { text, type Text } from '../util/i18n.js';
import { TypedEmitter } from '../util/emitter.js';
import { CatError } from '../util/errors.js';
import type { ModemPort, ModemPortEvents } from './types.js';

export interface SerialOptions {
  /** Device path, e.g. /dev/ttyUSB0, /dev/serial/by-id/…, COM3. */
  path: string;
  /** Default 115200. */
  baudRate?: number;
  /** Default 8. */
  dataBits?: 5 | 6 | 7 | 8;
  /** Default 'none'. */
  parity?: 'none' | 'even' | 'odd' | 'mark' | 'space';
  /** Default 1. */
  stopBits?: 1 | 1.5 | 2;
  /** Flow control. Default 'none'. */
  flowControl?: 'none' | 'rtscts' | 'xonxoff';
}

const PARITIES = ['none', 'even', 'odd', 'mark', 'space'] as const;

function validate(opts: SerialOptions): Required<SerialOptions> {
  if (typeof opts.path !== 'string' || opts.path.length === 0) throw new CatError('ERR_INVALID_OPTION', 'a serial port path is needed (e.g. /dev/ttyUSB0)');
  const baudRate = opts.baudRate ?? 115200;
  if (!Number.isInteger(baudRate) || baudRate < 50 || baudRate > 16_000_000) throw new CatError('ERR_INVALID_OPTION', `baud rate must be an integer such as 115200 (got ${String(opts.baudRate)})`);
  const dataBits = opts.dataBits ?? 8;
  if (![5, 6, 7, 8].includes(dataBits)) throw new CatError('ERR_INVALID_OPTION', `data bits must be 5, 6, 7 or 8 (got ${String(opts.dataBits)})`);
  const parity = opts.parity ?? 'none';
  if (!PARITIES.includes(parity)) throw new CatError('ERR_INVALID_OPTION', `parity must be one of ${PARITIES.join(', ')} (got ${String(opts.parity)})`);
  const stopBits = opts.stopBits ?? 1;
  if (![1, 1.5, 2].includes(stopBits)) throw new CatError('ERR_INVALID_OPTION', `stop bits must be 1, 1.5 or 2 (got ${String(opts.stopBits)})`);
  const flowControl = opts.flowControl ?? 'none';
  if (!['none', 'rtscts', 'xonxoff'].includes(flowControl)) throw new CatError('ERR_INVALID_OPTION', `flow control must be none, rtscts or xonxoff (got ${String(opts.flowControl)})`);
  return { path: opts.path, baudRate, dataBits, parity, stopBits, flowControl };
}

/** Explain an open failure in words a bench user can act on. */
export function explainOpenError(path: string, err: unknown): string {
  return explainOpenErrorText(path, err).en;
}

/**
 * Why a device could not be opened, in both languages. A path that is not a serial device (a
 * regular file, /dev/null: the terminal ioctls fail with ENOTTY, "Inappropriate ioctl for
 * device") is said so in one line, without the driver's words about baud rates.
 */
export function explainOpenErrorText(path: string, err: unknown): Text {
  const msg = err instanceof Error ? err.message : String(err);
  if (/ENOENT|No such file/i.test(msg)) return text(`cannot open ${path}: no such device (is the module plugged in? try "cat1 ports")`, `无法打开 ${path}：设备不存在（模组插好了吗？试试 "cat1 ports"）`);
  if (/EACCES|Permission denied/i.test(msg)) return text(`cannot open ${path}: permission denied (add yourself to the "dialout" group, or run with sudo)`, `无法打开 ${path}：权限不足（把自己加入 "dialout" 组，或用 sudo 运行）`);
  if (/EBUSY|Resource busy|Cannot lock port|lock/i.test(msg)) return text(`cannot open ${path}: the port is in use by another program (ModemManager? a terminal? see "cat1 ports")`, `无法打开 ${path}：端口被其他程序占用（ModemManager？串口终端？见 "cat1 ports"）`);
  if (/ENOTTY|Inappropriate ioctl/i.test(msg) || notATerminal(path)) return text(`cannot open ${path}: not a serial device (a file or a device without a serial line; run "cat1 ports" to list candidates)`, `无法打开 ${path}：这不是串口设备（是普通文件或不带串口线路的设备；运行 "cat1 ports" 列出候选串口）`);
  return text(`cannot open ${path}: ${msg}`, `无法打开 ${path}：${msg}`);
}

/** A path that exists and is neither a character device nor a socket (a regular file, a directory). */
function notATerminal(path: string): boolean {
  try {
    const st = statSync(path);
    return !st.isCharacterDevice() && !st.isSocket();
  } catch {
    return false;
  }
}

/** The real serial port, through the `serialport` package (loaded lazily). */
export class SerialModemPort extends TypedEmitter<ModemPortEvents> implements ModemPort {
  readonly description: string;
  readonly options: Required<SerialOptions>;
  #port: import('serialport').SerialPort | null = null;
  #closed = false;
  #watch: ReturnType<typeof setInterval> | null = null;

  private constructor(options: Required<SerialOptions>) {
    super();
    this.options = options;
    this.description = options.path;
  }

  /** Open the device. Rejects with ERR_PORT_OPEN and a message that says what to do. */
  static async open(opts: SerialOptions): Promise<SerialModemPort> {
    const o = validate(opts);
    const { SerialPort } = await import('serialport');
    const self = new SerialModemPort(o);
    await new Promise<void>((resolve, reject) => {
      const sp = new SerialPort(
        {
          path: o.path,
          baudRate: o.baudRate,
          dataBits: o.dataBits,
          parity: o.parity,
          stopBits: o.stopBits,
          rtscts: o.flowControl === 'rtscts',
          xon: o.flowControl === 'xonxoff',
          xoff: o.flowControl === 'xonxoff',
          lock: true,
          autoOpen: false,
        },
      );
      sp.open((err) => {
        if (err) {
          const why = explainOpenErrorText(o.path, err);
          reject(new CatError('ERR_PORT_OPEN', why.en, { cause: err, context: { path: o.path }, zh: why.zh }));
          return;
        }
        self.#port = sp;
        sp.on('data', (chunk: Buffer) => self.emit('data', chunk));
        sp.on('error', (e: Error) => self.emit('error', e));
        sp.on('close', (e: (Error & { disconnected?: boolean }) | null) => self.#onClose(e ?? undefined));
        self.#watchDevice();
        resolve();
      });
    });
    return self;
  }

  get isOpen(): boolean {
    return !this.#closed && this.#port !== null && this.#port.isOpen;
  }

  write(data: Uint8Array | string): Promise<void> {
    const sp = this.#port;
    if (!sp || this.#closed) return Promise.reject(new CatError('ERR_PORT_CLOSED', `${this.description} is closed`));
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    return new Promise((resolve, reject) => {
      sp.write(bytes, (err) => {
        if (err) reject(new CatError('ERR_PORT_WRITE', `could not write to ${this.description}: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    const sp = this.#port;
    if (!sp || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      if (!sp.isOpen) {
        this.#onClose(undefined);
        resolve();
        return;
      }
      sp.close(() => {
        this.#onClose(undefined);
        resolve();
      });
    });
  }

  /**
   * A hung-up tty (USB unplugged, pty master gone) makes the binding read 0 bytes forever
   * without closing: watch the device node, and close with an error when it disappears.
   */
  #watchDevice(): void {
    const path = this.options.path;
    if (process.platform === 'win32' || !existsSync(path)) return;
    this.#watch = setInterval(() => {
      if (existsSync(path)) return;
      const sp = this.#port;
      this.#onClose(new Error('the device disappeared (unplugged?)'));
      if (sp?.isOpen) sp.close(() => undefined);
    }, 250);
    this.#watch.unref();
  }

  #onClose(err: Error | undefined): void {
    if (this.#watch) clearInterval(this.#watch);
    this.#watch = null;
    if (this.#closed) return;
    this.#closed = true;
    this.emit('close', err ? new CatError('ERR_PORT_CLOSED', `${this.description} went away: ${err.message}`, { cause: err }) : undefined);
  }
}
