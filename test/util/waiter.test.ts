import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from '../../src/util/emitter.js';
import { waitForEvent, Waitress, waitUntil } from '../../src/util/waiter.js';

type Ev = { type: 'pub' | 'sub'; id: number };
type Events = { urc: [ev: Ev]; tick: [n: number] };
class Source extends TypedEmitter<Events> {}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Waitress: waits registered before the action', () => {
  it('an event offered before anyone awaits is kept: the promise resolves with it', async () => {
    const w = new Waitress<Ev>();
    const p = w.wait((e) => e.type === 'pub' && e.id === 7, { timeoutMs: 1000 });
    expect(w.offer({ type: 'pub', id: 7 })).toBe(true);
    expect(await p.promise).toEqual({ type: 'pub', id: 7 });
    expect(p.settled).toBe(true);
    expect(w.size).toBe(0);
  });

  it('an event no wait matches is not taken (the owner treats it as unsolicited)', () => {
    const w = new Waitress<Ev>();
    w.wait((e) => e.id === 1);
    expect(w.offer({ type: 'pub', id: 2 })).toBe(false);
    expect(w.size).toBe(1);
  });

  it('the first registered wait that matches takes the event, the next waits for the next one', async () => {
    const w = new Waitress<Ev>();
    const a = w.wait((e) => e.type === 'sub');
    const b = w.wait((e) => e.type === 'sub');
    w.offer({ type: 'sub', id: 1 });
    expect(a.settled).toBe(true);
    expect(b.settled).toBe(false);
    w.offer({ type: 'sub', id: 2 });
    expect(await a.promise).toEqual({ type: 'sub', id: 1 });
    expect(await b.promise).toEqual({ type: 'sub', id: 2 });
  });

  it('resolves null when its timer expires, and no earlier', async () => {
    const w = new Waitress<Ev>();
    const p = w.wait(() => true, { timeoutMs: 30_000 });
    vi.advanceTimersByTime(29_999);
    expect(p.settled).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await p.promise).toBeNull();
    expect(w.size).toBe(0);
    // an event after the timer is no longer taken
    expect(w.offer({ type: 'pub', id: 1 })).toBe(false);
  });

  it('rejects with the given error on timeout when timeoutError is set', async () => {
    const w = new Waitress<Ev>();
    const p = w.wait(() => true, { timeoutMs: 10, timeoutError: () => new Error('no +ECMTPUB within 10 ms') });
    vi.advanceTimersByTime(10);
    await expect(p.promise).rejects.toThrow('no +ECMTPUB within 10 ms');
  });

  it('uses the injected clock for its timer', async () => {
    let fire: (() => void) | null = null;
    const cleared: unknown[] = [];
    const clock = { now: () => 0, setTimeout: (fn: () => void) => ((fire = fn), 'h1'), clearTimeout: (h: unknown) => void cleared.push(h) };
    const w = new Waitress<Ev>({ clock });
    const p = w.wait(() => true, { timeoutMs: 5 });
    expect(fire).not.toBeNull();
    fire!();
    expect(await p.promise).toBeNull();
    const q = w.wait(() => true, { timeoutMs: 5 });
    w.offer({ type: 'pub', id: 3 });
    expect(await q.promise).toEqual({ type: 'pub', id: 3 });
    expect(cleared).toEqual(['h1']);
  });

  it('an AbortSignal rejects the wait with its reason and removes it', async () => {
    const w = new Waitress<Ev>();
    const ac = new AbortController();
    const p = w.wait(() => true, { timeoutMs: 1000, signal: ac.signal });
    ac.abort(new Error('user pressed Ctrl-C'));
    await expect(p.promise).rejects.toThrow('user pressed Ctrl-C');
    expect(w.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an already aborted signal rejects with AbortError', async () => {
    const w = new Waitress<Ev>();
    const p = w.wait(() => true, { signal: AbortSignal.abort() });
    await expect(p.promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(w.size).toBe(0);
  });

  it('cancel() resolves null and frees the timer; later offers are not taken', async () => {
    const w = new Waitress<Ev>();
    const p = w.wait(() => true, { timeoutMs: 1000 });
    p.cancel();
    expect(await p.promise).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    expect(w.offer({ type: 'pub', id: 1 })).toBe(false);
  });

  it('failAll() rejects every wait, and a wait failed before anyone awaits it raises no unhandled rejection', async () => {
    const w = new Waitress<Ev>();
    const a = w.wait(() => true, { timeoutMs: 1000 });
    const b = w.wait(() => true);
    w.failAll(new Error('the module rebooted'));
    // a microtask turn with nobody awaiting: vitest fails the file on an unhandled rejection
    await Promise.resolve();
    await expect(a.promise).rejects.toThrow('the module rebooted');
    await expect(b.promise).rejects.toThrow('the module rebooted');
    expect(w.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('settles once: a match after cancel, or a cancel after a match, changes nothing', async () => {
    const w = new Waitress<Ev>();
    const p = w.wait(() => true);
    w.offer({ type: 'sub', id: 9 });
    p.cancel();
    p.fail(new Error('late'));
    expect(await p.promise).toEqual({ type: 'sub', id: 9 });
  });

  it('tags() lists the tags of the waits in progress (e.g. msgIDs in use)', () => {
    const w = new Waitress<Ev, number>();
    const a = w.wait((e) => e.id === 3, { tag: 3 });
    w.wait((e) => e.id === 4, { tag: 4 });
    w.wait(() => true);
    expect(w.tags()).toEqual([3, 4]);
    a.cancel();
    expect(w.tags()).toEqual([4]);
  });
});

describe('Waitress.collect: an answer that may come twice', () => {
  it('until(n) resolves once n events came; the collector keeps taking until cancelled', async () => {
    const w = new Waitress<Ev>();
    const c = w.collect((e) => e.type === 'pub');
    const first = c.until(1, 1000);
    w.offer({ type: 'pub', id: 1 });
    await first;
    expect(c.events).toEqual([{ type: 'pub', id: 1 }]);
    const second = c.until(2, 1500);
    w.offer({ type: 'pub', id: 2 });
    await second;
    expect(c.events.map((e) => e.id)).toEqual([1, 2]);
    c.cancel();
    expect(w.offer({ type: 'pub', id: 3 })).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('until(n) resolves after ms when fewer came', async () => {
    const w = new Waitress<Ev>();
    const c = w.collect(() => true);
    w.offer({ type: 'pub', id: 1 });
    const p = c.until(2, 1500);
    let done = false;
    void p.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(1499);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    expect(c.events).toHaveLength(1);
  });

  it('until() rejects when the collector fails (port closed), and cancel() wakes a waiting until()', async () => {
    const w = new Waitress<Ev>();
    const c = w.collect(() => true);
    const p = c.until(1, 1000);
    w.failAll(new Error('port closed'));
    await expect(p).rejects.toThrow('port closed');
    await expect(c.until(1, 1000)).rejects.toThrow('port closed');
    const d = new Waitress<Ev>().collect(() => true);
    const q = d.until(1, 1000);
    d.cancel();
    await q;
    expect(d.events).toEqual([]);
  });
});

describe('waitForEvent: one event of an emitter, with a matcher, a timer and a signal', () => {
  it('resolves with the arguments of the first event the matcher accepts and removes its listener', async () => {
    const s = new Source();
    const p = waitForEvent(s, 'urc', { match: (ev) => ev.id === 2, timeoutMs: 100 });
    s.emit('urc', { type: 'pub', id: 1 });
    s.emit('urc', { type: 'pub', id: 2 });
    const got = await p.promise;
    expect(got).toEqual([{ type: 'pub', id: 2 }]);
    expect(s.listenerCount('urc')).toBe(0);
  });

  it('resolves null on timeout and leaves no listener', async () => {
    const s = new Source();
    const p = waitForEvent(s, 'tick', { timeoutMs: 50 });
    vi.advanceTimersByTime(50);
    expect(await p.promise).toBeNull();
    expect(s.listenerCount('tick')).toBe(0);
  });

  it('works on a plain EventEmitter (a child process, a stream) and rejects on abort', async () => {
    const e = new EventEmitter();
    const ac = new AbortController();
    const p = waitForEvent(e, 'data', { signal: ac.signal, timeoutMs: 1000 });
    ac.abort(new Error('socat exited'));
    await expect(p.promise).rejects.toThrow('socat exited');
    expect(e.listenerCount('data')).toBe(0);
  });
});

describe('waitUntil: a condition re-checked on events', () => {
  it('true at once when the condition already holds', async () => {
    expect(await waitUntil(new EventEmitter(), ['x'], () => true, { timeoutMs: 1 })).toBe(true);
  });

  it('true when an event makes it hold, false when the timer expires first', async () => {
    const e = new EventEmitter();
    let lost = false;
    const a = waitUntil(e, ['linkLost'], () => lost, { timeoutMs: 3000 });
    e.emit('linkLost');
    lost = true;
    e.emit('linkLost');
    expect(await a).toBe(true);
    expect(e.listenerCount('linkLost')).toBe(0);
    const b = waitUntil(e, ['reconnected'], () => false, { timeoutMs: 3000 });
    await vi.advanceTimersByTimeAsync(3000);
    expect(await b).toBe(false);
    expect(e.listenerCount('reconnected')).toBe(0);
  });
});
