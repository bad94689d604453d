import { AtEngine, type AtEngineEvents, type AtEngineOptions, type SendOptions } from '../../src/at/engine.js';
import type { AtOutcome } from '../../src/at/types.js';
import { defaultGrammar } from '../../src/grammar.js';
import { createPortPair } from '../../src/port/memory.js';
import type { ModemEvent } from '../../src/urc/types.js';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import type { EcmtEmulatorOptions } from '../../src/emulator/options.js';
import type { EcmtEmulatorEvents } from '../../src/emulator/types.js';

/**
 * The emulator on an in-memory pair, driven by the real AtEngine. Waiting is always for an
 * event (with a timeout that fails the test), never a sleep.
 */

interface Listenable {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

/** Resolve with the arguments of the first `event` for which `predicate` holds (fails after timeoutMs). */
export function waitFor<K extends keyof EcmtEmulatorEvents>(
  emitter: EcmtEmulator,
  event: K,
  predicate?: (...args: EcmtEmulatorEvents[K]) => boolean,
  timeoutMs?: number,
): Promise<EcmtEmulatorEvents[K]>;
export function waitFor<K extends keyof AtEngineEvents>(
  emitter: AtEngine,
  event: K,
  predicate?: (...args: AtEngineEvents[K]) => boolean,
  timeoutMs?: number,
): Promise<AtEngineEvents[K]>;
export function waitFor(target: EcmtEmulator | AtEngine, event: string, predicate: (...args: never[]) => boolean = () => true, timeoutMs = 5000): Promise<unknown[]> {
  const emitter = target as unknown as Listenable;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no "${event}" event matching the predicate within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: never[]): void => {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args);
    };
    emitter.on(event, listener);
  });
}

export interface Rig {
  emulator: EcmtEmulator;
  engine: AtEngine;
  /** Every URC the engine reported, in order. */
  urcs: ModemEvent[];
  /** Everything the module printed, as latin1 text. */
  output(): string;
  send(command: string, opts?: SendOptions): Promise<AtOutcome>;
  /** Send and expect OK; returns the answer lines' raw text. */
  ok(command: string, opts?: SendOptions): Promise<string[]>;
  /** The first URC from index `from` on that matches (waits for it). */
  urc(match: (e: ModemEvent) => boolean, opts?: { from?: number; timeoutMs?: number }): Promise<ModemEvent>;
  /** The URC whose raw text is exactly `raw` (from index `from`). */
  urcRaw(raw: string, opts?: { from?: number; timeoutMs?: number }): Promise<ModemEvent>;
  /** The current number of URCs (a mark for `from`). */
  mark(): number;
  close(): Promise<void>;
}

export function rig(opts: EcmtEmulatorOptions = {}, engineOpts: Partial<AtEngineOptions> = {}): Rig {
  const pair = createPortPair();
  const emulator = new EcmtEmulator(pair.module, opts);
  const engine = new AtEngine(pair.host, { grammar: defaultGrammar(), ...engineOpts });
  const urcs: ModemEvent[] = [];
  engine.on('urc', (e) => urcs.push(e));
  const raw: Buffer[] = [];
  pair.host.on('data', (b) => raw.push(Buffer.from(b)));
  const urc: Rig['urc'] = (match, o = {}) => {
    const from = o.from ?? 0;
    for (let i = from; i < urcs.length; i++) if (match(urcs[i]!)) return Promise.resolve(urcs[i]!);
    return waitFor(engine, 'urc', (e) => match(e), o.timeoutMs ?? 5000).then(([e]) => e);
  };
  return {
    emulator,
    engine,
    urcs,
    output: () => Buffer.concat(raw).toString('latin1'),
    send: (command, o) => engine.send(command, o),
    async ok(command, o) {
      const r = await engine.send(command, o);
      if (r.status !== 'ok') throw new Error(`${command} → ${r.status}: ${JSON.stringify(r)}`);
      return r.lines.map((l) => l.raw);
    },
    urc,
    urcRaw: (text, o) => urc((e) => e.raw === text, o),
    mark: () => urcs.length,
    async close() {
      await emulator.close();
      await engine.close();
    },
  };
}

/** The raw text of an error outcome's final line (e.g. '+CME ERROR: 3', 'ERROR'). */
export function errorOf(o: AtOutcome): string {
  if (o.status !== 'error') throw new Error(`expected an error, got ${o.status}`);
  return o.error.raw;
}
