import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';
import { cat1, CAT1, ROOT } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';

/**
 * `cat1 term` is driven through a REAL pseudo-terminal: `script` (util-linux) runs it with its
 * stdin/stdout on a pty, so readline is in terminal mode (raw keys, Ctrl-C as a key, history).
 */
function hasScript(): boolean {
  const r = spawnSync('script', ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

const reason = !hasSocat() ? 'socat is not installed (apt-get install socat)' : !hasScript() ? 'script (util-linux) is not installed (apt-get install bsdutils)' : null;
if (reason) console.warn(`[test/cli/term.test.ts: pseudo-terminal tests skipped] ${reason}`);

// eslint-disable-next-line no-control-regex
const plain = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** cat1 term on a pseudo-terminal: type into it, wait for what it prints (no sleeps). */
function term(args: string[], home: string) {
  const cmd = [process.execPath, CAT1, 'term', ...args].map(q).join(' ');
  const child: ChildProcessWithoutNullStreams = spawn('script', ['-qfec', cmd, '/dev/null'], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', LANG: 'C', HOME: home, TERM: 'xterm' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const io = { out: '' };
  const listeners = new Set<() => void>();
  const poke = (): void => listeners.forEach((l) => l());
  // stdout and stderr of cat1 both come through the pty
  child.stdout.on('data', (b: Buffer) => ((io.out += b.toString('utf8')), poke()));
  child.stderr.on('data', (b: Buffer) => ((io.out += b.toString('utf8')), poke()));
  let code: number | null | undefined;
  const exited = new Promise<number | null>((r) => child.on('close', (c) => ((code = c), poke(), r(c))));
  /** Wait until the plain text printed after `from` matches. */
  const waitFor = (re: RegExp, from = 0, ms = 8000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (re.test(plain(io.out.slice(from)))) done(resolve);
        else if (code !== undefined) done(() => reject(new Error(`cat1 term exited (${String(code)}) before ${String(re)}:\n${plain(io.out)}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no ${String(re)} within ${ms} ms:\n${plain(io.out)}`))), ms);
      const done = (f: () => void): void => {
        clearTimeout(timer);
        listeners.delete(check);
        f();
      };
      listeners.add(check);
      check();
    });
  const type = (s: string): number => {
    const at = io.out.length;
    child.stdin.write(s);
    return at;
  };
  return { child, io, exited, waitFor, type };
}

describe.skipIf(reason !== null)('cat1 term on a real pseudo-terminal, against the emulator', () => {
  let pty: PtyEmulator | null = null;
  afterEach(async () => {
    await pty?.stop();
    pty = null;
  });

  it('sends a typed AT+CSQ, prints the answer with its meaning, keeps the history, and exits 0 on Ctrl-C', async () => {
    pty = await startPtyEmulator({ conditions: { signal: { rssi: 20 } } });
    const home = mkdtempSync(join(tmpdir(), 'cat1-term-home-'));
    const t = term(['--port', pty.path], home);
    await t.waitFor(/cat1> /);
    const at = t.type('AT+CSQ\r');
    await t.waitFor(/← +\+CSQ: 20,99 +signal -73 dBm \(\w+\)/, at);
    await t.waitFor(/← +OK/, at);
    t.type('\x03'); // Ctrl-C
    expect(await t.exited).toBe(0);
    expect(plain(t.io.out)).toMatch(/→ +AT\+CSQ/);
    expect(plain(t.io.out)).not.toMatch(/\n\s+at .*\.js/); // no stack trace
    expect(readFileSync(join(home, '.cat1_history'), 'utf8')).toBe('AT+CSQ\n');
  });

  it('data mode: the line after AT+ECMTPUB without payload is the payload (escapes), sent with Ctrl-Z; :help, :raw; Ctrl-D exits 0', async () => {
    pty = await startPtyEmulator();
    const home = mkdtempSync(join(tmpdir(), 'cat1-term-home-'));
    const t = term(['--port', pty.path], home);
    await t.waitFor(/cat1> /);
    let at = t.type(':help\r');
    await t.waitFor(/:raw on\|off/, at);
    at = t.type('AT+ECMTPUB=0,1,0,0,"dev/up"\r');
    await t.waitFor(/data mode: .*Type the payload on the next line/, at);
    await t.waitFor(/payload> /, at);
    at = t.type('{\\n "temp": 21\\n}\r');
    // the module prompts, the payload goes out with Ctrl-Z, then its answer (no broker session: CME 3)
    await t.waitFor(/← +> +data prompt/, at);
    await t.waitFor(/→ +data: \{\n +"temp": 21\n\}⟨\^Z⟩/, at);
    await t.waitFor(/← +\+CME ERROR: 3/, at);
    at = t.type(':raw on\r');
    await t.waitFor(/raw chunks: on/, at);
    at = t.type('AT+CGMI\r');
    await t.waitFor(/⇠ +0d 0a 63 61 74 31/, at); // the raw chunk, in hex
    await t.waitFor(/← +cat1-bridge emulator/, at);
    await t.waitFor(/← +OK/, at);
    t.type('\x04'); // Ctrl-D
    expect(await t.exited).toBe(0);
  });

  it('masks a password in the timeline, keeps that line out of ~/.cat1_history, and :quit exits 0 with the transcript flushed', async () => {
    pty = await startPtyEmulator();
    const home = mkdtempSync(join(tmpdir(), 'cat1-term-home-'));
    const record = join(home, 'session.jsonl');
    const t = term(['--port', pty.path, '--record', record], home);
    await t.waitFor(/cat1> /);
    let at = t.type('AT+ECMTCONN=0,"dev1","user1","hunter2"\r');
    await t.waitFor(/→ +AT\+ECMTCONN=0,"dev1","\*{5}","\*{7}"/, at);
    await t.waitFor(/← +\+CME ERROR: 3/, at);
    at = t.type('AT\r');
    await t.waitFor(/← +OK/, at);
    t.type(':quit\r');
    expect(await t.exited).toBe(0);
    // what cat1 printed (not the keys the terminal echoed) never shows the password
    const printed = plain(t.io.out).split('\n').filter((l) => /[→←]/.test(l));
    expect(printed.join('\n')).not.toContain('hunter2');
    expect(readFileSync(join(home, '.cat1_history'), 'utf8')).toBe('AT\n:quit\n');
    const transcript = readFileSync(record, 'utf8');
    expect(transcript).toContain('AT+ECMTCONN');
    expect(transcript).not.toContain('hunter2');
  });

  it('the raw hex/ASCII column never shows the IMSI; a chained command holding a password is masked on screen, in the transcript and kept out of the history', async () => {
    const imsi = '460018529637410';
    pty = await startPtyEmulator({ identity: { imsi } });
    const home = mkdtempSync(join(tmpdir(), 'cat1-term-home-'));
    const record = join(home, 'session.jsonl');
    const t = term(['--port', pty.path, '--record', record], home);
    await t.waitFor(/cat1> /);
    let at = t.type(':raw on\r');
    await t.waitFor(/raw chunks: on/, at);
    at = t.type('AT+CIMI\r');
    await t.waitFor(/← +\*{15}/, at);
    await t.waitFor(/← +OK/, at);
    at = t.type('AT+CSQ;+ECMTCONN=0,"dev1","user1","hunter2"\r');
    await t.waitFor(/→ +AT\+CSQ;\+ECMTCONN=0,"dev1","\*{5}","\*{7}"/, at);
    await t.waitFor(/← +(OK|ERROR|\+CME ERROR)/, at);
    t.type(':quit\r');
    expect(await t.exited).toBe(0);
    const printed = plain(t.io.out).split('\n').filter((l) => /[→←⇠⇢]/.test(l)).join('\n');
    for (const piece of [imsi, imsi.slice(4, 12), Buffer.from(imsi.slice(4, 12)).toString('hex').replace(/(..)(?!$)/g, '$1 '), 'hunter2']) expect(printed).not.toContain(piece);
    expect(printed).toMatch(/⇠ .*2a 2a 2a 2a/); // the IMSI's bytes, masked in the hex column
    const history = readFileSync(join(home, '.cat1_history'), 'utf8');
    expect(history).toContain('AT+CIMI');
    expect(history).not.toContain('hunter2');
    const transcript = readFileSync(record, 'utf8');
    expect(transcript).not.toContain('hunter2');
    expect(transcript).not.toContain(imsi);
  });

  it('--no-history writes no history file', async () => {
    pty = await startPtyEmulator();
    const home = mkdtempSync(join(tmpdir(), 'cat1-term-home-'));
    const t = term(['--port', pty.path, '--no-history'], home);
    await t.waitFor(/cat1> /);
    const at = t.type('AT\r');
    await t.waitFor(/← +OK/, at);
    t.type('\x03');
    expect(await t.exited).toBe(0);
    expect(existsSync(join(home, '.cat1_history'))).toBe(false);
  });
});

describe.skipIf(!hasSocat())('cat1 term with piped input', () => {
  it('sends each line in turn and exits 0 when the input ends', async () => {
    const pty = await startPtyEmulator();
    try {
      const r = await cat1(['term', '--port', pty.path, '--no-history'], { input: 'AT+CGMI\nAT+CSQ\n:note bench test\n' });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/← +cat1-bridge emulator/);
      expect(r.stdout).toMatch(/← +\+CSQ: 24,99 +signal/);
      expect(r.stdout).toMatch(/· +# bench test/);
    } finally {
      await pty.stop();
    }
  });
});

describe.skipIf(!hasSocat())('cat1 term losing its port', () => {
  it('the device vanishing ends the session with one line and exit 3', async () => {
    const pty = await startPtyEmulator();
    const child = spawn(process.execPath, [CAT1, 'term', '--port', pty.path, '--no-history'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', LANG: 'C' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    const ready = new Promise<void>((resolve) =>
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString('utf8');
        if (/terminal on/.test(stderr)) resolve();
      }),
    );
    child.stdout.resume();
    const exited = new Promise<number | null>((r) => child.on('close', r));
    await ready;
    await pty.stop(); // stdin stays open: only the port going away ends it
    expect(await exited).toBe(3);
    expect(stderr.trim().split('\n').at(-1)).toMatch(/^cat1: .*(went away|closed)/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('cat1 term usage errors', () => {
  it('without --port: one line, exit 2; a missing device: one line, exit 3; --json is not a term option', async () => {
    const a = await cat1(['term']);
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split('\n')).toHaveLength(1);
    const b = await cat1(['term', '--port', '/nonexistent/ttyUSB9']);
    expect(b.code).toBe(3);
    expect(b.stderr.trim()).toMatch(/^cat1: cannot open \/nonexistent\/ttyUSB9: no such device/);
    const c = await cat1(['term', '--port', '/dev/null', '--json']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/Unknown argument: json/);
  });

  it('--help documents data mode, the special commands and the exit codes, with examples', async () => {
    const r = await cat1(['term', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toMatch(/Data mode:/);
    expect(r.stdout).toMatch(/:raw on\|off/);
    expect(r.stdout).toMatch(/Exit codes: 0/);
  });
});
