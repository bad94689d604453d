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

export interface ScriptStep {
  /** the command line the host must write (without CR), or a pattern */
  expect: string | RegExp;
  /** what the module prints in answer (may hold the > prompt, OK, URCs) */
  reply: string;
  /** after the prompt: the payload the host must write before Ctrl-Z */
  data?: string;
  /** printed after the payload and Ctrl-Z */
  afterData?: string;
}

/**
 * A strict scripted module: each host command must be the next expected one, in order (as
 * Zephyr's modem_chat mock does). `unexpected` collects anything else the host wrote.
 */
export function script(d: ReturnType<typeof dialogue>, steps: ScriptStep[]) {
  const queue = [...steps];
  const unexpected: string[] = [];
  let buf = '';
  let inData: ScriptStep | null = null;
  d.pair.module.on('data', (b) => {
    buf += b.toString('latin1');
    for (;;) {
      if (inData) {
        const z = buf.indexOf('\x1a');
        if (z < 0) return;
        const payload = buf.slice(0, z);
        buf = buf.slice(z + 1);
        if (inData.data !== undefined && payload !== inData.data) unexpected.push(`data ${JSON.stringify(payload)}`);
        const after = inData.afterData ?? '';
        inData = null;
        if (after) void d.say(after);
        continue;
      }
      const cr = buf.indexOf('\r');
      if (cr < 0) return;
      const line = buf.slice(0, cr);
      buf = buf.slice(cr + 1);
      const step = queue[0];
      const ok = step && (typeof step.expect === 'string' ? step.expect === line : step.expect.test(line));
      if (!step || !ok) {
        unexpected.push(line);
        continue;
      }
      queue.shift();
      if (step.data !== undefined || step.afterData !== undefined) inData = step;
      void d.say(step.reply);
    }
  });
  return {
    unexpected,
    remaining: () => queue.length,
  };
}

export const OK = '\r\nOK\r\n';
export const urc = (s: string): string => `\r\n${s}\r\n`;
/** The two state queries a session sends before open/connect, answered "nothing open". */
export const NOTHING_OPEN: ScriptStep[] = [
  { expect: 'AT+ECMTOPEN?', reply: OK },
  { expect: 'AT+ECMTCONN?', reply: OK },
];
