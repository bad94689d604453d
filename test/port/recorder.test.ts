import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPortPair } from '../../src/port/memory.js';
import { RecordingPort } from '../../src/port/recorder.js';
import { MemorySink, TranscriptWriter, makeHeader } from '../../src/recording/writer.js';
import { parseTranscript } from '../../src/recording/reader.js';
import type { DataEntry } from '../../src/recording/types.js';
import { settle } from '../helpers/dialogue.js';

function setup(opts: { redact?: boolean } = {}) {
  const pair = createPortPair();
  const sink = new MemorySink(makeHeader({ kind: 'emulator', redacted: opts.redact !== false, source: 'test' }));
  const rec = new RecordingPort(pair.host, sink, opts);
  return { pair, sink, rec };
}

const bytes = (sink: MemorySink, dir: 'tx' | 'rx') =>
  Buffer.concat(sink.entries.filter((e): e is DataEntry => e.dir === dir).map((e) => e.data)).toString('latin1');

describe('recording port', () => {
  it('tees both directions byte for byte while the real bytes pass through', async () => {
    const { pair, sink, rec } = setup();
    const seen: string[] = [];
    rec.on('data', (b) => seen.push(b.toString()));
    const moduleGot: string[] = [];
    pair.module.on('data', (b) => moduleGot.push(b.toString()));
    await rec.write('AT+CSQ\r');
    await pair.module.write('\r\n+CSQ: 20,99\r\n\r\nOK\r\n');
    await settle();
    rec.flush();
    expect(moduleGot.join('')).toBe('AT+CSQ\r');
    expect(seen.join('')).toBe('\r\n+CSQ: 20,99\r\n\r\nOK\r\n');
    expect(bytes(sink, 'tx')).toBe('AT+CSQ\r');
    expect(bytes(sink, 'rx')).toBe('\r\n+CSQ: 20,99\r\n\r\nOK\r\n');
  });

  it('masks user name and password of AT+ECMTCONN, keeping their length, also when split across writes and echoed', async () => {
    const { pair, sink, rec } = setup();
    const moduleGot: string[] = [];
    pair.module.on('data', (b) => moduleGot.push(b.toString()));
    await rec.write('AT+ECMTCONN=0,"dev1","us');
    await rec.write('er","s3cr');
    await rec.write('et!"\r');
    await pair.module.write('AT+ECMTCONN=0,"dev1","user","s3cr');
    await pair.module.write('et!"\r\r\nOK\r\n');
    await settle();
    await rec.close();
    const all = sink.toJsonl();
    expect(all).not.toContain('s3cret!');
    expect(all).not.toContain('"user"');
    expect(bytes(sink, 'tx')).toBe('AT+ECMTCONN=0,"dev1","****","*******"\r');
    expect(bytes(sink, 'rx')).toContain('AT+ECMTCONN=0,"dev1","****","*******"\r');
    expect(moduleGot.join('')).toBe('AT+ECMTCONN=0,"dev1","user","s3cret!"\r');
    const tx = sink.entries.find((e): e is DataEntry => e.dir === 'tx')!;
    expect(tx.redact).toEqual([
      { at: 22, len: 4, tag: 'username' },
      { at: 29, len: 7, tag: 'password' },
    ]);
  });

  it('keeps secrets when the user opts in', async () => {
    const { sink, rec } = setup({ redact: false });
    await rec.write('AT+ECMTCONN=0,"dev1","user","pw1234"\r');
    expect(bytes(sink, 'tx')).toContain('pw1234');
  });

  describe('with fake timers', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('writes a partial line (the > prompt) after the quiet time', async () => {
      const { pair, sink } = setup();
      await pair.module.write('\r\n> ');
      await settle();
      expect(bytes(sink, 'rx')).toBe('\r\n');
      await vi.advanceTimersByTimeAsync(50);
      expect(bytes(sink, 'rx')).toBe('\r\n> ');
    });
  });

  it('writes a file that reads back, with a note when the port closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cat1-rec-'));
    const file = join(dir, 's.jsonl');
    const pair = createPortPair();
    const w = TranscriptWriter.create(file, makeHeader({ kind: 'emulator', redacted: true, source: 'test' }));
    const rec = new RecordingPort(pair.host, w);
    await rec.write('AT\r');
    await pair.module.write(Buffer.from('\r\nOK\r\n\x00\xff', 'latin1'));
    await settle();
    pair.module.fail(new Error('unplugged'));
    await settle();
    const t = parseTranscript(readFileSync(file, 'utf8'), file);
    expect(t.header).toMatchObject({ cat1: 'transcript', kind: 'emulator', redacted: true });
    const dirs = t.entries.map((e) => e.dir);
    expect(dirs[0]).toBe('tx');
    expect(dirs[dirs.length - 1]).toBe('note');
    const rxBytes = Buffer.concat(t.entries.filter((e): e is DataEntry => e.dir === 'rx').map((e) => e.data));
    expect(rxBytes.equals(Buffer.from('\r\nOK\r\n\x00\xff', 'latin1'))).toBe(true);
  });
});
