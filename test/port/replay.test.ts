import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReplayPort } from '../../src/port/replay.js';
import type { TranscriptEntry } from '../../src/recording/types.js';
import { AtEngine } from '../../src/at/engine.js';
import { defaultGrammar } from '../../src/grammar.js';
import { MemorySink, makeHeader } from '../../src/recording/writer.js';

const tx = (s: string, redact?: Array<{ at: number; len: number; tag: string }>): TranscriptEntry => ({ t: null, dir: 'tx', data: Buffer.from(s), ...(redact ? { redact } : {}) });
const rx = (s: string): TranscriptEntry => ({ t: null, dir: 'rx', data: Buffer.from(s) });

describe('strict replayer', () => {
  it('plays the module side for the engine and ends with nothing unconsumed', async () => {
    const port = new ReplayPort([tx('AT+CSQ\r'), rx('\r\n+CSQ: 20,99\r\n\r\nOK\r\n'), rx('\r\n+ECMTSTAT: 0,1\r\n')]);
    const engine = new AtEngine(port, { grammar: defaultGrammar() });
    const urcs: string[] = [];
    engine.on('urc', (e) => urcs.push(e.raw));
    const o = await engine.send('AT+CSQ');
    expect(o).toMatchObject({ status: 'ok', lines: [{ rssi: 20 }] });
    await port.whenIdle();
    expect(urcs).toEqual(['+ECMTSTAT: 0,1']);
    expect(() => port.assertDone()).not.toThrow();
  });

  it('delivers module output in pieces of at most 8 bytes by default', async () => {
    const port = new ReplayPort([rx('\r\n+ECMTRECV: 0,1,"t",hello world\r\n')]);
    const sizes: number[] = [];
    port.on('data', (b) => sizes.push(b.length));
    await port.whenIdle();
    expect(Math.max(...sizes)).toBeLessThanOrEqual(8);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(34);
  });

  it('fails a write that differs from the recording with a readable diff', async () => {
    const port = new ReplayPort([tx('AT+CEREG?\r'), rx('\r\nOK\r\n')]);
    const err = await port.write('AT+CSQ\r').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_REPLAY_MISMATCH' });
    expect((err as Error).message).toContain('expects "AT+CEREG?\\r"');
    expect((err as Error).message).toContain('first difference at byte 4: expected "E", got "S"');
  });

  it('accepts any bytes of the same length in a redacted span', async () => {
    const port = new ReplayPort([tx('AT+ECMTCONN=0,"id","****","******"\r', [{ at: 20, len: 4, tag: 'username' }, { at: 27, len: 6, tag: 'password' }]), rx('\r\nOK\r\n')]);
    await expect(port.write('AT+ECMTCONN=0,"id","user","secret"\r')).resolves.toBeUndefined();
    await port.whenIdle();
    expect(() => port.assertDone()).not.toThrow();
  });

  it('reports what was left unconsumed', async () => {
    const port = new ReplayPort([tx('AT\r'), rx('\r\nOK\r\n'), tx('ATI\r'), rx('\r\nEC616S\r\n')]);
    await port.write('AT\r');
    await port.whenIdle();
    expect(() => port.assertDone()).toThrow(expect.objectContaining({ code: 'ERR_REPLAY_UNCONSUMED', message: expect.stringContaining('2 entries left unconsumed') }));
  });

  it('accepts a host write split over several calls and several writes merged into one', async () => {
    const port = new ReplayPort([tx('AT\r'), tx('ATE0\r'), rx('\r\nOK\r\n')]);
    await port.write('A');
    await port.write('T\rATE');
    await port.write('0\r');
    await port.whenIdle();
    expect(port.remaining).toBe(0);
  });

  it('loads a transcript file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cat1-replay-'));
    const sink = new MemorySink(makeHeader({ kind: 'emulator', redacted: true, source: 'test' }));
    sink.write(tx('AT\r'));
    sink.write(rx('\r\nOK\r\n'));
    const file = join(dir, 't.jsonl');
    writeFileSync(file, sink.toJsonl());
    const port = await ReplayPort.fromFile(file);
    const engine = new AtEngine(port, { grammar: defaultGrammar() });
    expect(await engine.send('AT')).toMatchObject({ status: 'ok' });
    expect(port.description).toBe(`replay:${file}`);
  });
});
