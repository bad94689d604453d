import { EventEmitter } from 'node:events';

/** Map of event name to listener argument tuple. */
export type EventMap = { [event: string]: unknown[] };

/**
 * A typed facade over Node's EventEmitter: `on('message', (m) => …)` is checked
 * against the event map, and `emit` cannot send the wrong payload.
 */
export class TypedEmitter<E extends EventMap> {
  readonly #ee = new EventEmitter();

  constructor() {
    this.#ee.setMaxListeners(100);
  }

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#ee.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#ee.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.#ee.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  listenerCount<K extends keyof E & string>(event: K): number {
    return this.#ee.listenerCount(event);
  }

  protected emit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    // An 'error' event with no listener would throw from emit(); the library never wants that.
    if (event === 'error' && this.#ee.listenerCount('error') === 0) return false;
    return this.#ee.emit(event, ...args);
  }

  removeAllListeners(): this {
    this.#ee.removeAllListeners();
    return this;
  }
}
