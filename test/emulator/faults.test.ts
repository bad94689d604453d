import { afterEach, describe, expect, it } from 'vitest';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import type { FaultOptions } from '../../src/emulator/options.js';
import { mulberry32 } from '../../src/emulator/prng.js';
import { createPortPair } from '../../src/port/memory.js';
import { rig, waitFor, type Rig } from './harness.js';

/**
 * Drive an emulator with raw bytes (no engine: garbled output would confuse one) and collect
 * exactly what it wrote, until the ping's DONE was produced (printed or dropped).
 */
async function session(seed: number, faults: FaultOptions): Promise<{ bytes: Buffer; writes: number[] }> {
  const pair = createPortPair();
  const em = new EcmtEmulator(pair.module, { seed, faults, conditions: { ping: { rttMs: 2 } } });
  const out: Buffer[] = [];
  const writes: number[] = [];
  pair.host.on('data', (b) => {
    out.push(Buffer.from(b));
    writes.push(b.length);
  });
  const done = waitFor(em, 'urc', (text) => text === '+ECPING: DONE');
  await pair.host.write('AT\rATI\rAT+CSQ\rAT+CEREG?\rAT+NOSUCH\rAT+ECPING="127.0.0.1",4\r');
  await done;
  const last = waitFor(em, 'answered');
  await pair.host.write('AT+CGMR\r');
  await last;
  await Promise.resolve();
  await em.close();
  return { bytes: Buffer.concat(out), writes };
}

describe('emulator faults are deterministic from the seed', () => {
  const faults: FaultOptions = { garble: 0.03, chunk: 5, dropUrc: { probability: 0.4 }, delayMs: [0, 3] };

  it('gives the same output bytes and the same write sizes for the same seed', async () => {
    const a = await session(42, faults);
    const b = await session(42, faults);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.writes).toEqual(b.writes);
    expect(Math.max(...a.writes)).toBeLessThanOrEqual(5);
  });

  it('gives a different output for another seed', async () => {
    const a = await session(42, faults);
    const c = await session(43, faults);
    expect(a.bytes.equals(c.bytes)).toBe(false);
  });

  it('garbles about the requested share of bytes, and nothing without faults', async () => {
    const clean = await session(1, {});
    const garbled = await session(1, { garble: 0.05 });
    expect(garbled.bytes.length).toBe(clean.bytes.length);
    let diff = 0;
    for (let i = 0; i < clean.bytes.length; i++) if (clean.bytes[i] !== garbled.bytes[i]) diff++;
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(clean.bytes.length * 0.15);
  });

  it('uses mulberry32 (a known sequence)', () => {
    const r = mulberry32(1);
    expect([r(), r(), r()].map((x) => Math.floor(x * 1e6))).toEqual([627073, 2735, 527447]);
  });
});

describe('emulator faults through the engine', () => {
  let r: Rig;
  afterEach(async () => {
    await r?.close();
  });

  it('splits the output into tiny writes that the engine still frames correctly', async () => {
    r = rig({ faults: { chunk: 2 } });
    const sizes: number[] = [];
    r.engine.port.on('data', (b) => sizes.push(b.length));
    expect(await r.ok('ATI')).toHaveLength(3);
    expect(await r.ok('AT+CEREG?')).toEqual(['+CEREG: 0,1']);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2);
  });

  it('delays each command', async () => {
    r = rig({ faults: { delayMs: 60 } });
    const o = await r.send('AT');
    expect(o.status).toBe('ok');
    expect(o.elapsedMs).toBeGreaterThanOrEqual(55);
  });

  it('a reboot while a command waits leaves it unanswered: the engine reports the reset', async () => {
    r = rig({ faults: { delayMs: 200 } });
    const started = waitFor(r.emulator, 'fault', (kind) => kind === 'delay');
    const pending = r.send('AT+CSQ');
    await started;
    r.emulator.reboot();
    expect(await pending).toMatchObject({ status: 'reset', banner: 'RDY' });
    r.emulator.setFaults({});
    expect(await r.ok('AT+CSQ')).toEqual(['+CSQ: 24,99']);
  });

  it('drops URCs by prefix', async () => {
    r = rig({ faults: { dropUrc: { prefixes: ['+ECPING: SUCC'] } }, conditions: { ping: { rttMs: 1 } } });
    const from = r.mark();
    await r.ok('AT+ECPING="127.0.0.1",2');
    await r.urcRaw('+ECPING: DONE', { from });
    expect(r.urcs.slice(from).map((u) => u.raw)).toEqual(['+ECPING: DONE']);
  });
});
