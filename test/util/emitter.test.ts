import { on, once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AtEngine } from '../../src/at/engine.js';
import { defaultGrammar } from '../../src/grammar.js';
import { createPortPair } from '../../src/port/memory.js';
import { TypedEmitter } from '../../src/util/emitter.js';

type Events = { tick: [n: number]; error: [err: Error] };
class Ticker extends TypedEmitter<Events> {}

describe('TypedEmitter is a Node EventEmitter', () => {
  it('events.once resolves with the arguments of the event', async () => {
    const t = new Ticker();
    const got = once(t, 'tick');
    t.emit('tick', 7);
    expect(await got).toEqual([7]);
  });

  it('events.once with an AbortSignal rejects with AbortError when aborted, and leaves no listener behind', async () => {
    const t = new Ticker();
    const ac = new AbortController();
    const got = once(t, 'tick', { signal: ac.signal });
    expect(t.listenerCount('tick')).toBe(1);
    ac.abort();
    await expect(got).rejects.toMatchObject({ name: 'AbortError' });
    expect(t.listenerCount('tick')).toBe(0);
  });

  it('events.on iterates the events in order until aborted', async () => {
    const t = new Ticker();
    const ac = new AbortController();
    const seen: number[] = [];
    const loop = (async () => {
      try {
        for await (const [n] of on(t, 'tick', { signal: ac.signal })) {
          seen.push(n as number);
          if (seen.length === 3) ac.abort();
        }
      } catch (err) {
        if ((err as Error).name !== 'AbortError') throw err;
      }
    })();
    for (const n of [1, 2, 3]) t.emit('tick', n);
    await loop;
    expect(seen).toEqual([1, 2, 3]);
  });

  it('an error event with no listener is dropped, not thrown; with a listener it is delivered', () => {
    const t = new Ticker();
    expect(t.emit('error', new Error('nobody listens'))).toBe(false);
    const errs: string[] = [];
    t.on('error', (e) => errs.push(e.message));
    expect(t.emit('error', new Error('heard'))).toBe(true);
    expect(errs).toEqual(['heard']);
  });

  it("a port's close and an engine's close work with events.once", async () => {
    const pair = createPortPair();
    const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
    const portClosed = once(pair.host, 'close');
    const engineClosed = once(engine, 'close');
    await pair.host.close();
    await portClosed;
    await engineClosed;
    expect(pair.host.isOpen).toBe(false);
    await engine.close();
  });
});
