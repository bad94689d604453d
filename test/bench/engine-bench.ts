/**
 * Item 4: one AT command round trip through the engine against an in-memory module that echoes
 * the command and answers it, against the same exchange done by hand (raw writes, and reads
 * until the final result).
 */
import { AtEngine } from '../../src/at/engine.js';
import { defaultGrammar } from '../../src/grammar.js';
import { createPortPair, type MemoryPair } from '../../src/port/memory.js';

const COMMAND = 'AT+CSQ';
const ANSWER = Buffer.from(`${COMMAND}\r\r\n+CSQ: 23,99\r\n\r\nOK\r\n`, 'latin1');
const FINAL = Buffer.from('\r\nOK\r\n', 'latin1');

/** The module: echo on, every command line answered at once with +CSQ and OK. */
function echoModule(pair: MemoryPair): void {
  let line = '';
  pair.module.on('data', (chunk: Buffer) => {
    line += chunk.toString('latin1');
    let cr = line.indexOf('\r');
    while (cr >= 0) {
      line = line.slice(cr + 1);
      void pair.module.write(ANSWER);
      cr = line.indexOf('\r');
    }
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface RoundTrips {
  engineMs: number;
  rawMs: number;
  rounds: number;
}

/** Medians (ms) of `rounds` round trips each way, measured in alternating blocks. */
export async function roundTrips(rounds: number, block = 500): Promise<RoundTrips> {
  const a = createPortPair();
  echoModule(a);
  const engine = new AtEngine(a.host, { grammar: defaultGrammar() });
  const b = createPortPair();
  echoModule(b);
  const raw = b.host;
  // raw: write the command, collect what comes back until it ends with the final result
  let got: Buffer[] = [];
  let waiter: (() => void) | null = null;
  raw.on('data', (chunk: Buffer) => {
    got.push(chunk);
    const last = chunk.length >= FINAL.length ? chunk : Buffer.concat(got);
    if (waiter && last.subarray(last.length - FINAL.length).equals(FINAL)) {
      const w = waiter;
      waiter = null;
      w();
    }
  });
  const rawCmd = Buffer.from(`${COMMAND}\r`, 'latin1');
  const rawOnce = async (): Promise<Buffer> => {
    got = [];
    const done = new Promise<void>((resolve) => (waiter = resolve));
    await raw.write(rawCmd);
    await done;
    return Buffer.concat(got);
  };
  const eng: number[] = [];
  const rw: number[] = [];
  // warm-up (until both paths are optimised), and a check that both ways saw the whole answer
  for (let i = 0; i < 10000; i++) {
    const o = await engine.send(COMMAND);
    if (o.status !== 'ok' || o.lines.length !== 1) throw new Error(`engine round trip failed: ${JSON.stringify(o)}`);
    const r = await rawOnce();
    if (!r.equals(ANSWER)) throw new Error(`raw round trip got ${JSON.stringify(r.toString('latin1'))}`);
  }
  for (let done = 0; done < rounds; done += block) {
    for (let i = 0; i < block; i++) {
      const t0 = performance.now();
      await engine.send(COMMAND);
      eng.push(performance.now() - t0);
    }
    for (let i = 0; i < block; i++) {
      const t0 = performance.now();
      await rawOnce();
      rw.push(performance.now() - t0);
    }
  }
  await engine.close();
  await b.host.close();
  return { engineMs: median(eng), rawMs: median(rw), rounds: eng.length };
}
