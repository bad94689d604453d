/**
 * Transcript durability: a recording cat1 killed mid-session (SIGINT, SIGKILL) leaves a
 * transcript whose every complete entry reads back; an incomplete last line at most gives a
 * warning. The module is the emulator on a pseudo-terminal in this process; cat1 records with
 * `cat1 at --record … --wait 60` and is killed while it listens.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPtyEmulator } from '../../src/emulator/pty.js';
import { TranscriptReader, parseTranscript } from '../../src/recording/reader.js';
import type { DataEntry, TranscriptEntry } from '../../src/recording/types.js';
import { cat1, CAT1, ROOT } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';

const reason = hasSocat() ? null : 'socat is not installed (apt-get install socat)';
if (reason) console.warn(`[test/reliability/durability.test.ts skipped] ${reason}`);

const dir = mkdtempSync(join(tmpdir(), 'cat1-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves when the file exists and `ok(text)` holds (woken by file system events, bounded). */
function waitForFile(path: string, ok: (text: string) => boolean, ms = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const read = (): string => (existsSync(path) ? readFileSync(path, 'utf8') : '');
    const w = watch(dirname(path), () => check());
    const timer = setTimeout(() => {
      w.close();
      reject(new Error(`${basename(path)} never satisfied the condition within ${ms} ms:\n${read()}`));
    }, ms);
    const check = (): void => {
      const t = read();
      if (!ok(t)) return;
      clearTimeout(timer);
      w.close();
      resolve(t);
    };
    check();
  });
}

async function readAll(path: string): Promise<{ entries: TranscriptEntry[]; warnings: Array<{ line: number; message: string }> }> {
  const r = TranscriptReader.fromFile(path);
  const entries: TranscriptEntry[] = [];
  for await (const e of r.entries()) entries.push(e);
  return { entries, warnings: r.warnings };
}

const rxText = (entries: TranscriptEntry[]): string =>
  Buffer.concat(entries.filter((e): e is DataEntry => e.dir === 'rx').map((e) => e.data)).toString('latin1');

describe.skipIf(reason !== null)('transcript durability when the recording process is killed', () => {
  it.each(['SIGINT', 'SIGKILL'] as const)('%s while recording: every complete entry reads back with the reader, no error', async (signal) => {
    const pty = await startPtyEmulator({ echo: true, conditions: { ping: { rttMs: 1 } } });
    const file = join(dir, `killed-${signal}.jsonl`);
    try {
      const child = spawn(process.execPath, [CAT1, 'at', '--port', pty.path, '--record', file, '--wait', '60', 'AT', 'AT+CSQ', 'AT+CEREG=1', 'AT+CGMR'], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', LANG: 'C' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, sig) => r({ code, signal: sig })));
      // the last answer is in the file: cat1 now listens for URCs (--wait 60)
      await waitForFile(file, (t) => t.includes('EMU_EC616S'));
      // module output keeps coming while cat1 is killed: registration changes (+CEREG URCs)
      pty.emulator.setConditions({ registration: 'searching' });
      await waitForFile(file, (t) => t.includes('+CEREG: 2'));
      pty.emulator.setConditions({ registration: 'home' });
      child.kill(signal);
      const end = await exited;
      if (signal === 'SIGINT') expect(end.code, stderr).toBe(130);
      else expect(end.signal).toBe('SIGKILL');

      const { entries, warnings } = await readAll(file);
      expect(warnings).toEqual([]);
      const rx = rxText(entries);
      expect(rx).toContain('+CSQ: 24,99');
      expect(rx).toContain('EMU_EC616S');
      expect(rx).toContain('+CEREG: 2');
      const tx = entries.filter((e): e is DataEntry => e.dir === 'tx').map((e) => e.data.toString());
      expect(tx.join('')).toBe('AT\rAT+CSQ\rAT+CEREG=1\rAT+CGMR\r');
      // every line of the file is a complete JSON object, the header first
      const lines = readFileSync(file, 'utf8').split('\n');
      expect(lines.at(-1)).toBe('');
      for (const l of lines.slice(0, -1)) expect(() => JSON.parse(l)).not.toThrow();
      expect(JSON.parse(lines[0]!)).toMatchObject({ cat1: 'transcript', version: 1, redacted: true });
      // and the decoder reads it as a session
      const d = await cat1(['decode', file]);
      expect(d.code, d.stderr).toBe(0);
      expect(d.stdout).toMatch(/AT\+CGMR/);
    } finally {
      await pty.stop();
    }
  });

  it('a recording cut in the middle of a line (a crash during a write): the complete entries read back, the cut line is a warning', async () => {
    const src = join(ROOT, 'hardware-fixtures', 'emulator-healthy-session.jsonl');
    const whole = readFileSync(src, 'utf8');
    const lines = whole.trimEnd().split('\n');
    const file = join(dir, 'cut.jsonl');
    // every complete line, then half of the next one without its newline
    const keep = Math.floor(lines.length / 2);
    const cut = `${lines.slice(0, keep).join('\n')}\n${lines[keep]!.slice(0, Math.floor(lines[keep]!.length / 2))}`;
    appendFileSync(file, cut);
    const { entries, warnings } = await readAll(file);
    expect(entries).toHaveLength(keep - 1);
    expect(warnings).toEqual([{ line: keep + 1, message: expect.stringMatching(/incomplete/) }]);
    const mem = parseTranscript(cut, 'cut.jsonl');
    expect(mem.entries).toHaveLength(keep - 1);
    expect(mem.warnings).toHaveLength(1);
    const d = await cat1(['decode', file]);
    expect(d.code).toBe(0);
    expect(d.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cat1: warning: line \d+: the last line is incomplete/)]);
  });
});
