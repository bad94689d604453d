import { existsSync } from 'node:fs';
import { TypedEmitter } from '../util/emitter.js';
import { CatError } from '../util/errors.js';
import type { ModemPort, ModemPortEvents } from './types.js';
import { SerialModemPort, type SerialOptions } from './serial.js';

export type FollowEvent =
  | { type: 'gone'; path: string; reason: string }
  | { type: 'back'; path: string; downMs: number };

export type FollowingPortEvents = ModemPortEvents & { follow: [e: FollowEvent] };

export interface FollowOptions {
  /** how often to look for the device while it is gone, ms. Default 500. */
  pollMs?: number;
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
      this.#poll();
    });
  }

  #poll(): void {
    if (this.#closed) return;
    // not unref'd: waiting for the device is what the program is doing now
    this.#timer = setTimeout(() => void this.#tryReopen(), this.#o.pollMs ?? 500);
  }

  async #tryReopen(): Promise<void> {
    if (this.#closed) return;
    let path: string | null = existsSync(this.options.path) ? this.options.path : null;
    if (!path && this.#o.serialNumber) path = await (this.#o.findBySerial ?? defaultFind)(this.#o.serialNumber).catch(() => null);
    if (!path) return this.#poll();
    try {
      const inner = await SerialModemPort.open({ ...this.options, path });
      if (this.#closed) {
        await inner.close();
        return;
      }
      const downMs = Date.now() - (this.#gone?.since ?? Date.now());
      this.#gone = null;
      this.#attach(inner);
      this.emit('follow', { type: 'back', path, downMs });
    } catch {
      this.#poll(); // there, but not openable yet (udev still setting it up)
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
    const inner = this.#inner;
    this.#inner = null;
    if (inner) await inner.close();
    this.emit('close', undefined);
  }
}
