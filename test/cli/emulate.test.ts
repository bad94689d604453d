import { existsSync, lstatSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtEngine } from '../../src/at/engine.js';
import { defaultGrammar } from '../../src/grammar.js';
import { SerialModemPort } from '../../src/port/serial.js';
import { cat1, startCat1 } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';

const reason = hasSocat() ? null : 'socat is not installed (apt-get install socat)';
if (reason) console.warn(`[test/cli/emulate.test.ts: pseudo-terminal tests skipped] ${reason}`);

const tmp = mkdtempSync(join(tmpdir(), 'cat1-emulate-'));

const start = startCat1;

/** Open the device like a host program does, send commands, close. */
async function ask(path: string, commands: string[]): Promise<Array<{ status: string; lines: string[]; final: string }>> {
  const port = await SerialModemPort.open({ path });
  const engine = new AtEngine(port, { grammar: defaultGrammar() });
  try {
    const out = [];
    for (const c of commands) {
      const o = await engine.send(c);
      out.push({ status: o.status, lines: o.lines.map((l) => l.raw), final: o.status === 'error' ? o.error.raw : o.status });
    }
    return out;
  } finally {
    await engine.close();
  }
}

describe.skipIf(reason !== null)('cat1 emulate on a pseudo-terminal', () => {
  it('--json prints a ready line with the --link path; the device answers AT+CGMI as the emulator; SIGINT stops it with exit 0', async () => {
    const link = join(tmp, 'ttyEMU');
    const e = start(['emulate', '--link', link, '--json']);
    const m = await e.waitFor(/^.*\n/);
    const ready = JSON.parse(m[0]) as Record<string, unknown>;
    expect(ready).toMatchObject({ type: 'ready', path: link, profile: 'ec616s' });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const [cgmi] = await ask(link, ['AT+CGMI']);
    expect(cgmi).toMatchObject({ status: 'ok', lines: [expect.stringContaining('emulator')] });
    // the session as JSON Lines: the command and its answer
    await e.waitFor(/"role":"final"/);
    const events = e.io.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.find((x) => x['type'] === 'command')).toMatchObject({ dir: 'tx', command: 'AT+CGMI', time: expect.stringMatching(/Z$/) });
    e.child.kill('SIGINT');
    expect(await e.exited).toBe(0);
    expect(JSON.parse(e.io.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'end', reason: 'interrupted' });
    expect(existsSync(link)).toBe(false); // the link is gone with the emulator
  });

  it('maps the conditions: --rssi, --registration, --no-pdp, --sim; human mode prints "emulator ready:" and the timeline; SIGTERM exits 0', async () => {
    const e = start(['emulate', '--rssi', '10', '--registration', 'searching', '--no-pdp', '--profile', 'ec626-tls']);
    const m = await e.waitFor(/^emulator ready: (\S+)\n/);
    const answers = await ask(m[1]!, ['AT+CSQ', 'AT+CEREG?', 'AT+CGMM', 'AT+ECMTOPEN=0,"localhost",1883']);
    expect(answers[0]!.lines).toEqual(['+CSQ: 10,99']);
    expect(answers[1]!.lines[0]).toMatch(/^\+CEREG: 0,2/);
    expect(answers[2]!.lines).toEqual(['EC626_TLS-EMU']);
    expect(answers[3]!.final).toBe('+CME ERROR: 3');
    await e.waitFor(/← +\+CME ERROR: 3/);
    expect(e.io.stdout).toMatch(/\d\d:\d\d:\d\d\.\d{3} +\d+\.\d{3} {2}→ {2}AT\+CSQ/);
    expect(e.io.stdout).toMatch(/← {2}\+CSQ: 10,99 +signal -93 dBm/);
    e.child.kill('SIGTERM');
    expect(await e.exited).toBe(0);
    expect(e.io.stderr).toMatch(/emulator stopped/);
  });

  it('--fault and --seed reach the emulator; --record writes its own session as an "emulator" transcript, secrets masked', async () => {
    const record = join(tmp, 'emu.jsonl');
    const e = start(['emulate', '--json', '--fault', 'chunk=2', '--fault', 'delay=5-20', '--echo', '--seed', '7', '--record', record]);
    const m = await e.waitFor(/"path":"([^"]+)"/);
    const answers = await ask(m[1]!, ['AT+CGMR', 'AT+ECMTCONN=0,"dev","user1","hunter2"']);
    expect(answers[0]).toMatchObject({ status: 'ok', lines: [expect.stringContaining('emulated firmware')] });
    expect(answers[1]!.final).toBe('+CME ERROR: 3');
    e.child.kill('SIGINT');
    expect(await e.exited).toBe(0);
    // each injected delay is reported in the timeline as a note
    const notes = e.io.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((x) => x['type'] === 'note');
    const delays = notes.map((n) => /^fault delay: (\d+) ms before AT\+CGMR/.exec(String(n['raw']))).filter((x) => x !== null);
    expect(delays).toHaveLength(1);
    expect(Number(delays[0]![1])).toBeGreaterThanOrEqual(5);
    expect(Number(delays[0]![1])).toBeLessThanOrEqual(20);
    const lines = readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ cat1: 'transcript', kind: 'emulator', redacted: true, source: expect.stringContaining('seed 7') });
    const text = lines.slice(1).map((x) => String(x['text'] ?? '')).join('');
    expect(text).toContain('AT+CGMR\r'); // the echo is on
    expect(text).toContain('AT+ECMTCONN=0,"dev","*****","*******"');
    expect(text).not.toContain('hunter2');
    expect(e.io.stdout).not.toContain('hunter2'); // the timeline masks it too
  });
});

describe('cat1 emulate usage errors (one line, exit 2)', () => {
  it.each([
    [['--fault', 'bogus'], /--fault bogus: unknown fault "bogus" \(known: delay, drop-urc, garble, chunk, broker-silence, drop-incoming, hang\)/],
    [['--fault', 'garble=2'], /--fault garble=2: a probability between 0 and 1/],
    [['--fault', 'delay=500-100'], /--fault delay=500-100: the range is <min>-<max>/],
    [['--fault', 'broker-silence=connak'], /unknown packet type connak/],
    [['--rssi', '40'], /--rssi: must be an integer 0–31/],
    [['--sim', 'lost'], /Invalid values:[\s\S]*sim/],
    [['--link', '/nonexistent-dir/tty'], /--link \/nonexistent-dir\/tty: the directory \/nonexistent-dir does not exist/],
  ])('%j', async (args, message) => {
    const r = await cat1(['emulate', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a --link path where a file already is (socat would replace it), and leaves the file alone', async () => {
    const file = join(tmp, 'precious.txt');
    writeFileSync(file, 'keep me');
    const r = await cat1(['emulate', '--link', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`cat1: --link ${file}: a file is already there (it would be replaced); choose a new path`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('says socat is needed when it is not on the PATH (exit 2: a missing tool is an environment problem)', async () => {
    const r = await cat1(['emulate'], { env: { PATH: '/nonexistent' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('cat1: socat is needed to create a pseudo-terminal (apt-get install socat)');
  });

  it('--help documents the fault syntax with examples and the exit codes', async () => {
    const r = await cat1(['emulate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/delay=<min>-<max>/);
    expect(r.stdout).toContain('cat1 emulate --fault delay=100-500');
    expect(r.stdout).toMatch(/Exit codes: 0/);
  });
});
