import { existsSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { TypedEmitter } from '../util/emitter.js';
import { CatError } from '../util/errors.js';
import type { ModemPort, ModemPortEvents } from './types.js';
import { SerialModemPort, type SerialOptions } from './serial.js';

export type FollowEvent =
  | { type: 'gone'; path: string; reason: string }
  /** `from`/`to`: when the device went away and when the port was open again (ms since the epoch) */
  | { type: 'back'; path: string; downMs: number; from: number; to: number };

export type FollowingPortEvents = ModemPortEvents & { follow: [e: FollowEvent] };

export interface FollowOptions {
  /**
   * How often to look for the device while it is gone, ms. Default 100. The device's
   * directory is also watched (fs.watch), so a device that reappears is usually reopened at
   * once; the poll is the fallback (no watch possible, or the device not openable yet).
   */
  pollMs?: number;
  /** how often to ask for the device by its serial number (listPorts is costlier), ms. Default 500. */
  serialPollMs?: number;
  /**
   * The device's USB serial number (from listPorts), to find it again under another name
   * (ttyUSB2 becoming ttyUSB3 after re-enumeration). Default: only the same path.
   */
  serialNumber?: string;
  /** finds the current path of a device with this serial number; default: listPorts() */
  findBySerial?: (serial: string) => Promise<string | null>;
}

async function defaultFind(serial: string): Promise<string | null> {
  const { listPorts } = await import('./list.js');
  const ports = await listPorts();
  const p = ports.find((x) => x.serialNumber === serial);
  return p ? (p.byId[0] ?? p.path) : null;
}

/**
 * A serial port that survives the device going away and coming back (USB unplug, a module
 * reset that re-enumerates it): it reopens the same path — or the device with the same USB
 * serial number — and carries on, saying so with `follow` events. While the device is gone,
 * writes fail with ERR_PORT_WRITE; `close` is emitted only when close() is called.
 */
export class FollowingPort extends TypedEmitter<FollowingPortEvents> implements ModemPort {
  readonly options: SerialOptions;
  #inner: SerialModemPort | null;
  #closed = false;
  #gone: { since: number } | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #watcher: FSWatcher | null = null;
  #reopening = false;
  #lastSerialLookup = 0;
  readonly #o: FollowOptions;

  private constructor(inner: SerialModemPort, options: SerialOptions, o: FollowOptions) {
    super();
    this.options = options;
    this.#o = o;
    this.#inner = null;
    this.#attach(inner);
  }

  static async open(options: SerialOptions, o: FollowOptions = {}): Promise<FollowingPort> {
    const inner = await SerialModemPort.open(options);
    return new FollowingPort(inner, options, o);
  }

  get description(): string {
    return this.options.path;
  }

  get isOpen(): boolean {
    return !this.#closed;
  }

  /** Whether the device is there right now. */
  get present(): boolean {
    return this.#gone === null;
  }

  #attach(inner: SerialModemPort): void {
    this.#inner = inner;
    inner.on('data', (b) => this.emit('data', b));
    inner.on('error', (e) => this.emit('error', e));
    inner.on('close', (err) => {
      if (this.#closed || this.#inner !== inner) return;
      this.#inner = null;
      this.#gone = { since: Date.now() };
      this.emit('follow', { type: 'gone', path: this.options.path, reason: err?.message ?? 'closed' });
      this.#watch();
      this.#poll();
    });
  }

  /** Wake up as soon as something changes where the device lives (it reappears). */
  #watch(): void {
    this.#unwatch();
    const name = basename(this.options.path);
    try {
      this.#watcher = watch(dirname(this.options.path), { persistent: false }, (_type, file) => {
        if (file === null || file === name) void this.#tryReopen();
      });
      this.#watcher.on('error', () => this.#unwatch()); // the directory went too: the poll carries on
    } catch {
      this.#watcher = null; // no such directory (yet): the poll finds the device
    }
  }

  #unwatch(): void {
    this.#watcher?.close();
    this.#watcher = null;
  }

  #poll(): void {
    if (this.#closed || this.#gone === null) return;
    if (this.#timer) clearTimeout(this.#timer);
    // not unref'd: waiting for the device is what the program is doing now
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#tryReopen();
    }, this.#o.pollMs ?? 100);
  }

  async #tryReopen(): Promise<void> {
    if (this.#closed || this.#gone === null || this.#reopening) return;
    this.#reopening = true;
    try {
      let path: string | null = existsSync(this.options.path) ? this.options.path : null;
      const now = Date.now();
      if (!path && this.#o.serialNumber && now - this.#lastSerialLookup >= (this.#o.serialPollMs ?? 500)) {
        this.#lastSerialLookup = now;
        path = await (this.#o.findBySerial ?? defaultFind)(this.#o.serialNumber).catch(() => null);
      }
      if (!path) return;
      let inner: SerialModemPort;
      try {
        inner = await SerialModemPort.open({ ...this.options, path });
      } catch {
        return; // there, but not openable yet (udev still setting it up): the poll tries again
      }
      if (this.#closed) {
        await inner.close();
        return;
      }
      const to = Date.now();
      const from = this.#gone?.since ?? to;
      this.#gone = null;
      this.#unwatch();
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      this.#attach(inner);
      this.emit('follow', { type: 'back', path, downMs: to - from, from, to });
    } finally {
      this.#reopening = false;
      this.#poll(); // still gone: look again soon
    }
  }

  write(data: Uint8Array | string): Promise<void> {
    if (this.#closed) return Promise.reject(new CatError('ERR_PORT_CLOSED', `${this.description} is closed`));
    const inner = this.#inner;
    if (!inner) return Promise.reject(new CatError('ERR_PORT_WRITE', `${this.description} is gone; waiting for it to come back (--follow)`));
    return inner.write(data);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#unwatch();
    const inner = this.#inner;
    this.#inner = null;
    if (inner) await inner.close();
    this.emit('close', undefined);
  }
}
