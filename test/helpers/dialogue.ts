import { AtEngine, type AtEngineOptions } from '../../src/at/engine.js';
import type { TimelineItem } from '../../src/at/types.js';
import { defaultGrammar } from '../../src/grammar.js';
import { createPortPair } from '../../src/port/memory.js';
import type { ModemEvent } from '../../src/urc/types.js';

/**
 * An engine on an in-memory pair, with the module's side scripted by the test:
 * `host` holds what the engine wrote, `say()` is the module printing.
 */
export function dialogue(opts: Partial<AtEngineOptions> & { chunk?: number } = {}) {
  const { chunk, ...engineOpts } = opts;
  const pair = createPortPair(chunk ? { chunk } : {});
  const engine = new AtEngine(pair.host, { grammar: defaultGrammar(), ...engineOpts });
  const written: Buffer[] = [];
  const waiters: Array<() => void> = [];
  pair.module.on('data', (b) => {
    written.push(Buffer.from(b));
    for (const w of waiters.splice(0)) w();
  });
  const urcs: ModemEvent[] = [];
  const items: TimelineItem[] = [];
  engine.on('urc', (e) => urcs.push(e));
  engine.on('item', (i) => items.push(i));
  return {
    engine,
    pair,
    urcs,
    items,
    /** everything the host wrote so far, as text */
    host: () => Buffer.concat(written).toString('latin1'),
    /** the module prints */
    say: (s: string | Buffer) => pair.module.write(s),
    /** resolves once the host has written at least n bytes in total */
    async hostWrote(text: string): Promise<void> {
      while (!Buffer.concat(written).toString('latin1').includes(text)) {
        await new Promise<void>((r) => waiters.push(r));
      }
    },
  };
}

/** Let microtasks (the in-memory port's deliveries) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
