/**
 * Time source and timers, injectable so tests use fake timers and never sleep.
 * The default reads the globals at call time, so `vi.useFakeTimers()` applies even
 * to objects created before it was called.
 */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const h = globalThis.setTimeout(fn, ms);
    // Timers of the library never keep a CLI process alive on their own.
    if (typeof h === 'object' && h !== null && 'unref' in h) (h as { unref(): void }).unref();
    return h;
  },
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};
