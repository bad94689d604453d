import { EventEmitter } from 'node:events';

/** Map of event name to listener argument tuple. */
export type EventMap = { [event: string]: unknown[] };

/** Type-only key: lets helpers (util/waiter.ts) infer an emitter's event map. No runtime value. */
declare const eventMapKey: unique symbol;

/**
 * Node's own EventEmitter with its listener methods typed by an event map: `on('message', (m) =>
 * …)` is checked against the map and `emit` cannot send the wrong payload. Being a real
 * EventEmitter, it works with Node's helpers: `await once(port, 'close', { signal })`,
 * `for await (const [chunk] of on(port, 'data', { signal }))`.
 *
 * The map types the methods rather than `EventEmitter<E>` itself: with the generic base, a port
 * with one more event (FollowingPort's 'follow') would no longer be a ModemPort (its typed
 * `eventNames()` and `this`-returning methods make the map invariant).
 *
 * Two differences from a bare EventEmitter: up to 100 listeners per event before Node warns
 * (engines, recorders and taps share a port), and an 'error' event with no listener is dropped
 * instead of thrown from emit() (the library never wants that).
 */
export class TypedEmitter<E extends EventMap> extends EventEmitter {
  /** Never set: carries the event map for type inference only. */
  declare readonly [eventMapKey]?: E;

  constructor() {
    super();
    this.setMaxListeners(100);
  }

  override on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.once(event, listener as (...args: unknown[]) => void);
  }

  override off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }

  override listenerCount<K extends keyof E & string>(event: K): number {
    return super.listenerCount(event);
  }

  override emit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    if (event === 'error' && super.listenerCount('error') === 0) return false;
    return super.emit(event, ...args);
  }
}
