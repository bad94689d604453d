import { TypedEmitter } from '../util/emitter.js';
import { CatError } from '../util/errors.js';
import type { ModemPort, ModemPortEvents } from './types.js';

/** One end of an in-memory pair. */
class MemoryEnd extends TypedEmitter<ModemPortEvents> implements ModemPort {
  readonly description: string;
  #open = true;
  peer: MemoryEnd | null = null;
  readonly #chunk: number;

  constructor(description: string, chunk: number) {
    super();
    this.description = description;
    this.#chunk = chunk;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  write(data: Uint8Array | string): Promise<void> {
    if (!this.#open) return Promise.reject(new CatError('ERR_PORT_CLOSED', `${this.description} is closed`));
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    const peer = this.peer;
    // Delivered on a microtask: after the writer's synchronous code, before any timer, and
    // independent of fake timers.
    queueMicrotask(() => {
      if (!peer || !peer.#open || bytes.length === 0) return;
      if (this.#chunk > 0) {
        for (let i = 0; i < bytes.length; i += this.#chunk) peer.emit('data', bytes.subarray(i, i + this.#chunk));
      } else peer.emit('data', bytes);
    });
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#shut(undefined);
    return Promise.resolve();
  }

  /** Close because of a failure (e.g. simulate the device being unplugged). */
  fail(error: Error): void {
    this.#shut(error);
  }

  #shut(error: Error | undefined): void {
    if (!this.#open) return;
    this.#open = false;
    queueMicrotask(() => {
      this.emit('close', error);
      const peer = this.peer;
      if (peer && peer.#open) peer.#shut(error);
    });
  }
}

export interface MemoryPairOptions {
  /** Deliver writes in pieces of at most this many bytes (0 = whole). Default 0. */
  chunk?: number;
}

export interface MemoryPair {
  /** The host side: give this to the engine. */
  host: ModemPort & { fail(error: Error): void };
  /** The module side: the emulator (or a test) reads host bytes here and writes module output. */
  module: ModemPort & { fail(error: Error): void };
}

/** Two connected in-memory ports: what one writes, the other receives. */
export function createPortPair(opts: MemoryPairOptions = {}): MemoryPair {
  const chunk = opts.chunk ?? 0;
  if (!Number.isInteger(chunk) || chunk < 0) throw new CatError('ERR_INVALID_OPTION', `chunk must be an integer >= 0 (got ${String(opts.chunk)})`);
  const host = new MemoryEnd('memory:host', chunk);
  const module = new MemoryEnd('memory:module', chunk);
  host.peer = module;
  module.peer = host;
  return { host, module };
}
