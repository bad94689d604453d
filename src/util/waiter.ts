import type { EventEmitter } from 'node:events';
import { systemClock, type Clock } from './clock.js';
import type { EventMap, TypedEmitter } from './emitter.js';

/**
 * One waiter primitive (matcher + timeout + abort), in the manner of zigbee-herdsman's
 * "waitress": register what you wait for BEFORE the action that provokes it (the answer can come
 * in the same read as the command's OK), then await the promise.
 *
 *     const w = waitress.wait((ev) => ev.type === 'ecmt-pub' && ev.msgId === 7, { timeoutMs: 30_000 });
 *     await send('AT+ECMTPUB=7,…');        // the URC may already be in w
 *     const urc = await w.promise;          // the event, or null when the timer expired
 *
 * Three ways a wait ends besides a match:
 *   - its timer expires: the promise resolves `null` (or rejects with `timeoutError()` when given);
 *   - its AbortSignal aborts: the promise rejects with the signal's reason (as `events.once` does);
 *   - the owner ends it: `cancel()` resolves `null`, `fail(err)` rejects with err.
 * Timers come from an injectable Clock, so tests use fake timers and never sleep.
 *
 * Where none of this is needed (one event, no matcher, no timer), Node's own
 * `await once(emitter, 'close', { signal })` suffices: the library's emitters are real
 * EventEmitters (util/emitter.ts).
 */
export interface WaitOptions {
  /** Give up after this long, ms. Default: no timer (wait until matched, aborted, cancelled). */
  timeoutMs?: number | null;
  /** Abort the wait: the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Timers. Default systemClock (unref'd timers). */
  clock?: Clock;
  /** When given, a timeout rejects with this error instead of resolving null. */
  timeoutError?: () => Error;
}

/** A wait in progress. */
export interface Pending<T> {
  /**
   * The matching value, or null on timeout/cancel. Already marked handled: a wait failed before
   * anyone awaits it (a reboot while its command is still being sent) is never an unhandled
   * rejection; whoever awaits it still sees the rejection.
   */
  readonly promise: Promise<T | null>;
  /** Stop waiting; the promise resolves null. No effect once settled. */
  cancel(): void;
  /** Stop waiting; the promise rejects with err. No effect once settled. */
  fail(err: Error): void;
  /** True once the promise has settled (matched, timed out, aborted, cancelled or failed). */
  readonly settled: boolean;
}

interface Settler<T> {
  pending: Pending<T>;
  /** settle with a value (a match); false when already settled */
  resolve(v: T): boolean;
}

/** The timer/abort/cancel plumbing shared by every kind of wait. `cleanup` runs once on settle. */
function settler<T>(opts: WaitOptions, cleanup: () => void): Settler<T> {
  const clock = opts.clock ?? systemClock;
  let done = false;
  let timer: unknown = null;
  let res!: (v: T | null) => void;
  let rej!: (e: unknown) => void;
  const promise = new Promise<T | null>((a, b) => {
    res = a;
    rej = b;
  });
  promise.catch(() => undefined);
  const onAbort = (): void => void finish(() => rej(opts.signal?.reason ?? abortError()));
  const finish = (act: () => void): boolean => {
    if (done) return false;
    done = true;
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    opts.signal?.removeEventListener('abort', onAbort);
    cleanup();
    act();
    return true;
  };
  const pending: Pending<T> = {
    promise,
    cancel: () => void finish(() => res(null)),
    fail: (e) => void finish(() => rej(e)),
    get settled() {
      return done;
    },
  };
  if (opts.signal?.aborted) {
    // settle after the caller has the handle (cleanup may refer to it)
    queueMicrotask(onAbort);
  } else {
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.timeoutMs !== undefined && opts.timeoutMs !== null) {
      timer = clock.setTimeout(() => {
        timer = null;
        const te = opts.timeoutError;
        finish(() => (te ? rej(te()) : res(null)));
      }, opts.timeoutMs);
    }
  }
  return { pending, resolve: (v) => finish(() => res(v)) };
}

function abortError(): Error {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}

/** A wait that takes every matching event until it ends (e.g. a URC that may come twice). */
export interface Collector<E> {
  /** The events taken so far, in order. */
  readonly events: readonly E[];
  /**
   * Resolves once `n` events were taken, or after `ms` (look at `events` either way). Rejects when
   * the collector failed (failAll, fail). Resolves at once when cancelled.
   */
  until(n: number, ms: number): Promise<void>;
  /** Stop collecting (idempotent). */
  cancel(): void;
  fail(err: Error): void;
}

interface Entry<E, Tag> {
  match: (ev: E) => boolean;
  tag: Tag | undefined;
  /** true when the entry is done after this event */
  take(ev: E): boolean;
  fail(err: Error): void;
}

/**
 * A set of waits fed by one source of events: `offer(ev)` hands an event to the first wait (in
 * the order registered) whose matcher accepts it. The owner feeds it from its event handler and
 * can end every wait at once (`failAll`: the port closed, the module rebooted).
 */
export class Waitress<E, Tag = unknown> {
  readonly #clock: Clock;
  #entries: Array<Entry<E, Tag>> = [];

  constructor(opts: { clock?: Clock } = {}) {
    this.#clock = opts.clock ?? systemClock;
  }

  /** Wait for one event the matcher accepts. `tag` is the owner's note (e.g. a msgID in use). */
  wait<R extends E>(match: (ev: E) => ev is R, opts?: WaitOptions & { tag?: Tag }): Pending<R>;
  wait(match: (ev: E) => boolean, opts?: WaitOptions & { tag?: Tag }): Pending<E>;
  wait(match: (ev: E) => boolean, opts: WaitOptions & { tag?: Tag } = {}): Pending<E> {
    const entry: Entry<E, Tag> = {
      match,
      tag: opts.tag,
      take: (ev) => {
        s.resolve(ev);
        return true;
      },
      fail: (e) => s.pending.fail(e),
    };
    const s = settler<E>({ clock: this.#clock, ...opts }, () => this.#remove(entry));
    this.#entries.push(entry);
    return s.pending;
  }

  /** Take every event the matcher accepts until cancelled (see Collector). */
  collect(match: (ev: E) => boolean, opts: { tag?: Tag } = {}): Collector<E> {
    const events: E[] = [];
    let failure: Error | null = null;
    let over = false;
    let waiting: { n: number; s: Settler<true> } | null = null;
    const entry: Entry<E, Tag> = {
      match,
      tag: opts.tag,
      take: (ev) => {
        events.push(ev);
        if (waiting && events.length >= waiting.n) waiting.s.resolve(true);
        return false; // keep collecting until cancelled
      },
      fail: (e) => {
        failure = e;
        over = true;
        this.#remove(entry);
        waiting?.s.pending.fail(e);
      },
    };
    this.#entries.push(entry);
    return {
      events,
      until: async (n, ms) => {
        if (failure) throw failure;
        if (events.length >= n || over) return;
        const s = settler<true>({ clock: this.#clock, timeoutMs: ms }, () => {
          waiting = null;
        });
        waiting = { n, s };
        await s.pending.promise;
      },
      cancel: () => {
        over = true;
        this.#remove(entry);
        waiting?.s.resolve(true);
      },
      fail: (e) => entry.fail(e),
    };
  }

  /** Hand an event to the first wait that matches it. True when one took it. */
  offer(ev: E): boolean {
    const entry = this.#entries.find((x) => x.match(ev));
    if (!entry) return false;
    if (entry.take(ev)) this.#remove(entry);
    return true;
  }

  /** End every wait with err (their promises reject). */
  failAll(err: Error): void {
    for (const e of this.#entries.splice(0)) e.fail(err);
  }

  /** The tags of the waits in progress. */
  tags(): Tag[] {
    return this.#entries.flatMap((e) => (e.tag === undefined ? [] : [e.tag]));
  }

  /** How many waits are in progress. */
  get size(): number {
    return this.#entries.length;
  }

  #remove(entry: Entry<E, Tag>): void {
    const i = this.#entries.indexOf(entry);
    if (i >= 0) this.#entries.splice(i, 1);
  }
}

/**
 * Wait for one event of an emitter whose arguments the matcher accepts (all events when no
 * matcher). Resolves with the event's arguments; the listener is removed however the wait ends.
 */
export function waitForEvent<E extends EventMap, K extends keyof E & string>(emitter: TypedEmitter<E>, event: K, opts?: WaitOptions & { match?: (...args: E[K]) => boolean }): Pending<E[K]>;
export function waitForEvent(emitter: EventEmitter, event: string, opts?: WaitOptions & { match?: (...args: any[]) => boolean }): Pending<unknown[]>;
export function waitForEvent(emitter: EventEmitter, event: string, opts: WaitOptions & { match?: (...args: any[]) => boolean } = {}): Pending<unknown[]> {
  const listener = (...args: unknown[]): void => {
    if (!opts.match || opts.match(...args)) s.resolve(args);
  };
  const s = settler<unknown[]>(opts, () => emitter.off(event, listener));
  if (!s.pending.settled) emitter.on(event, listener);
  return s.pending;
}

/**
 * Wait until `ready()` holds: checked now and after each of the emitter's named events. Resolves
 * true when it holds, false on timeout (`ready()` is checked once more then).
 */
export async function waitUntil(emitter: EventEmitter, events: readonly string[], ready: () => boolean, opts: Omit<WaitOptions, 'timeoutError'> = {}): Promise<boolean> {
  if (ready()) return true;
  const listener = (): void => {
    if (ready()) s.resolve(true);
  };
  const s = settler<true>(opts, () => {
    for (const e of events) emitter.off(e, listener);
  });
  for (const e of events) emitter.on(e, listener);
  return (await s.pending.promise) ?? ready();
}
